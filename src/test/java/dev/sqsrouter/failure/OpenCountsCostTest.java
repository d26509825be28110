package dev.sqsrouter.failure;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sqsrouter.ingress.IngressTestSupport;
import dev.sqsrouter.observe.QueueWatch;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The open-failure counts (the gauge, which every instance's queue watch reads at each poll, and readiness waits for)
 * cost the same whatever the store holds: 10,000 OPEN records written straight into the table change neither the
 * DynamoDB calls nor the items one read makes; readiness stays up.
 */
class OpenCountsCostTest extends IngressTestSupport {

    private static final int RECORDS = 10_000;

    @Override
    protected void overrideProperties(Properties properties) {
        super.overrideProperties(properties);
        properties.setProperty("observe.queue-poll-seconds", "1");
    }

    /** DynamoDB calls and items read, as the SDK sees them. */
    private static final class Reads implements ExecutionInterceptor {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger items = new AtomicInteger();

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            calls.incrementAndGet();
            SdkResponse response = context.response();
            if (response instanceof QueryResponse query) {
                items.addAndGet(query.count());
            }
        }

        List<Integer> take() {
            List<Integer> counted = List.of(calls.getAndSet(0), items.getAndSet(0));
            return counted;
        }
    }

    private FailureRecord record(int i, FailureClass failureClass) {
        Instant at = Instant.parse("2026-12-01T10:00:00Z").plusMillis(i);
        return new FailureRecord(queue(i % 2 == 0 ? "queue-1" : "queue-2"), "g" + (i % 50), Integer.toString(1000 + i),
                "m-" + i, "{\"data\":{\"i\":" + i + "}}", failureClass, "status_code 500", 200, null, 1, at, at);
    }

    @Test
    void theOpenCountsCostTheSameWithTenThousandOpenRecords() {
        Reads reads = new Reads();
        DynamoDbClient counted = DynamoDbClient.builder().endpointOverride(URI.create(dynamoDbEndpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .overrideConfiguration(c -> c.addExecutionInterceptor(reads)).build();
        FailureStore store = new FailureStore(counted, failureTable(), failureBodiesS3);
        // through the app: parked as the app parks
        appFailureStore().record(record(0, FailureClass.BUSINESS));
        appFailureStore().record(record(1, FailureClass.MALFORMED));
        appFailureStore().record(record(2, FailureClass.BUSINESS));
        // a redelivery of a parked message finds its record: counted once
        assertEquals(false, appFailureStore().record(record(2, FailureClass.BUSINESS)));
        // and a retry of the count itself (the channel failed after the count) counts nothing
        assertEquals(false, new FailureCounters(dynamoDb, failureTable()).countWritten(record(2, FailureClass.BUSINESS)));
        Map<String, Map<String, Long>> expected = Map.of(queue("queue-1"), Map.of("BUSINESS", 2L), queue("queue-2"), Map.of("MALFORMED", 1L));
        reads.take();
        assertEquals(expected, store.openCounts());
        List<Integer> small = reads.take();

        // a bad hour: 10,000 OPEN records, written straight into the table
        List<WriteRequest> batch = new ArrayList<>();
        for (int i = 3; i < 3 + RECORDS; i++) {
            Map<String, AttributeValue> item = new HashMap<>(FailureRecords.item(record(i, FailureClass.BUSINESS), null, 100, 100));
            batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            if (batch.size() == 25 || i == 2 + RECORDS) {
                Map<String, List<WriteRequest>> unprocessed = Map.of(failureTable(), List.copyOf(batch));
                while (!unprocessed.isEmpty()) {
                    Map<String, List<WriteRequest>> request = unprocessed;
                    unprocessed = dynamoDb.batchWriteItem(b -> b.requestItems(request)).unprocessedItems();
                }
                batch.clear();
            }
        }
        reads.take();
        store.openCounts();
        assertEquals(small, reads.take(), "DynamoDB calls and items read by one count, with 3 and with 10,003 OPEN records");

        // readiness after a poll that came after the 10,000 records
        QueueWatch watch = context.getRegistry().lookupByNameAndType("queueWatch", QueueWatch.class);
        Instant written = Instant.now();
        await().atMost(20, SECONDS).until(() -> watch.lastPoll().filter(at -> at.isAfter(written)).isPresent());
        AbstractHealthCheck readiness = context.getRegistry().lookupByNameAndType("sqsRouterReadiness", AbstractHealthCheck.class);
        HealthCheck.Result result = readiness.call();
        assertEquals(HealthCheck.State.UP, result.getState(), result.getMessage().orElse(""));
        assertEquals(true, watch.dynamoDb().orElseThrow().reachable());
    }
}
