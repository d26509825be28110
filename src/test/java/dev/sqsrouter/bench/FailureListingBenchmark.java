package dev.sqsrouter.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqsrouter.Application;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.failure.FailureRecords;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.Emulators;
import org.apache.camel.main.Main;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * How long listing every open failure takes through the admin API, page by page (GET /admin/failures?limit=N, then
 * each next cursor), on in-process DynamoDB Local with the app's HTTP server: 10,000 OPEN records over two queues and
 * 200 groups, written straight into the table as the failure channel writes them. Not a test: run it with
 * <pre>mvn -B -q -Pbench test-compile exec:java -Dexec.mainClass=dev.sqsrouter.bench.FailureListingBenchmark</pre>
 * -Dbench.records=10000 -Dbench.limits=100,500 -Dbench.rounds=3.
 */
public final class FailureListingBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FailureListingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = Integer.getInteger("bench.records", 10_000);
        int rounds = Integer.getInteger("bench.rounds", 3);
        List<Integer> limits = Arrays.stream(System.getProperty("bench.limits", "100,500").split(",")).map(String::trim)
                .map(Integer::valueOf).toList();
        Emulators emulators = Emulators.shared();
        DynamoDbClient dynamoDb = AwsTestClients.dynamoDb(emulators.dynamoDbEndpoint());
        String table = "bench-failures-" + ProcessHandle.current().pid();
        new Provisioner(AwsTestClients.sqs(emulators.sqsEndpoint()), dynamoDb).failureTable(table);
        long writeStart = System.nanoTime();
        write(dynamoDb, table, records);
        System.out.printf("wrote %d OPEN records in %.1f s%n", records, (System.nanoTime() - writeStart) / 1e9);

        int port = Emulators.freePort();
        Main main = Application.newMain();
        main.setDefaultPropertyPlaceholderLocation("classpath:application.properties");
        Map<String, String> overrides = Map.ofEntries(
                Map.entry("camel.main.routes-include-pattern", "classpath:routes/admin.yaml"),
                Map.entry("relay.enabled", "false"),
                Map.entry("s3events.enabled", "false"),
                Map.entry("camel.server.host", "127.0.0.1"),
                Map.entry("camel.server.port", Integer.toString(port)),
                Map.entry("ingress.api-keys", "bench"),
                Map.entry("admin.api-keys", "bench-admin"),
                Map.entry("aws.region", "us-east-1"),
                Map.entry("aws.credentials", "sandbox"),
                Map.entry("aws.endpoint.sqs", emulators.sqsEndpoint()),
                Map.entry("aws.endpoint.dynamodb", emulators.dynamoDbEndpoint()),
                Map.entry("aws.endpoint.s3", emulators.s3Endpoint()),
                Map.entry("failures.table", table));
        overrides.forEach(main::addOverrideProperty);
        main.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            // warm-up: JIT, connections, DynamoDB Local's own caches
            listAll(http, port, 500, records);
            for (int limit : limits) {
                List<Double> seconds = new ArrayList<>();
                int pages = 0;
                for (int round = 0; round < rounds; round++) {
                    long start = System.nanoTime();
                    pages = listAll(http, port, limit, records);
                    seconds.add((System.nanoTime() - start) / 1e9);
                }
                double best = seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
                double median = seconds.stream().sorted().toList().get(seconds.size() / 2);
                System.out.printf("limit %d: %d pages, all %d records in %.2f s median (best %.2f s, rounds %s), %.1f ms per page%n",
                        limit, pages, records, median, best, seconds.stream().map(s -> String.format("%.2f", s)).toList(),
                        median * 1000 / pages);
            }
        } finally {
            // the emulators stop with the JVM
            main.stop();
        }
    }

    /** Lists every record page by page; returns the number of pages, after checking count and order. */
    private static int listAll(HttpClient http, int port, int limit, int expected) throws Exception {
        String cursor = null;
        int pages = 0;
        int seen = 0;
        String previous = null;
        do {
            String uri = "http://127.0.0.1:" + port + "/admin/failures?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(uri)).header("X-API-Key", "bench-admin")
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
            }
            JsonNode page = JSON.readTree(response.body());
            for (JsonNode record : page.path("records")) {
                String recordedAt = record.path("recordedAt").asText();
                if (previous != null && Instant.parse(recordedAt).isAfter(Instant.parse(previous))) {
                    throw new IllegalStateException("not newest first: " + recordedAt + " after " + previous);
                }
                previous = recordedAt;
                seen++;
            }
            cursor = page.path("next").isNull() ? null : page.path("next").asText();
            pages++;
        } while (cursor != null);
        if (seen != expected) {
            throw new IllegalStateException("listed " + seen + " records, not " + expected);
        }
        return pages;
    }

    /** OPEN records as the failure channel writes them, 25 per BatchWriteItem. */
    private static void write(DynamoDbClient dynamoDb, String table, int records) {
        Instant t0 = Instant.parse("2026-12-01T00:00:00Z");
        List<WriteRequest> batch = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            String queue = i % 2 == 0 ? "queue-1.fifo" : "queue-2.fifo";
            String group = "g" + (i % 200);
            String sequence = Long.toString(1_000_000L + i);
            Instant at = t0.plusMillis(i * 37L);
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("pk", s(FailureRecord.partitionKey(queue, group)));
            item.put("sk", s(FailureRecord.paddedSequence(sequence)));
            item.put("queue", s(queue));
            item.put("group", s(group));
            item.put("sequence", s(sequence));
            item.put("messageId", s("m-" + i));
            item.put("body", s("{\"data\":{\"MessageGroupID\":\"" + group + "\",\"transSeq\":\"" + i + "\",\"pad\":\"" + "x".repeat(400) + "\"}}"));
            item.put("class", s("BUSINESS"));
            item.put("reason", s("response server answered status_code 500 for message m-" + i));
            item.put("httpStatus", AttributeValue.fromN("200"));
            item.put("answer", s("{\"status_code\": 500}"));
            item.put("receiveCount", AttributeValue.fromN("1"));
            item.put("firstReceivedAt", s(at.toString()));
            item.put("recordedAt", s(FailureRecords.sortableTime(at)));
            item.put("idempotencyKey", s("key-" + i));
            item.put("status", s("OPEN"));
            batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            if (batch.size() == 25 || i == records - 1) {
                Map<String, List<WriteRequest>> pending = Map.of(table, List.copyOf(batch));
                while (!pending.isEmpty()) {
                    Map<String, List<WriteRequest>> request = Map.copyOf(pending);
                    Map<String, List<WriteRequest>> unprocessed = dynamoDb.batchWriteItem(b -> b.requestItems(request))
                            .unprocessedItems();
                    pending = unprocessed == null ? Map.of() : unprocessed;
                }
                batch.clear();
            }
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
