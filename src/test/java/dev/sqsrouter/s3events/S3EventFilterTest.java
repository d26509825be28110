package dev.sqsrouter.s3events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S3EventFilterTest {

    /** The seed's notification configuration: Put and CompleteMultipartUpload of image suffixes. */
    private final S3EventFilter seed = new S3EventFilter("images", "ObjectCreated:Put,ObjectCreated:CompleteMultipartUpload",
            "", "jpeg,jpg,png,gif");

    private static S3EventRecord record(String bucket, String key, String eventName) {
        return new S3EventRecord(bucket, key, 1L, null, null, null, eventName, null);
    }

    @ParameterizedTest
    @CsvSource({
            "images, cat.png, ObjectCreated:Put, true",
            "images, CAT.JPG, ObjectCreated:Put, true",
            "images, a/b/photo.Jpeg, objectcreated:completemultipartupload, true",
            "images, anim.gif, ObjectCreated:CompleteMultipartUpload, true",
            "images, notes.txt, ObjectCreated:Put, false",
            "images, cat.png, ObjectCreated:Copy, false",
            "images, cat.png, ObjectRemoved:Delete, false",
            "other, cat.png, ObjectCreated:Put, false",
            "IMAGES, cat.png, ObjectCreated:Put, true"})
    void seedConfiguration(String bucket, String key, String eventName, boolean accepted) {
        assertEquals(accepted, seed.accepts(record(bucket, key, eventName)));
    }

    @Test
    void prefixIsCaseInsensitive() {
        S3EventFilter filter = new S3EventFilter("", "", "Uploads/", "");
        assertTrue(filter.accepts(record("any", "uploads/a.png", "ObjectCreated:Put")));
        assertTrue(filter.accepts(record("any", "UPLOADS/a.png", "ObjectCreated:Put")));
        assertFalse(filter.accepts(record("any", "other/uploads/a.png", "ObjectCreated:Put")));
    }

    @Test
    void wildcardAndS3PrefixInEventNames() {
        S3EventFilter filter = new S3EventFilter("", "s3:ObjectCreated:*", "", "");
        assertTrue(filter.accepts(record("b", "k", "ObjectCreated:Copy")));
        assertTrue(filter.accepts(record("b", "k", "ObjectCreated:Put")));
        assertFalse(filter.accepts(record("b", "k", "ObjectRemoved:Delete")));
    }

    @Test
    void emptySettingsAcceptEverythingAndListsTakeSpaces() {
        assertTrue(new S3EventFilter("", "", "", "").accepts(record("b", "k", "ObjectRemoved:Delete")));
        S3EventFilter spaced = new S3EventFilter(null, null, null, "jpeg jpg  png gif");
        assertTrue(spaced.accepts(record("b", "x.gif", "ObjectCreated:Put")));
        assertFalse(spaced.accepts(record("b", "x.tiff", "ObjectCreated:Put")));
    }

    @Test
    void reasonNamesWhatDidNotMatch() {
        assertEquals("key does not end with one of [jpeg, jpg, png, gif]",
                seed.whySkipped(record("images", "notes.txt", "ObjectCreated:Put")));
    }
}
