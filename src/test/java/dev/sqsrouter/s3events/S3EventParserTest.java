package dev.sqsrouter.s3events;

import static dev.sqsrouter.s3events.S3EventFixtures.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import dev.sqsrouter.failure.MalformedMessageException;
import dev.sqsrouter.s3events.S3EventNotification.Envelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S3EventParserTest {

    private final S3EventParser parser = new S3EventParser();

    @Test
    void snsNotificationIsUnwrappedAndTheKeyDecoded() {
        S3EventNotification notification = parser.parse(fixture("sns-put.json"));

        assertEquals(Envelope.SNS, notification.envelope());
        assertFalse(notification.testEvent());
        assertEquals(List.of(new S3EventRecord("images", "cats/my cat + friend é.png", 1024L,
                "0123456789abcdef0123456789abcdef", null, "0A1B2C3D4E5F678901", "ObjectCreated:Put",
                Instant.parse("2024-05-14T09:21:07.129Z"))), notification.records());
    }

    @Test
    void rawEventGivesTheSameRecordAsItsSnsEnvelope() {
        S3EventNotification raw = parser.parse(fixture("raw-put.json"));

        assertEquals(Envelope.RAW, raw.envelope());
        assertEquals(parser.parse(fixture("sns-put.json")).records(), raw.records());
    }

    @Test
    void severalRecordsKeepTheirOrderAndFields() {
        List<S3EventRecord> records = parser.parse(fixture("sns-several-records.json")).records();

        assertEquals(List.of("cats/tabby.png", "photos/日本/한글 sunset.JPG", "memes/c++ 100%.gif"),
                records.stream().map(S3EventRecord::key).toList());
        assertEquals(List.of("ObjectCreated:Put", "ObjectCreated:CompleteMultipartUpload", "ObjectCreated:Copy"),
                records.stream().map(S3EventRecord::eventName).toList());
        S3EventRecord multipart = records.get(1);
        assertEquals(15728640L, multipart.size());
        assertEquals("d41d8cd98f00b204e9800998ecf8427e-3", multipart.eTag());
        assertEquals("096fKKXTRTtl3on89fVO.nfljtsv6qko", multipart.versionId());
        assertEquals("0055AED6DCD90281E6", multipart.sequencer());
    }

    @Test
    void recordEventIsAnS3EventOfThatRecordAloneThatParsesToIt() {
        String body = fixture("sns-several-records.json");
        List<S3EventRecord> records = parser.parse(body).records();

        for (int i = 0; i < records.size(); i++) {
            S3EventNotification alone = parser.parse(parser.recordEvent(body, i));
            assertEquals(Envelope.RAW, alone.envelope());
            assertEquals(List.of(records.get(i)), alone.records());
        }
        // an EventBridge event names one object: it is its own record event
        String eventBridge = fixture("eventbridge-object-created.json");
        assertEquals(parser.parse(eventBridge).records(), parser.parse(parser.recordEvent(eventBridge, 0)).records());
    }

    @Test
    void testEventIsAcknowledgedWithItsBucketAndNoRecords() {
        for (String fixture : List.of("sns-test-event.json", "raw-test-event.json")) {
            S3EventNotification notification = parser.parse(fixture(fixture));
            assertTrue(notification.testEvent(), fixture);
            assertEquals("images", notification.testBucket(), fixture);
            assertTrue(notification.records().isEmpty(), fixture);
        }
        assertEquals(Envelope.SNS, parser.parse(fixture("sns-test-event.json")).envelope());
    }

    @Test
    void eventBridgeObjectCreatedKeepsItsKeyAsStored() {
        S3EventNotification notification = parser.parse(fixture("eventbridge-object-created.json"));

        assertEquals(Envelope.EVENTBRIDGE, notification.envelope());
        assertEquals(List.of(new S3EventRecord("images", "uploads/raw key+plus é.png", 5L,
                "b1946ac92492d2347c6235b4d2611184", "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e", "617f08299329d189",
                "ObjectCreated:Put", Instant.parse("2021-11-12T00:00:00Z"))), notification.records());
    }

    @Test
    void eventBridgeEventInsideSnsIsUnwrapped() {
        S3EventNotification notification = parser.parse(
                S3EventFixtures.snsNotification(fixture("eventbridge-object-created.json")));

        assertEquals(Envelope.SNS, notification.envelope());
        assertEquals("uploads/raw key+plus é.png", notification.records().get(0).key());
    }

    @ParameterizedTest
    @CsvSource({
            "PutObject, ObjectCreated:Put",
            "POST Object, ObjectCreated:Post",
            "CopyObject, ObjectCreated:Copy",
            "CompleteMultipartUpload, ObjectCreated:CompleteMultipartUpload",
            "RestoreObject, ObjectCreated:RestoreObject"})
    void eventBridgeReasonBecomesTheNotificationEventName(String reason, String eventName) {
        assertEquals(eventName, S3EventParser.eventNameOfReason(reason));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "red+flower.jpg | red flower.jpg",
            "c%2B%2B+notes.png | c++ notes.png",
            "a/b/c.png | a/b/c.png",
            "a%2Fb.png | a/b.png",
            "%E6%97%A5%E6%9C%AC.gif | 日本.gif",
            "100%25+sure.jpeg | 100% sure.jpeg",
            "5%3A00.png | 5:00.png"})
    void keysAreFormDecoded(String encoded, String key) {
        assertEquals(key, S3EventParser.decodeKey(encoded, "key"));
    }

    @Test
    void eventNamesLoseTheS3Prefix() {
        assertEquals("ObjectCreated:Put", S3EventParser.normaliseEventName("s3:ObjectCreated:Put"));
        assertEquals("ObjectCreated:Put", S3EventParser.normaliseEventName("ObjectCreated:Put"));
        String minio = S3EventFixtures.s3Event("images", "a.png", "s3:ObjectCreated:Put", 1);
        assertEquals("ObjectCreated:Put", parser.parse(minio).records().get(0).eventName());
    }

    @ParameterizedTest
    @CsvSource({
            "2024-05-14T09:21:07.129Z, 2024-05-14T09:21:07.129Z",
            "2021-11-12T00:00:00Z, 2021-11-12T00:00:00Z",
            "2024-05-14T11:21:07.129+02:00, 2024-05-14T09:21:07.129Z",
            // moto_server's shape: no zone; S3 times are UTC
            "2026-11-22T05:27:54.270549, 2026-11-22T05:27:54.270549Z"})
    void eventTimesInTheIsoShapesS3AndCompatibleStoresSend(String eventTime, String instant) {
        String event = S3EventFixtures.s3Event("images", "a.png", "ObjectCreated:Put", 1).replace("2024-05-14T09:21:07.129Z", eventTime);
        assertEquals(Instant.parse(instant), parser.parse(event).records().get(0).eventTime());
    }

    @Test
    void missingOptionalFieldsAreNull() {
        S3EventRecord record = parser.parse("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"bucket\":{\"name\":\"images\"},\"object\":{\"key\":\"a.png\"}}}]}").records().get(0);

        assertNull(record.size());
        assertNull(record.eTag());
        assertNull(record.versionId());
        assertNull(record.sequencer());
        assertNull(record.eventTime());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'' | empty message body",
            "not json | message body is not JSON",
            "[1,2] | message body is a JSON array, not an object",
            "{\"data\":{\"MessageGroupID\":\"10\"}} | message body is not an S3 event (fields [data])",
            "{\"Records\":[]} | Records is empty",
            "{\"Records\":{}} | Records is a JSON object, not an array",
            "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"images\"},\"object\":{}}}]} | Records[0].s3.object.key is missing",
            "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{},\"object\":{\"key\":\"a.png\"}}}]} | Records[0].s3.bucket.name is missing",
            "{\"Records\":[{\"s3\":{\"bucket\":{\"name\":\"images\"},\"object\":{\"key\":\"a.png\"}}}]} | Records[0].eventName is missing",
            "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"images\"},\"object\":{\"key\":\"a%zz.png\"}}}]} | Records[0].s3.object.key 'a%zz.png' is not URL-encoded",
            "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"images\"},\"object\":{\"key\":\"a.png\",\"size\":\"big\"}}}]} | Records[0].s3.object.size must be a whole number of bytes",
            "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"eventTime\":\"yesterday\",\"s3\":{\"bucket\":{\"name\":\"images\"},\"object\":{\"key\":\"a.png\"}}}]} | Records[0].eventTime 'yesterday' is not an ISO-8601 time",
            "{\"Event\":\"s3:SomethingElse\"} | S3 message with Event 's3:SomethingElse' and no Records",
            "{\"Type\":\"Notification\",\"TopicArn\":\"arn:aws:sns:us-east-1:1:t\",\"Message\":\"hello\"} | SNS Message from arn:aws:sns:us-east-1:1:t is not JSON",
            "{\"Type\":\"Notification\",\"TopicArn\":\"arn:aws:sns:us-east-1:1:t\"} | SNS Notification from arn:aws:sns:us-east-1:1:t has no string field Message",
            "{\"Type\":\"Notification\",\"Message\":{\"Records\":[]}} | has no string field Message",
            "{\"Type\":\"Notification\",\"Message\":\"{\\\"Type\\\":\\\"Notification\\\"}\"} | SNS Message holds another SNS envelope",
            "{\"Type\":\"Notification\",\"Message\":\"{\\\"hello\\\":1}\"} | SNS Message is not an S3 event (fields [hello])",
            "{\"Type\":\"Whatever\"} | SNS message of Type 'Whatever'",
            "{\"detail-type\":\"Object Created\",\"source\":\"aws.ec2\"} | EventBridge event from source 'aws.ec2', not aws.s3"})
    void anythingElseIsMalformedWithAPreciseReason(String body, String reason) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> parser.parse(body));
        assertTrue(e.getMessage().contains(reason), () -> "expected '" + reason + "' in: " + e.getMessage());
    }

    @Test
    void subscriptionConfirmationSaysHowToConfirm() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> parser.parse(fixture("sns-subscription-confirmation.json")));
        assertTrue(e.getMessage().contains("SNS SubscriptionConfirmation from arn:aws:sns:us-east-1:123456789012:imageAdded"),
                e.getMessage());
        assertTrue(e.getMessage().contains("SubscribeURL"), e.getMessage());
    }

    @Test
    void eventBridgeEventsOtherThanObjectCreatedAreNotHandled() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> parser.parse(fixture("eventbridge-object-deleted.json")));
        assertTrue(e.getMessage().contains("detail-type 'Object Deleted' is not handled"), e.getMessage());
    }
}
