package dev.sqsrouter.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.sqsrouter.process.AppProcess;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.Emulators;
import org.awaitility.Awaitility;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The production jar as an operator runs it ({@code java $JAVA_OPTS -jar sqs-router.jar}, the systemd unit's JVM
 * options, the shipped configuration but for the emulators' endpoints and this run's queue), in a process of its own,
 * against in-process ElasticMQ and DynamoDB Local and a {@link FastSink}. It measures what only a process shows:
 * <ul>
 * <li>start-up: from launch to the first message at the sink, with the message waiting in the queue (three launches:
 * the first writes the class data archive the unit names, if target/ has none yet, the others read it);</li>
 * <li>a CPU-bound drain (the sink answers at once): msg/s, the process's CPU per message over the second half of the
 * drain (from /proc: the relay alone, no broker, no sink), and its largest RSS;</li>
 * <li>memory per group in flight: 1,000 groups held behind a sink that answers after 20 s, the process's heap (after a
 * full GC) and RSS against the same instance idle.</li>
 * </ul>
 * Not a test: {@code mvn -B -q -Pbench package -DskipTests exec:java -Dexec.mainClass=dev.sqsrouter.bench.JarBenchmark}
 * (the jar must be built). {@code -Dbench.jar.messages=10000} and {@code -Dbench.jar.groups=50} size the drain.
 */
public final class JarBenchmark {

    /** The class data archive, under target/ where the unit has it under /var/cache/sqs-router. */
    static final Path ARCHIVE = Path.of("target", "jarbench.jsa").toAbsolutePath();
    /** The systemd unit's JAVA_OPTS (deploy/sqs-router.service), less its error file; the archive under target/. */
    static final List<String> UNIT_JVM_OPTIONS = List.of("-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError", "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + ARCHIVE);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private JarBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // as the unit's ExecStartPre: an archive an older jar left is dropped (the JVM would neither use nor rewrite it)
        if (Files.exists(ARCHIVE) && Files.getLastModifiedTime(ARCHIVE).compareTo(Files.getLastModifiedTime(AppProcess.JAR)) <= 0) {
            Files.delete(ARCHIVE);
        }
        int messages = Integer.getInteger("bench.jar.messages", 10_000);
        int groups = Integer.getInteger("bench.jar.groups", 50);
        List<String> jvm = jvmOptions();
        Emulators emulators = Emulators.shared();
        SqsClient sqs = AwsTestClients.sqs(emulators.sqsEndpoint());
        DynamoDbClient dynamoDb = AwsTestClients.dynamoDb(emulators.dynamoDbEndpoint());
        String prefix = "jarbench" + System.currentTimeMillis() % 100_000;
        String queue = prefix + "-orders.fifo";
        String table = prefix + "-failures";
        Provisioner provisioner = new Provisioner(sqs, dynamoDb);
        String queueUrl = provisioner.queueWithDeadLetterQueue(queue, prefix + "-orders-dlq.fifo", 5, 60);
        provisioner.failureTable(table);
        List<String> report = new ArrayList<>();
        report.add("JVM options: " + String.join(" ", jvm));
        try (FastSink sink = new FastSink()) {
            Map<String, String> properties = properties(emulators, queue, prefix + "-orders-dlq.fifo", table, sink.url());

            List<Long> startups = new ArrayList<>();
            for (int run = 1; run <= 3; run++) {
                sink.reset();
                fill(sqs, queueUrl, 1, 1, "start" + run);
                long launched = System.nanoTime();
                try (AppProcess app = AppProcess.start("jarbench-startup-" + run, properties, jvm)) {
                    Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(5, TimeUnit.MILLISECONDS)
                            .until(() -> sink.arrived() >= 1);
                    startups.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched));
                    app.awaitReady();
                    stop(app);
                }
            }
            report.add("start-up, launch to the first message at the sink: " + startups + " ms");

            sink.reset();
            // the backlog waits before the launch: the drain is timed from its first message to its last
            fill(sqs, queueUrl, messages, groups, "drain");
            long launched = System.nanoTime();
            try (AppProcess app = AppProcess.start("jarbench-drain", properties, jvm)) {
                AtomicLong maxRss = new AtomicLong();
                long[] first = new long[1];
                long[] half = new long[3];
                Awaitility.await().atMost(10, TimeUnit.MINUTES).pollInterval(20, TimeUnit.MILLISECONDS).until(() -> {
                    maxRss.accumulateAndGet(app.rssMb(), Math::max);
                    int arrived = sink.arrived();
                    if (first[0] == 0 && arrived > 0) {
                        first[0] = System.nanoTime();
                    }
                    if (half[0] == 0 && arrived >= messages / 2) {
                        half[0] = System.nanoTime();
                        half[1] = app.cpuMillis();
                        half[2] = arrived;
                    }
                    return arrived >= messages;
                });
                long end = System.nanoTime();
                long cpu = app.cpuMillis() - half[1];
                int[] checks = sink.duplicatesAndOrderViolations();
                report.add(String.format("CPU-bound drain of a backlog, FIFO %d messages in %d groups: first message %d ms"
                                + " after launch, then %.0f msg/s; %.0f us CPU per message over the second half (%.0f msg/s"
                                + " there); RSS %d MB at most; %d duplicates, %d order violations", messages, groups,
                        TimeUnit.NANOSECONDS.toMillis(first[0] - launched), (messages - 1) / ((end - first[0]) / 1e9),
                        cpu * 1000.0 / (messages - half[2]), (messages - half[2]) / ((end - half[0]) / 1e9), maxRss.get(),
                        checks[0], checks[1]));
                app.awaitReady();

                int held = 1000;
                long idleHeap = heapAfterGc(app, properties);
                long idleRssAfter = app.rssMb();
                sink.reset();
                sink.latency(20_000);
                fill(sqs, queueUrl, held * 2, held, "held");
                Awaitility.await().atMost(2, TimeUnit.MINUTES).pollInterval(100, TimeUnit.MILLISECONDS)
                        .until(() -> sink.inFlight() >= held);
                long heldHeap = heapAfterGc(app, properties);
                long heldRss = app.rssMb();
                report.add(String.format("%d groups in flight behind a sink that answers after 20 s: heap after a full GC %d MB"
                                + " (idle %d MB), RSS %d MB (idle %d MB): %.1f KB of heap and %.1f KB of RSS per group in flight",
                        held, heldHeap >> 20, idleHeap >> 20, heldRss, idleRssAfter, (heldHeap - idleHeap) / 1024.0 / held,
                        (heldRss - idleRssAfter) * 1024.0 / held));
                sink.latency(0);
                stop(app);
            }
        }
        System.out.println("\nProduction jar, " + Runtime.getRuntime().availableProcessors() + " cores, ElasticMQ in the"
                + " benchmark's JVM:\n" + String.join("\n", report));
        System.exit(0);
    }

    /** The unit's JVM options and those of -Dbench.jar.jvm (a profiler's, say), for the jar's process. */
    static List<String> jvmOptions() {
        List<String> jvm = new ArrayList<>(UNIT_JVM_OPTIONS);
        String extra = System.getProperty("bench.jar.jvm", "");
        if (!extra.isBlank()) {
            jvm.addAll(List.of(extra.trim().split("\\s+")));
        }
        return jvm;
    }

    private static void stop(AppProcess app) throws InterruptedException {
        app.terminate();
        if (!app.awaitExit(Duration.ofSeconds(60))) {
            throw new IllegalStateException("the app did not stop within 60 s of SIGTERM");
        }
    }

    /** The shipped configuration, the emulators' endpoints, one relayed queue, no S3 events. */
    static Map<String, String> properties(Emulators emulators, String queue, String deadLetterQueue, String table,
            String target) {
        Map<String, String> p = AppProcess.baseProperties(emulators, IngressBenchmark.KEY, "bench-admin");
        p.put("failures.table", table);
        p.put("relay.queues.queue-1.queue", queue);
        p.put("relay.queues.queue-1.dead-letter-queue", deadLetterQueue);
        p.put("relay.queues.queue-1.url", target);
        p.put("relay.queues.queue-2.ingress-only", "true");
        p.put("s3events.enabled", "false");
        return p;
    }

    /** The heap used after a full GC, read from the management port's Prometheus metrics. */
    private static long heapAfterGc(AppProcess app, Map<String, String> properties) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        new ProcessBuilder(jcmd, Long.toString(app.pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        return (long) metric(properties, "jvm_memory_used_bytes{", "area=\"heap\"");
    }

    /** The sum of the app's Prometheus samples whose line starts with {@code name} and contains {@code including}. */
    static double metric(Map<String, String> properties, String name, String including) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + properties.get("camel.management.port") + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name) && line.contains(including)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** Sends messages in groups, each group's in order, ten per SendMessageBatch. */
    private static void fill(SqsClient sqs, String queueUrl, int messages, int groups, String run) {
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            String g = run + "-g" + (i % groups);
            batch.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(batch.size()))
                    .messageBody("{\"data\":{\"MessageGroupID\":\"" + g + "\",\"g\":\"" + g + "\",\"seq\":" + i
                            + ",\"http_status\":200}}")
                    .messageGroupId(g).messageDeduplicationId(run + "-" + i).build());
            if (batch.size() == 10 || i == messages - 1) {
                var failed = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(batch)).failed();
                if (!failed.isEmpty()) {
                    throw new IllegalStateException("fill failed: " + failed);
                }
                batch.clear();
            }
        }
    }
}
