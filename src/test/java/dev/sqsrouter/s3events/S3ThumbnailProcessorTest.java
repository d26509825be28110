package dev.sqsrouter.s3events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The thumbnail processor's parts that need no S3: scaling, naming, the loop guard's key rule, configuration checks. */
class S3ThumbnailProcessorTest {

    private final ThumbnailProcessor processor = new ThumbnailProcessor(null, "images", "thumbnails/", 1000, 200, 1000);

    @ParameterizedTest
    @CsvSource({"640, 480, 200, 150", "480, 640, 150, 200", "100, 50, 100, 50", "5000, 10, 200, 1", "3000, 3000, 200, 200"})
    void fitsTheLongerSideAndNeverEnlarges(int width, int height, int expectedWidth, int expectedHeight) {
        BufferedImage scaled = ThumbnailProcessor.scale(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), 200, true);
        assertEquals(expectedWidth, scaled.getWidth());
        assertEquals(expectedHeight, scaled.getHeight());
    }

    @Test
    void transparencyIsKeptWhereTheFormatHasIt() {
        BufferedImage transparent = new BufferedImage(400, 400, BufferedImage.TYPE_INT_ARGB);
        assertTrue(ThumbnailProcessor.scale(transparent, 100, true).getColorModel().hasAlpha());
        BufferedImage flattened = ThumbnailProcessor.scale(transparent, 100, false);
        assertFalse(flattened.getColorModel().hasAlpha());
        assertEquals(0xFFFFFFFF, flattened.getRGB(50, 50), "transparent pixels become white, not black");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "cats/cat.png | png | thumbnails/cats/cat.png",
            "cats/CAT.JPG | jpeg | thumbnails/cats/CAT.JPG",
            "photo.jpeg | jpeg | thumbnails/photo.jpeg",
            "named.png | jpeg | thumbnails/named.png.jpeg",
            "picture.tiff | png | thumbnails/picture.tiff.png"})
    void thumbnailKeyIsPrefixAndSourceKeyWithTheRightExtension(String key, String format, String thumbnailKey) {
        assertEquals(thumbnailKey, processor.thumbnailKey(key, format));
    }

    @Test
    void keysUnderThePrefixOfTheThumbnailBucketAreThumbnails() {
        assertTrue(processor.isThumbnail(record("images", "thumbnails/cats/cat.png")));
        assertFalse(processor.isThumbnail(record("images", "cats/thumbnails/cat.png")));
        assertFalse(processor.isThumbnail(record("other", "thumbnails/cat.png")), "another bucket's keys are its own");
    }

    @Test
    void sourceMetadataIsAsciiBucketAndFormEncodedKey() {
        assertEquals("images/cats%2Fmy+cat+%2B+friend+%C3%A9.png",
                ThumbnailProcessor.sourceOf(record("images", "cats/my cat + friend é.png")));
    }

    @Test
    void configurationThatWouldOverwriteImagesIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> S3EventsBeans.thumbnailBucket("images", "images", ""));
        assertTrue(e.getMessage().contains("s3events.thumbnail.prefix is empty"), e.getMessage());
        assertEquals("images", S3EventsBeans.thumbnailBucket("images", "", "thumbnails/"));
        assertEquals("thumbs", S3EventsBeans.thumbnailBucket("images", "thumbs", ""), "another bucket needs no prefix");
        assertThrows(IllegalArgumentException.class, () -> new ThumbnailProcessor(null, "images", "t/", 0, 200, 1));
        assertThrows(IllegalArgumentException.class, () -> new ThumbnailProcessor(null, "images", "t/", 10, 0, 1));
    }

    private static S3EventRecord record(String bucket, String key) {
        return new S3EventRecord(bucket, key, 1L, null, null, null, "ObjectCreated:Put", null);
    }
}
