package dev.sqsrouter.relay;

import dev.sqsrouter.sqs.SqsMessage;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import dev.sqsrouter.config.Topology;
import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.sandbox.SampleResponseServer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** The relay against real ElasticMQ and DynamoDB Local, as the app ships (routes/*.yaml, application.properties). */
class FifoRelayTest extends RelayTestSupport {

    @Test
    void everyDeclaredQueueAndDeadLetterQueueIsConsumedByARouteFromItsTemplate() {
        // one block per queue in application.properties: no route file names a queue
        java.util.Set<String> consumed = new java.util.TreeSet<>();
        context.getRoutes().forEach(route -> {
            if (route.getEndpoint() instanceof org.apache.camel.component.aws2.sqs.Sqs2Endpoint endpoint) {
                consumed.add(route.getRouteId() + " <- " + endpoint.getConfiguration().getQueueName());
            }
        });
        assertEquals(new java.util.TreeSet<>(List.of(
                "relay-queue-1 <- " + queue("queue-1"), "archive-queue-1 <- " + deadLetterQueue("queue-1"),
                "relay-queue-2 <- " + queue("queue-2"), "archive-queue-2 <- " + deadLetterQueue("queue-2"),
                "s3events-image-thumbnails <- " + s3EventQueue("image-thumbnails"),
                "archive-image-thumbnails <- " + s3EventDeadLetterQueue("image-thumbnails"),
                "s3events-image-audit <- " + s3EventQueue("image-audit"),
                "archive-image-audit <- " + s3EventDeadLetterQueue("image-audit"))), consumed);
        assertEquals(List.of("queue-1", "queue-2"),
                Topology.of(context).relay().queues().stream().map(q -> q.alias()).toList());
    }

    @Test
    void loadScriptScenarioArrivesInOrder() {
        int n = 40;
        for (int seq = 1; seq <= n; seq++) {
            sendToQueue("queue-1", "10", loadScriptMessage("10", seq, 200));
        }
        await().atMost(30, SECONDS).until(() -> target.received().size() >= n);
        assertEquals(Map.of("10", IntStream.rangeClosed(1, n).boxed().toList()), sequencesByGroup(target.received()));
        await().atMost(10, SECONDS).until(() -> messagesIn(queue("queue-1")) == 0);
        assertEquals(List.of(), failures("queue-1", "10"));
    }

    @Test
    void fiftyInterleavedGroupsKeepExactOrderPerGroup() {
        int groups = 50;
        int perGroup = 8;
        Map<String, List<Integer>> expected = sendInterleaved("queue-1", groups, perGroup);
        await().atMost(60, SECONDS).until(() -> target.received().size() >= groups * perGroup);
        assertEquals(expected, sequencesByGroup(target.received()));
        await().atMost(10, SECONDS).until(() -> messagesIn(queue("queue-1")) == 0);
    }

    @Test
    void businessFailureIsRecordedInTheStoreWhileTheGroupKeepsItsOrder() {
        List<String> messageIds = new java.util.ArrayList<>();
        for (int seq = 1; seq <= 5; seq++) {
            messageIds.add(sendToQueue("queue-1", "g1", loadScriptMessage("g1", seq, seq == 2 ? 500 : 200)));
        }
        sendToQueue("queue-1", "g2", loadScriptMessage("g2", 1, 200));

        await().atMost(30, SECONDS).until(() -> messagesIn(queue("queue-1")) == 0);
        assertEquals(Map.of("g1", List.of(1, 2, 3, 4, 5), "g2", List.of(1)), sequencesByGroup(target.received()));

        await().atMost(20, SECONDS).until(() -> failures("queue-1", "g1").size() == 1);
        FailureRecord record = failures("queue-1", "g1").get(0);
        assertEquals(FailureClass.BUSINESS, record.failureClass());
        assertEquals("g1", record.group());
        assertTrue(record.body().contains("\"transSeq\":\"2\""), record.body());
        assertTrue(record.reason().contains("500"), record.reason());
        assertEquals(200, record.httpStatus());
        assertTrue(record.answer().contains("\"status_code\":500"), record.answer());
        assertEquals(messageIds.get(1), record.messageId());
        // the key the response server saw, kept for a replay to send again
        assertEquals(messageIds.get(1), record.idempotencyKey());
        assertEquals(List.of(), failures("queue-1", "g2"));
    }

    @Test
    void everyCallCarriesTheMessageIdAsIdempotencyKey() {
        String first = sendToQueue("queue-1", "k", loadScriptMessage("k", 1, 200));
        String second = sendToQueue("queue-1", "k", loadScriptMessage("k", 2, 200));
        await().atMost(30, SECONDS).until(() -> target.requests().size() >= 2);
        assertEquals(List.of(first, second), target.requests().stream().map(SampleResponseServer.Request::idempotencyKey).toList());
        assertNotEquals(first, second);
    }

    @Test
    void theKeyAttributeOfAMessageIsItsIdempotencyKey() {
        // what the ingress sends for a client's Idempotency-Key, and what a replay sends for the original's key
        sqs.sendMessage(b -> b.queueUrl(url(queue("queue-1")))
                .messageBody("{\"data\":" + loadScriptMessage("c", 1, 200) + "}")
                .messageGroupId("c").messageDeduplicationId("client-1")
                .messageAttributes(Map.of(SqsMessage.IDEMPOTENCY_KEY_ATTRIBUTE, text("order-42:v1"))));
        // a blank attribute is no key: the message id is
        String blank = sqs.sendMessage(b -> b.queueUrl(url(queue("queue-1")))
                .messageBody("{\"data\":" + loadScriptMessage("c", 2, 200) + "}")
                .messageGroupId("c").messageDeduplicationId("client-2")
                .messageAttributes(Map.of(SqsMessage.IDEMPOTENCY_KEY_ATTRIBUTE, text(" ")))).messageId();
        await().atMost(30, SECONDS).until(() -> target.requests().size() >= 2);
        assertEquals(List.of("order-42:v1", blank),
                target.requests().stream().map(SampleResponseServer.Request::idempotencyKey).toList());
    }

    @Test
    void retriesAndRedeliveriesOfOneMessageCarryTheSameKey() {
        // each delivery is tried relay.retry.attempts times before the message goes back to SQS; it comes back (a
        // redelivery, same message id) until the server answers again
        target.forceHttpStatus(503);
        String messageId = sendToQueue("queue-1", "t", loadScriptMessage("t", 1, 200));
        // at most 1 + relay.retry.attempts calls per delivery (3 here): a fourth call is a redelivery's
        await().atMost(30, SECONDS).until(() -> target.requests().size() >= 4);
        target.forceHttpStatus(0);
        await().atMost(30, SECONDS).until(() -> messagesIn(queue("queue-1")) == 0);
        List<String> keys = target.requests().stream().map(SampleResponseServer.Request::idempotencyKey).distinct().toList();
        assertEquals(List.of(messageId), keys, "keys of " + target.requests().size() + " calls");
    }

    @Test
    void aBusinessFailureIsParkedOnceInTheStoreAndLeavesTheDeadLetterQueueEmpty() throws Exception {
        // the archiver stopped: whatever reached the dead-letter queue would stay there to be counted
        context.getRouteController().stopRoute("archive-queue-1");
        String refused = sendToQueue("queue-1", "g7", loadScriptMessage("g7", 1, 404));
        sendToQueue("queue-1", "g7", loadScriptMessage("g7", 2, 200));
        await().atMost(30, SECONDS).until(() -> messagesIn(queue("queue-1")) == 0);

        List<FailureRecord> records = failures("queue-1", "g7");
        assertEquals(1, records.size(), "one failure-store record: " + records);
        assertEquals(FailureClass.BUSINESS, records.get(0).failureClass());
        assertEquals(refused, records.get(0).messageId());
        assertEquals(0, messagesIn(deadLetterQueue("queue-1")), "the dead-letter queue holds only what SQS redrives");
        // nothing redelivered: each message of the group reached the server once, in order
        assertEquals(Map.of("g7", List.of(1, 2)), sequencesByGroup(target.received()));
    }

    @Test
    void httpClientErrorIsABusinessFailure() {
        target.forceHttpStatus(400);
        sendToQueue("queue-1", "g4", loadScriptMessage("g4", 1, 200));
        await().atMost(30, SECONDS).until(() -> failures("queue-1", "g4").size() == 1);
        FailureRecord record = failures("queue-1", "g4").get(0);
        assertEquals(FailureClass.BUSINESS, record.failureClass());
        assertEquals(400, record.httpStatus());
        await().atMost(10, SECONDS).until(() -> messagesIn(queue("queue-1")) == 0);
    }

    @Test
    void malformedBodiesAreStoredWithTheirReasonAndTheQueueKeepsFlowing() {
        sqs.sendMessage(b -> b.queueUrl(url(queue("queue-1"))).messageBody("this is not json")
                .messageGroupId("m").messageDeduplicationId("bad-1"));
        sqs.sendMessage(b -> b.queueUrl(url(queue("queue-1"))).messageBody("{\"MessageGroupID\":\"m\"}")
                .messageGroupId("m").messageDeduplicationId("bad-2"));
        sendToQueue("queue-1", "m", loadScriptMessage("m", 3, 200));

        await().atMost(30, SECONDS).until(() -> target.received().size() == 1 && messagesIn(queue("queue-1")) == 0);
        assertEquals(Map.of("m", List.of(3)), sequencesByGroup(target.received()));
        List<FailureRecord> records = failures("queue-1", "m");
        assertEquals(2, records.size());
        assertEquals("this is not json", records.get(0).body());
        assertEquals(FailureClass.MALFORMED, records.get(0).failureClass());
        assertTrue(records.get(0).reason().contains("not JSON"), records.get(0).reason());
        assertEquals("{\"MessageGroupID\":\"m\"}", records.get(1).body());
        assertTrue(records.get(1).reason().contains("'data'"), records.get(1).reason());
        assertNull(records.get(1).httpStatus());
    }

    @Test
    void messageAttributesCannotSteerTheHttpCall() throws Exception {
        try (SampleResponseServer elsewhere = SampleResponseServer.start(0, null)) {
            String messageId = sqs.sendMessage(b -> b.queueUrl(url(queue("queue-1")))
                    .messageBody("{\"data\":" + loadScriptMessage("a", 1, 200) + "}")
                    .messageGroupId("a").messageDeduplicationId("attr-1")
                    .messageAttributes(Map.of(
                            "CamelHttpUri", text(elsewhere.url()),
                            "CamelHttpMethod", text("GET"),
                            "CamelHttpPath", text("/steered"),
                            "Idempotency-Key", text("chosen-by-the-sender"),
                            "Authorization", text("Bearer x")))).messageId();
            await().atMost(30, SECONDS).until(() -> target.received().size() == 1 && messagesIn(queue("queue-1")) == 0);
            assertEquals(Map.of("a", List.of(1)), sequencesByGroup(target.received()));
            assertEquals(List.of(), elsewhere.received());
            SampleResponseServer.Request request = target.requests().get(0);
            assertEquals(messageId, request.idempotencyKey(), "an attribute named Idempotency-Key is no key");
            assertEquals(List.of(messageId), request.headers().get("Idempotency-Key"));
            assertNull(request.header("Authorization"));
            assertNull(request.header("CamelHttpPath"));
        }
    }

    @Test
    void messageAttributesCannotSteerTheFailureRecordWrite() {
        // a table the write could be steered to, were the aws2-ddb headers taken from the message
        String decoy = failureTable() + "-decoy";
        new Provisioner(sqs, dynamoDb).failureTable(decoy);
        sqs.sendMessage(b -> b.queueUrl(url(queue("queue-1"))).messageBody("not json, parked as malformed")
                .messageGroupId("s").messageDeduplicationId("steer-1")
                .messageAttributes(Map.of(
                        "CamelAwsDdbTableName", text(decoy),
                        "CamelAwsDdbOperation", text("DeleteTable"),
                        "CamelAwsDdbReturnValues", text("ALL_OLD"))));

        await().atMost(30, SECONDS).until(() -> messagesIn(queue("queue-1")) == 0);
        List<FailureRecord> records = failures("queue-1", "s");
        assertEquals(1, records.size());
        assertEquals(FailureClass.MALFORMED, records.get(0).failureClass());
        assertEquals(0, dynamoDb.scan(b -> b.tableName(decoy)).count(), "nothing written to the decoy table");
    }

    @Test
    void aMessageFailingLongerThanTheMaximumHoldEndsInTheStoreThroughRedriveAndTheArchiver() {
        target.forceHttpStatus(503);
        String messageId = sendToQueue("queue-2", "r", loadScriptMessage("r", 1, 200));
        // held and retried in place for relay.retry.max-hold-seconds (1 s here), then given back to SQS; after
        // maxReceiveCount (5) such deliveries SQS moves it to the dead-letter queue, and the archiver stores it
        await().atMost(60, SECONDS).until(() -> failures("queue-2", "r").size() == 1);
        FailureRecord record = failures("queue-2", "r").get(0);
        assertEquals(FailureClass.REDRIVEN, record.failureClass());
        // SQS's redrive moves the message itself: the record has its id, and the key every attempt carried
        assertEquals(messageId, record.messageId());
        assertEquals(messageId, record.idempotencyKey());
        assertEquals(List.of(messageId), target.requests().stream().map(SampleResponseServer.Request::idempotencyKey)
                .distinct().toList());
        assertTrue(record.body().contains("\"transSeq\":\"1\""), record.body());
        assertTrue(target.received().size() >= 5, "delivery attempts: " + target.received().size());
        await().atMost(20, SECONDS).until(() -> messagesIn(deadLetterQueue("queue-2")) == 0 && messagesIn(queue("queue-2")) == 0);
    }

    @Override
    protected void overrideProperties(java.util.Properties properties) {
        // the breaker would pause the redrive test; it has a test of its own
        properties.setProperty("relay.breaker.threshold", "0");
        // a failing message goes back to SQS after a second of retries in place (11 hours as shipped)
        properties.setProperty("relay.retry.max-hold-seconds", "1");
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
