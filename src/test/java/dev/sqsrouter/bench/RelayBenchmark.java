package dev.sqsrouter.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.sqsrouter.Application;
import dev.sqsrouter.relay.LatencyHistogram;
import dev.sqsrouter.relay.OrderedSqsEndpoint;
import dev.sqsrouter.relay.RelayStats;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.Emulators;
import org.apache.camel.main.Main;
import org.awaitility.Awaitility;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Relay throughput, latency, duplicates and order violations against a fast local sink, on in-process ElasticMQ,
 * next to a hand-written AWS SDK v2 loop (receive 10, POST each, delete the successes in one batch) with the same
 * number of pollers, the same sink and the same broker, in the same run. Not a test: run it with
 * <pre>mvn -B -q -Pbench test-compile exec:java</pre>
 * Scenarios: -Dbench.scenarios=kind:messages:groups:pollers,... (default
 * standard:20000:0:10,fifo:10000:50:2,fifo:10000:1:2).
 */
public final class RelayBenchmark {

    private static final int WAIT_SECONDS = 2;
    private static final long TIMEOUT_MILLIS = TimeUnit.MINUTES.toMillis(10);

    private RelayBenchmark() {
    }

    record Scenario(String kind, int messages, int groups, int pollers) {
        boolean fifo() {
            return "fifo".equals(kind);
        }

        @Override
        public String toString() {
            return fifo() ? "FIFO N=" + messages + " G=" + groups + " P=" + pollers
                    : "standard N=" + messages + " P=" + pollers;
        }
    }

    record Result(String implementation, long deleted, double seconds, long p50Micros, long p99Micros, int duplicates,
            int orderViolations) {
        double rate() {
            return deleted / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        String spec = System.getProperty("bench.scenarios", "standard:20000:0:10,fifo:10000:50:2,fifo:10000:1:2");
        List<Scenario> scenarios = new ArrayList<>();
        for (String s : spec.split(",")) {
            String[] p = s.trim().split(":");
            scenarios.add(new Scenario(p[0], Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3])));
        }
        Emulators emulators = Emulators.shared();
        SqsClient sqs = AwsTestClients.sqs(emulators.sqsEndpoint());
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%-30s %-9s %7s %8s %9s %8s %8s %5s %6s %7s", "scenario", "impl", "msgs", "secs", "msg/s",
                "p50 ms", "p99 ms", "dup", "order", "ratio"));
        try (FastSink sink = new FastSink()) {
            int run = 0;
            for (Scenario scenario : scenarios) {
                String name = "bench-" + (++run) + "-" + scenario.kind() + "-" + scenario.groups() + (scenario.fifo() ? ".fifo" : "");
                String queueUrl = createQueue(sqs, name, scenario.fifo());
                String deadLetterName = "bench-" + run + "-dlq" + (scenario.fifo() ? ".fifo" : "");
                createQueue(sqs, deadLetterName, scenario.fifo());

                fill(sqs, queueUrl, scenario);
                sink.reset();
                Result baseline = baseline(sqs, queueUrl, sink, scenario);
                fill(sqs, queueUrl, scenario);
                sink.reset();
                Result relay = relay(emulators, name, deadLetterName, sink, scenario);
                for (Result r : List.of(baseline, relay)) {
                    lines.add(String.format("%-30s %-9s %7d %8.1f %9.0f %8.1f %8.1f %5d %6s %7s", scenario, r.implementation(),
                            r.deleted(), r.seconds(), r.rate(), r.p50Micros() / 1000.0, r.p99Micros() / 1000.0, r.duplicates(),
                            scenario.fifo() ? Integer.toString(r.orderViolations()) : "n/a",
                            r == relay ? String.format("%.2fx", relay.rate() / baseline.rate()) : ""));
                }
                System.out.println(String.join("\n", lines.subList(lines.size() - 2, lines.size())));
            }
        }
        System.out.println("\nRelay benchmark, " + Runtime.getRuntime().availableProcessors() + " cores, ElasticMQ in process:\n"
                + String.join("\n", lines));
        System.exit(0);
    }

    private static Result baseline(SqsClient sqs, String queueUrl, FastSink sink, Scenario scenario) throws Exception {
        LatencyHistogram latency = new LatencyHistogram();
        long start = System.nanoTime();
        long deleted = SdkLoopBaseline.run(sqs, queueUrl, sink.url(), scenario.pollers(), WAIT_SECONDS, scenario.messages(),
                TIMEOUT_MILLIS, latency);
        double seconds = (System.nanoTime() - start) / 1e9;
        int[] checks = sink.duplicatesAndOrderViolations();
        return new Result("sdk-loop", deleted, seconds, latency.quantileMicros(0.5), latency.quantileMicros(0.99), checks[0], checks[1]);
    }

    private static Result relay(Emulators emulators, String queue, String deadLetterQueue, FastSink sink, Scenario scenario)
            throws Exception {
        Main main = Application.newMain();
        main.setDefaultPropertyPlaceholderLocation("classpath:application.properties");
        Map<String, String> overrides = Map.ofEntries(
                Map.entry("camel.main.routes-include-pattern", "file:routes/fifo-relay.yaml,file:routes/relay-queue-1.yaml"),
                Map.entry("camel.main.auto-startup", "false"),
                Map.entry("camel.server.enabled", "false"),
                Map.entry("aws.region", "us-east-1"),
                Map.entry("aws.credentials", "sandbox"),
                Map.entry("aws.endpoint.sqs", emulators.sqsEndpoint()),
                Map.entry("aws.endpoint.dynamodb", emulators.dynamoDbEndpoint()),
                Map.entry("ingress.api-keys", "bench"),
                Map.entry("relay.queue-1.queue", queue),
                Map.entry("relay.queue-1.dead-letter-queue", deadLetterQueue),
                Map.entry("relay.queue-1.url", sink.url()),
                Map.entry("relay.pollers", Integer.toString(scenario.pollers())),
                Map.entry("relay.wait-time-seconds", Integer.toString(WAIT_SECONDS)));
        overrides.forEach(main::addOverrideProperty);
        main.start();
        try {
            RelayStats stats = main.getCamelContext().getEndpoints().stream()
                    .filter(e -> e instanceof OrderedSqsEndpoint)
                    .map(e -> ((OrderedSqsEndpoint) e).getStats()).findFirst().orElseThrow();
            long start = System.nanoTime();
            main.getCamelContext().getRouteController().startRoute("relay-queue-1");
            Awaitility.await().atMost(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).pollInterval(5, TimeUnit.MILLISECONDS)
                    .pollDelay(0, TimeUnit.MILLISECONDS).until(() -> stats.deleted() >= scenario.messages());
            double seconds = (System.nanoTime() - start) / 1e9;
            int[] checks = sink.duplicatesAndOrderViolations();
            return new Result("relay", stats.deleted(), seconds, stats.latency().quantileMicros(0.5),
                    stats.latency().quantileMicros(0.99), checks[0], checks[1]);
        } finally {
            main.stop();
        }
    }

    private static String createQueue(SqsClient sqs, String name, boolean fifo) {
        Map<QueueAttributeName, String> attributes = fifo
                ? Map.of(QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.VISIBILITY_TIMEOUT, "60")
                : Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60");
        return sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
    }

    /** Sends the scenario's messages; each group's messages from one thread, in sequence order. */
    private static void fill(SqsClient sqs, String queueUrl, Scenario scenario) throws Exception {
        int groups = Math.max(1, scenario.groups());
        int threads = Math.min(8, groups);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        String padding = "x".repeat(200);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
                for (int i = 0; i < scenario.messages(); i++) {
                    int group = i % groups;
                    if (group % threads != thread) {
                        continue;
                    }
                    String g = "g" + group;
                    String body = "{\"data\":{\"MessageGroupID\":\"" + g + "\",\"g\":\"" + g + "\",\"seq\":" + i
                            + ",\"http_status\":200,\"pad\":\"" + padding + "\"}}";
                    SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                            .id(Integer.toString(batch.size())).messageBody(body);
                    if (scenario.fifo()) {
                        entry.messageGroupId(g).messageDeduplicationId("m" + i + "-" + System.nanoTime());
                    }
                    batch.add(entry.build());
                    if (batch.size() == 10) {
                        send(sqs, queueUrl, batch);
                    }
                }
                if (!batch.isEmpty()) {
                    send(sqs, queueUrl, batch);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }

    private static void send(SqsClient sqs, String queueUrl, List<SendMessageBatchRequestEntry> batch) {
        var failed = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(batch)).failed();
        if (!failed.isEmpty()) {
            throw new IllegalStateException("fill failed: " + failed);
        }
        batch.clear();
    }
}
