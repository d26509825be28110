package dev.sqsrouter.s3events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

import dev.sqsrouter.failure.BusinessFailureException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * The thumbnail flow's Java steps that need no S3: scaling, naming, the loop guard's key rule, the get request, the
 * refusals an event already shows, configuration checks.
 */
class S3ThumbnailProcessorTest {

    private static final DecodeMemory DECODE_MEMORY = new DecodeMemory(67_108_864);

    private final Thumbnailer processor = new Thumbnailer("images", "thumbnails/", 1000, 200, 1000, 33_554_432, DECODE_MEMORY);

    @ParameterizedTest
    @CsvSource({"640, 480, 200, 150", "480, 640, 150, 200", "100, 50, 100, 50", "5000, 10, 200, 1", "3000, 3000, 200, 200"})
    void fitsTheLongerSideAndNeverEnlarges(int width, int height, int expectedWidth, int expectedHeight) {
        BufferedImage scaled = Thumbnailer.scale(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), 200, true);
        assertEquals(expectedWidth, scaled.getWidth());
        assertEquals(expectedHeight, scaled.getHeight());
    }

    @Test
    void transparencyIsKeptWhereTheFormatHasIt() {
        BufferedImage transparent = new BufferedImage(400, 400, BufferedImage.TYPE_INT_ARGB);
        assertTrue(Thumbnailer.scale(transparent, 100, true).getColorModel().hasAlpha());
        BufferedImage flattened = Thumbnailer.scale(transparent, 100, false);
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
                Thumbnailer.sourceOf(record("images", "cats/my cat + friend é.png")));
    }

    @Test
    void configurationThatWouldOverwriteImagesIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> S3EventsBeans.thumbnailBucket("images", "images", ""));
        assertTrue(e.getMessage().contains("s3events.thumbnail.prefix is empty"), e.getMessage());
        assertEquals("images", S3EventsBeans.thumbnailBucket("images", "", "thumbnails/"));
        assertEquals("thumbs", S3EventsBeans.thumbnailBucket("images", "thumbs", ""), "another bucket needs no prefix");
        assertThrows(IllegalArgumentException.class, () -> new Thumbnailer("images", "t/", 0, 200, 1, 33_554_432, DECODE_MEMORY));
        assertThrows(IllegalArgumentException.class, () -> new Thumbnailer("images", "t/", 10, 0, 1, 33_554_432, DECODE_MEMORY));
    }

    @Test
    void theObjectIsReadInTheVersionTheEventNames() {
        GetObjectRequest versioned = processor.sourceRequest(new S3EventRecord("images", "cats/cat.png", 10L, null, "v7", null,
                "ObjectCreated:Put", null));
        assertEquals("images", versioned.bucket());
        assertEquals("cats/cat.png", versioned.key());
        assertEquals("v7", versioned.versionId());
        assertNull(processor.sourceRequest(record("images", "cats/cat.png")).versionId());
    }

    @Test
    void anObjectTheEventSaysIsTooLargeIsRefusedBeforeReading() {
        BusinessFailureException refused = assertThrows(BusinessFailureException.class, () -> processor.sourceRequest(
                new S3EventRecord("images", "big.png", 1001L, null, null, null, "ObjectCreated:Put", null)));
        assertTrue(refused.getMessage().contains("is 1001 bytes, over s3events.thumbnail.max-bytes (1000)"), refused.getMessage());
    }

    @Test
    void aKeyTheS3ComponentWouldEvaluateIsRefused() {
        // aws2-s3 evaluates a key holding ${ as a Simple expression: the thumbnail would land elsewhere
        for (String key : List.of("cats/${body}.png", "cats/$simple{header.x}.png")) {
            BusinessFailureException refused = assertThrows(BusinessFailureException.class,
                    () -> processor.sourceRequest(record("images", key)));
            assertTrue(refused.getMessage().contains("would evaluate as an expression"), refused.getMessage());
        }
        assertEquals("cats/$ {price}.png", processor.sourceRequest(record("images", "cats/$ {price}.png")).key());
        assertThrows(IllegalArgumentException.class, () -> new Thumbnailer("images", "t/${date:now}/", 10, 10, 10, 33_554_432, DECODE_MEMORY));
    }

    @Test
    void theThumbnailNamesItsKeyTypeAndSource() {
        Thumbnailer thumbnailer = new Thumbnailer("images", "thumbnails/", 100_000, 200, 1_000_000, 33_554_432, DECODE_MEMORY);
        Thumbnailer.Thumbnail thumbnail = thumbnailer.thumbnail(TestImages.image(400, 100, "gif"),
                record("images", "cats/my cat + friend é.gif"));
        assertEquals("thumbnails/cats/my cat + friend é.gif", thumbnail.key());
        assertEquals("image/gif", thumbnail.contentType());
        assertEquals(Map.of("thumbnail-of", "images/cats%2Fmy+cat+%2B+friend+%C3%A9.gif"), thumbnail.metadata());
        BufferedImage decoded = TestImages.decode(thumbnail.bytes());
        assertEquals(200, decoded.getWidth());
        assertEquals(50, decoded.getHeight());
    }

    @Test
    void bytesThatAreNoImageAreRefused() {
        BusinessFailureException refused = assertThrows(BusinessFailureException.class,
                () -> processor.thumbnail("not a picture".getBytes(java.nio.charset.StandardCharsets.UTF_8), record("images", "a.png")));
        assertTrue(refused.getMessage().contains("is not an image ImageIO can decode"), refused.getMessage());
        BusinessFailureException huge = assertThrows(BusinessFailureException.class,
                () -> processor.thumbnail(TestImages.image(40, 30, "png"), record("images", "b.png")));
        assertTrue(huge.getMessage().contains("is 40x30 pixels, over s3events.thumbnail.max-pixels (1000)"), huge.getMessage());
    }

    @Test
    void onlyTheReaderTheKeysSuffixNamesDecodes() {
        BusinessFailureException jpegNamedPng = assertThrows(BusinessFailureException.class,
                () -> processor.thumbnail(TestImages.image(20, 10, "jpeg"), record("images", "a.png")));
        assertTrue(jpegNamedPng.getMessage().contains("its bytes are not a PNG image as its key says; it is JPEG"),
                jpegNamedPng.getMessage());
        BusinessFailureException noSuffix = assertThrows(BusinessFailureException.class,
                () -> processor.thumbnail(TestImages.image(20, 10, "png"), record("images", "cats/cat")));
        assertTrue(noSuffix.getMessage().contains("its key has no suffix of a format ImageIO reads (bmp, gif, jpeg, jpg"),
                noSuffix.getMessage());
        assertEquals("jpeg", Thumbnailer.suffix("a/b.c/photo.JPEG"));
        assertNull(Thumbnailer.suffix("a/b.c/photo"));
        assertNull(Thumbnailer.suffix("photo."));
    }

    @Test
    void anImageThatWouldTakeMoreThanMaxDecodedBytesIsRefusedBeforeDecoding() {
        Thumbnailer small = new Thumbnailer("images", "thumbnails/", 10_000_000, 100, 40_000_000, 100_000, DECODE_MEMORY);
        // 16-bit RGBA, 8 bytes per pixel: 1000x1000 decodes at 1/5 to 200x200, 320,000 bytes
        BusinessFailureException refused = assertThrows(BusinessFailureException.class,
                () -> small.thumbnail(ImageBombs.png16BitRgba(1000, 1000), record("images", "deep.png")));
        assertTrue(refused.getMessage().contains("(1000x1000, 8 bytes per pixel) would take 320000 bytes to decode at 1/5 of its"
                + " size, over s3events.thumbnail.max-decoded-bytes (100000)"), refused.getMessage());
        BusinessFailureException wide = assertThrows(BusinessFailureException.class,
                () -> small.thumbnail(ImageBombs.png16BitRgba(300, 200), record("images", "wide.png")));
        assertTrue(wide.getMessage().contains("would take 480000 bytes to decode, over"), "300 < 2 x 100: at full size");
        Thumbnailer.Thumbnail thumbnail = small.thumbnail(ImageBombs.png16BitRgba(150, 80), record("images", "shallow.png"));
        assertEquals(100, TestImages.decode(thumbnail.bytes()).getWidth(), "96,000 bytes fit");
    }

    @Test
    void decodesWaitForRoomInTheSharedMemory() throws Exception {
        DecodeMemory memory = new DecodeMemory(8192);
        DecodeMemory.Held first = memory.hold(6000);
        assertEquals(6144, memory.heldBytes());
        java.util.concurrent.CompletableFuture<DecodeMemory.Held> second = new java.util.concurrent.CompletableFuture<>();
        Thread waiting = Thread.ofPlatform().start(() -> second.complete(memory.hold(6000)));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> waiting.getState() == Thread.State.WAITING);
        assertFalse(second.isDone(), "no room while the first decode holds 6 KiB of 8");
        first.close();
        second.get(10, java.util.concurrent.TimeUnit.SECONDS).close();
        assertEquals(0, memory.heldBytes());
        memory.hold(1_000_000).close();
        assertEquals(0, memory.heldBytes(), "an estimate over the budget holds the whole budget, not more");
    }

    private static S3EventRecord record(String bucket, String key) {
        return new S3EventRecord(bucket, key, 1L, null, null, null, "ObjectCreated:Put", null);
    }
}
