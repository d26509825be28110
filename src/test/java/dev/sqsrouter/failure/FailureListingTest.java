package dev.sqsrouter.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.sqsrouter.ingress.IngressTestSupport;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.Emulators;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** The status index: every record of a status across queues, newest first, paged and filtered, counted; never a scan. */
class FailureListingTest extends IngressTestSupport {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    /** Records at T0 + i seconds (i = 0..n-1), alternating queue-1 / queue-2, groups g0..g2, BUSINESS or MALFORMED. */
    private List<FailureRecord> storeRecords(int n) {
        List<FailureRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String alias = i % 2 == 0 ? "queue-1" : "queue-2";
            FailureRecord record = new FailureRecord(queue(alias), "g" + (i % 3), Integer.toString(100 + i), "m-" + i,
                    "{\"data\":{\"i\":" + i + "}}", i % 4 == 3 ? FailureClass.MALFORMED : FailureClass.BUSINESS,
                    "reason " + i, 200, null, 1, T0.plusSeconds(i), T0.plusSeconds(i).plusNanos(i * 1000L));
            appFailureStore().record(record);
            records.add(record);
        }
        return records;
    }

    private static List<String> ids(List<FailureSummary> page) {
        return page.stream().map(FailureSummary::messageId).toList();
    }

    private static List<String> newestFirst(List<FailureRecord> records) {
        List<String> ids = new ArrayList<>(records.stream().map(FailureRecord::messageId).toList());
        java.util.Collections.reverse(ids);
        return ids;
    }

    @Test
    void openRecordsOfEveryQueueListNewestFirstPageByPage() {
        List<FailureRecord> records = storeRecords(23);
        FailureStore store = failureStore();
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            FailurePage<FailureSummary> page = store.list(FailureFilter.open(), cursor, 5);
            assertTrue(page.records().size() <= 5);
            seen.addAll(ids(page.records()));
            cursor = page.next();
            pages++;
        } while (cursor != null);
        assertEquals(newestFirst(records), seen);
        assertEquals(5, pages, "23 records in pages of 5, and no empty last page");
        FailureSummary first = store.list(FailureFilter.open(), null, 1).records().get(0);
        assertEquals(queue("queue-1"), first.queue());
        assertEquals("g1", first.group());
        assertEquals(FailureRecord.paddedSequence("122"), first.key());
        assertEquals(FailureStatus.OPEN, first.status());
        assertEquals("reason 22", first.reason());
    }

    @Test
    void filtersByQueueGroupClassAndTimeRange() {
        List<FailureRecord> records = storeRecords(30);
        FailureStore store = failureStore();
        FailureFilter byQueueAndGroup = new FailureFilter(List.of(FailureStatus.OPEN), queue("queue-2"), "g0", null, null, null);
        List<String> expected = newestFirst(records.stream()
                .filter(r -> r.queue().equals(queue("queue-2")) && r.group().equals("g0")).toList());
        assertEquals(expected, all(store, byQueueAndGroup, 2));

        FailureFilter malformed = new FailureFilter(List.of(FailureStatus.OPEN), null, null, FailureClass.MALFORMED, null, null);
        assertEquals(newestFirst(records.stream().filter(r -> r.failureClass() == FailureClass.MALFORMED).toList()),
                all(store, malformed, 3));

        FailureFilter range = new FailureFilter(List.of(FailureStatus.OPEN), null, null, null, T0.plusSeconds(10), T0.plusSeconds(14).plusMillis(500));
        assertEquals(List.of("m-14", "m-13", "m-12", "m-11", "m-10"), all(store, range, 50));
    }

    @Test
    void allStatusesMergeNewestFirstAndCountsFollowTheStatus() {
        List<FailureRecord> records = storeRecords(12);
        FailureStore store = failureStore();
        Instant now = Instant.now();
        assertEquals(FailureClaims.Transition.DONE, store.discard(queue("queue-1"), "g2", records.get(2).sortKey(), "duplicate", now));
        assertEquals(FailureClaims.Claim.CLAIMED, store.claim(records.get(7), "claim-7", now, Duration.ofMinutes(2)));
        assertEquals(FailureClaims.Transition.DONE, store.markReplayed(records.get(7), "claim-7", "replay-7", now));

        FailureFilter all = new FailureFilter(List.of(FailureStatus.values()), null, null, null, null, null);
        assertEquals(newestFirst(records), all(store, all, 4), "every status, merged newest first across pages");
        FailureFilter discarded = new FailureFilter(List.of(FailureStatus.DISCARDED), null, null, null, null, null);
        assertEquals(List.of("m-2"), all(store, discarded, 4));

        Map<String, Map<String, Long>> open = store.openCounts();
        assertEquals(Map.of(queue("queue-1"), Map.of("BUSINESS", 5L),
                queue("queue-2"), Map.of("BUSINESS", 3L, "MALFORMED", 2L)), open);
        assertEquals(Map.of(queue("queue-2"), Map.of("MALFORMED", 1L)), store.counts(FailureStatus.REPLAYED));

        StoredFailure gone = store.find(queue("queue-1"), "g2", records.get(2).sortKey()).orElseThrow();
        assertEquals("duplicate", gone.discardReason());
        assertEquals(now.plus(Duration.ofDays(30)).getEpochSecond(), gone.expiresAt().getEpochSecond(),
                "a resolved record expires after the retention");
        assertNull(store.find(queue("queue-1"), "g0", records.get(0).sortKey()).orElseThrow().expiresAt(), "OPEN never expires");
    }

    @Test
    void aCursorOfAnotherListingOrNotOursIsRefused() {
        storeRecords(4);
        FailureStore store = failureStore();
        String next = store.list(FailureFilter.open(), null, 2).next();
        assertNotNull(next);
        FailureFilter other = new FailureFilter(List.of(FailureStatus.OPEN), queue("queue-1"), null, null, null, null);
        assertThrows(InvalidCursorException.class, () -> store.list(other, next, 2));
        assertThrows(InvalidCursorException.class, () -> store.list(FailureFilter.open(), "not-a-cursor", 2));
        assertThrows(InvalidCursorException.class, () -> store.group(queue("queue-1"), "g0", next, 2));
        assertThrows(IllegalArgumentException.class, () -> store.list(FailureFilter.open(), null, 501));
    }

    @Test
    void provisioningAddsTheIndexAndTtlToATableOfAnOlderDeployment() throws Exception {
        // a DynamoDB Local of its own: the shared one, holding every other test's tables, takes minutes to build an
        // index added to an existing table
        int port = Emulators.freePort();
        DynamoDBProxyServer server = Emulators.startDynamoDb(port);
        try (DynamoDbClient dynamoDb = AwsTestClients.dynamoDb("http://127.0.0.1:" + port)) {
            String table = prefix + "-old-failures";
            dynamoDb.createTable(b -> b.tableName(table).billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build()));
            FailureRecord old = new FailureRecord(queue("queue-1"), "g", "7", "m-old", "{}", FailureClass.BUSINESS, "r", 200,
                    null, 1, T0, T0);
            dynamoDb.putItem(b -> b.tableName(table).item(FailureRecords.item(old, null, 100, 100)));

            Provisioner provisioner = new Provisioner(sqs, dynamoDb);
            provisioner.failureTable(table);
            provisioner.failureTable(table);
            assertEquals(List.of("updated table " + table + " (index " + FailureRecords.STATUS_INDEX + " added, TTL on expiresAt)",
                    "exists  table " + table), provisioner.report());
            assertEquals(TimeToLiveStatus.ENABLED, dynamoDb.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription().timeToLiveStatus());
            assertEquals(List.of("m-old"), ids(new FailureStore(dynamoDb, table, null).list(FailureFilter.open(), null, 10).records()),
                    "the records already there are in the new index");
        } finally {
            server.stop();
        }
    }

    private static List<String> all(FailureStore store, FailureFilter filter, int limit) {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            FailurePage<FailureSummary> page = store.list(filter, cursor, limit);
            seen.addAll(ids(page.records()));
            cursor = page.next();
        } while (cursor != null);
        return seen;
    }
}
