package dev.sqsrouter.s3events;

import static dev.sqsrouter.s3events.S3EventFixtures.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.sqs.SqsMessage;
import org.apache.camel.Exchange;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Route tests of the processors as a developer writes them: AdviceWith replaces the queue's SQS consumer with a
 * direct endpoint and a processor's external call with a mock, by step id (post-audit, put-thumbnail); the rest of
 * the flow runs as it ships, the record runner's outcomes included.
 */
class S3ProcessorAdviceTest extends S3EventsTestSupport {

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Test
    void theAuditCallCanBeAdvisedByIdAndARefusedRecordIsStillParkedAlone() throws Exception {
        AdviceWith.adviceWith(context, "s3events-image-audit", route -> route.replaceFromWith("direct:image-audit"));
        AdviceWith.adviceWith(context, "s3-record-audit", route -> route.weaveById("post-audit").replace().to("mock:audit"));
        context.start();
        MockEndpoint audit = getMockEndpoint("mock:audit");
        audit.expectedMessageCount(2);
        // the first record is accepted, the second refused by the answer's status_code
        audit.whenExchangeReceived(1, e -> e.getMessage().setBody("{\"status_code\":200}"));
        audit.whenExchangeReceived(2, e -> e.getMessage().setBody("{\"status_code\":500,\"content\":{}}"));

        String body = fixture("sns-several-records.json");
        Exchange done = template.send("direct:image-audit", exchange -> {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeader("Authorization", "Bearer from-a-message-attribute");
            exchange.setProperty(SqsMessage.PROPERTY, new SqsMessage(s3Queue(AUDIT), "m-1", "r", null, null, 1,
                    Instant.now(), Instant.now(), body, null));
        });

        audit.assertIsSatisfied();
        assertEquals(null, done.getException(), "the message is done: one record accepted, one parked, one filtered out");
        Exchange first = audit.getReceivedExchanges().get(0);
        JsonNode request = S3EventFixtures.read(first.getMessage().getBody(String.class));
        assertEquals("cats/tabby.png", request.get("data").get("key").asText());
        Map<String, Object> headers = first.getMessage().getHeaders();
        assertEquals("application/json", headers.get("Content-Type"));
        assertTrue(String.valueOf(headers.get("Idempotency-Key")).matches("[0-9a-f]{64}"), headers::toString);
        assertEquals(null, headers.get("Authorization"), "no header of the SQS message reaches the call");
        List<FailureRecord> failures = s3Failures(AUDIT);
        assertEquals(1, failures.size(), () -> "one failure record: " + failures);
        assertEquals(FailureClass.BUSINESS, failures.get(0).failureClass());
        assertTrue(failures.get(0).reason().startsWith("Records[1] (images/photos/日本/한글 sunset.JPG): response server answered"
                + " status_code 500"), failures.get(0).reason());
    }

    @Test
    void theThumbnailWriteCanBeAdvisedById() throws Exception {
        AdviceWith.adviceWith(context, "s3events-image-thumbnails", route -> route.replaceFromWith("direct:image-thumbnails"));
        AdviceWith.adviceWith(context, "s3-record-thumbnail", route -> route.weaveById("put-thumbnail").replace().to("mock:put"));
        context.start();
        MockEndpoint put = getMockEndpoint("mock:put");
        put.expectedMessageCount(1);
        String key = keyPrefix() + "cat.png";
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(TestImages.image(400, 300, "png")));

        String body = S3EventFixtures.snsNotification(S3EventFixtures.s3Event(BUCKET, key, "ObjectCreated:Put", 1000));
        // the route's DEBUG line is evaluated too: an operator who turns it on must not break the flow
        Level level = LogManager.getLogger("s3-record-thumbnail").getLevel();
        Configurator.setLevel("s3-record-thumbnail", Level.DEBUG);
        Exchange done;
        try {
            done = template.send("direct:image-thumbnails", exchange -> {
                exchange.getMessage().setBody(body);
                exchange.setProperty(SqsMessage.PROPERTY, new SqsMessage(s3Queue(THUMBNAILS), "m-2", "r", null, null, 1,
                        Instant.now(), Instant.now(), body, null));
            });
        } finally {
            Configurator.setLevel("s3-record-thumbnail", level);
        }

        put.assertIsSatisfied();
        assertEquals(null, done.getException());
        Exchange written = put.getReceivedExchanges().get(0);
        assertEquals("thumbnails/" + key, written.getMessage().getHeader("CamelAwsS3Key"));
        assertEquals("image/png", written.getMessage().getHeader("CamelAwsS3ContentType"));
        assertEquals(Map.of("thumbnail-of", "images/" + keyPrefix().replace("/", "%2F") + "cat.png"),
                written.getMessage().getHeader("CamelAwsS3Metadata"));
        BufferedImage thumbnail = TestImages.decode(written.getMessage().getBody(byte[].class));
        assertEquals(200, thumbnail.getWidth());
        assertEquals(150, thumbnail.getHeight());
        assertTrue(s3Failures(THUMBNAILS).isEmpty());
    }
}
