package dev.sqsrouter.bench;

import dev.sqsrouter.sqs.ConsumerStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.sqsrouter.Application;
import dev.sqsrouter.failure.FailureChannel;
import dev.sqsrouter.failure.FailureRecords;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.sqs.LatencyHistogram;
import dev.sqsrouter.sqs.OrderedSqsEndpoint;
import dev.sqsrouter.sqs.ConsumerStats;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.Emulators;
import org.apache.camel.main.Main;
import org.awaitility.Awaitility;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Relay throughput, latency, duplicates and order violations against a fast local sink, on in-process ElasticMQ,
 * next to a hand-written AWS SDK v2 loop (receive 10, POST each, delete the successes in one batch) with the same
 * number of pollers, the same sink and the same broker, in the same run, and next to the broker-only ceiling (the
 * same receive loop and DeleteMessageBatch with no HTTP call). Each scenario runs the loop, the ceiling and the relay in
 * that order, each on a fresh fill of the same queue. Not a test: run it with
 * <pre>mvn -B -q -Pbench test-compile exec:java</pre>
 * Scenarios: -Dbench.scenarios=kind:messages:groups:pollers,... (default
 * standard:20000:0:10,fifo:10000:50:2,fifo:10000:1:2).
 * <p>
 * The scenario kind {@code recovery:messages:groups:pollers:outageSeconds} (default {@code recovery:10000:50:2:180}; any
 * trailing fields may be left out) measures instead how fast the relay drains a FIFO backlog after an outage of the
 * sink, against the same backlog without one: see {@link #recovery}. {@code -Dbench.recovery.outage=unavailable}
 * (the default: the sink answers 503) or {@code refused} (the sink stops listening) chooses how the sink is down.
 */
public final class RelayBenchmark {

    private static final int WAIT_SECONDS = 2;
    private static final long TIMEOUT_MILLIS = TimeUnit.MINUTES.toMillis(10);

    private RelayBenchmark() {
    }

    record Scenario(String kind, int messages, int groups, int pollers, int outageSeconds, int latencyMs) {
        Scenario(String kind, int messages, int groups, int pollers, int outageSeconds) {
            this(kind, messages, groups, pollers, outageSeconds, 0);
        }

        boolean fifo() {
            return "fifo".equals(kind) || recovery() || latency();
        }

        /** A response server with a real latency: the relay runs with the shipped defaults. */
        boolean latency() {
            return "latency".equals(kind);
        }

        /** What the work allows: groups / latency (each group moves one message per call). */
        double workLimit() {
            return latency() ? groups * 1000.0 / latencyMs : Double.POSITIVE_INFINITY;
        }

        boolean recovery() {
            return "recovery".equals(kind);
        }

        @Override
        public String toString() {
            if (latency()) {
                return "FIFO " + latencyMs + "ms N=" + messages + " G=" + groups;
            }
            return fifo() ? "FIFO N=" + messages + " G=" + groups + " P=" + pollers
                    : "standard N=" + messages + " P=" + pollers;
        }

        /**
         * kind:messages:groups:pollers, recovery[:messages[:groups[:pollers[:outageSeconds]]]], or
         * latency:messages:groups:latencyMs[:loopThreads] (the loop's threads default to min(groups, 100)).
         */
        static Scenario parse(String spec) {
            String[] p = spec.trim().split(":");
            if ("latency".equals(p[0])) {
                int groups = Integer.parseInt(p[2]);
                int threads = p.length > 4 ? Integer.parseInt(p[4]) : Math.min(groups, 100);
                return new Scenario(p[0], Integer.parseInt(p[1]), groups, threads, 0, Integer.parseInt(p[3]));
            }
            if ("recovery".equals(p[0])) {
                int[] values = {10_000, 50, 2, 180};
                for (int i = 1; i < p.length && i <= values.length; i++) {
                    values[i - 1] = Integer.parseInt(p[i]);
                }
                return new Scenario(p[0], values[0], values[1], values[2], values[3]);
            }
            if (!"fifo".equals(p[0]) && !"standard".equals(p[0])) {
                throw new IllegalArgumentException("unknown scenario kind " + p[0] + " (standard, fifo, latency or recovery)");
            }
            return new Scenario(p[0], Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]), 0);
        }
    }

    record Result(String implementation, long deleted, double seconds, long p50Micros, long p99Micros, int duplicates,
            int orderViolations, double cpuMicrosPerMessage, double meanCallsInFlight, int maxCallsInFlight,
            double cpuMicrosPerMessageWithoutBroker, long maxRssMb, long maxHeapMb) {
        Result(String implementation, long deleted, double seconds, long p50Micros, long p99Micros, int duplicates,
                int orderViolations) {
            this(implementation, deleted, seconds, p50Micros, p99Micros, duplicates, orderViolations, 0, 0, 0, 0, 0, 0);
        }

        /** With the process CPU and the sink's calls in flight measured over the run. */
        Result with(Measure measure) {
            return new Result(implementation, deleted, seconds, p50Micros, p99Micros, duplicates, orderViolations,
                    measure.cpuMicros() / (double) measure.measuredMessages(), measure.meanInFlight(), measure.maxInFlight(),
                    measure.cpuMicrosWithoutBroker() / (double) measure.measuredMessages(), measure.maxRssMb(),
                    measure.maxHeapMb());
        }

        double rate() {
            return deleted / seconds;
        }
    }

    /** One drain of the recovery mode: with or without an outage before it. */
    record RecoveryResult(String run, double seconds, long deleted, long deletedDuringOutage, long heldAtRecovery,
            long unavailableAnswers, int duplicates, int orderViolations, long received, long retried,
            long breakerOpenings, long keptOrReleased, long left, long deadLetters, int failureRecords) {
        double rate() {
            return deleted / seconds;
        }

        /** Messages SQS handed out more than once (the relay's receive count above the backlog). */
        long receivedAgain(int messages) {
            return received - messages;
        }

        List<String> problems(int messages) {
            List<String> problems = new ArrayList<>();
            if (deleted != messages) {
                problems.add(run + ": " + deleted + " deleted, not " + messages);
            }
            if (duplicates != 0 || orderViolations != 0) {
                problems.add(run + ": " + duplicates + " duplicates, " + orderViolations + " order violations");
            }
            if (received != messages) {
                problems.add(run + ": SQS handed out " + received + " messages for " + messages);
            }
            if (left != 0 || deadLetters != 0 || failureRecords != 0) {
                problems.add(run + ": " + left + " left in the queue, " + deadLetters + " in the dead-letter queue, "
                        + failureRecords + " in the failure store");
            }
            return problems;
        }
    }

    public static void main(String[] args) throws Exception {
        String spec = System.getProperty("bench.scenarios", "standard:20000:0:10,fifo:10000:50:2,fifo:10000:1:2,"
                + "latency:3000:50:500,latency:10000:200:100,latency:30000:1000:100");
        FastSink.Outage outage = "refused".equalsIgnoreCase(System.getProperty("bench.recovery.outage", "unavailable"))
                ? FastSink.Outage.REFUSED : FastSink.Outage.UNAVAILABLE;
        List<Scenario> scenarios = new ArrayList<>();
        for (String s : spec.split(",")) {
            scenarios.add(Scenario.parse(s));
        }
        Emulators emulators = Emulators.shared();
        SqsClient sqs = AwsTestClients.sqs(emulators.sqsEndpoint());
        DynamoDbClient dynamoDb = AwsTestClients.dynamoDb(emulators.dynamoDbEndpoint());
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%-30s %-9s %7s %8s %9s %8s %8s %5s %6s %8s %9s %9s %8s %8s %10s %7s %7s", "scenario", "impl",
                "msgs", "secs", "msg/s", "p50 ms", "p99 ms", "dup", "order", "vs loop", "of broker", "of limit", "cpu us/m",
                "-broker", "in flight", "rss MB", "heap MB"));
        List<String> recoveryReports = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (FastSink sink = new FastSink()) {
            int run = 0;
            for (Scenario scenario : scenarios) {
                String name = "bench-" + (++run) + "-" + scenario.kind() + "-" + scenario.groups() + (scenario.fifo() ? ".fifo" : "");
                String queueUrl = createQueue(sqs, name, scenario.fifo());
                String deadLetterName = "bench-" + run + "-dlq" + (scenario.fifo() ? ".fifo" : "");
                String deadLetterUrl = createQueue(sqs, deadLetterName, scenario.fifo());

                if (scenario.recovery()) {
                    String failureTable = "bench-" + run + "-failures";
                    new Provisioner(sqs, dynamoDb).failureTable(failureTable);
                    String report = recovery(emulators, sqs, dynamoDb, sink, scenario, outage, name, queueUrl, deadLetterName,
                            deadLetterUrl, failureTable, problems);
                    System.out.println(report);
                    recoveryReports.add(report);
                    continue;
                }

                sink.latency(scenario.latencyMs());
                fill(sqs, queueUrl, scenario);
                sink.reset();
                Measure measure = Measure.start(sink, scenario.messages());
                Result baseline = baseline(sqs, queueUrl, sink, scenario).with(measure.stop());
                fill(sqs, queueUrl, scenario);
                measure = Measure.start(sink, scenario.messages());
                Result broker = brokerOnly(sqs, queueUrl, scenario).with(measure.stop());
                fill(sqs, queueUrl, scenario);
                sink.reset();
                Result relay = relay(emulators, name, deadLetterName, null, sink, scenario);
                double limit = Math.min(scenario.workLimit(), broker.rate());
                for (Result r : List.of(baseline, broker, relay)) {
                    lines.add(String.format("%-30s %-9s %7d %8.1f %9.0f %8.1f %8.1f %5s %6s %8s %9s %9s %8.0f %8.0f %10s %7d %7d", scenario,
                            r.implementation(), r.deleted(), r.seconds(), r.rate(), r.p50Micros() / 1000.0,
                            r.p99Micros() / 1000.0, r == broker ? "-" : Integer.toString(r.duplicates()),
                            r == broker || !scenario.fifo() ? "n/a" : Integer.toString(r.orderViolations()),
                            r == relay ? String.format("%.2fx", relay.rate() / baseline.rate()) : "",
                            r == broker ? "" : String.format("%.0f%%", 100 * r.rate() / broker.rate()),
                            scenario.latency() && r != broker ? String.format("%.0f%%", 100 * r.rate() / limit) : "",
                            r.cpuMicrosPerMessage(), r.cpuMicrosPerMessageWithoutBroker(), r == broker || !scenario.latency() ? ""
                                    : String.format("%.0f/%d", r.meanCallsInFlight(), r.maxCallsInFlight()),
                            r.maxRssMb(), r.maxHeapMb()));
                }
                if (scenario.latency()) {
                    lines.add(String.format("%-30s limit of the work: min(%d groups / %d ms = %.0f, broker %.0f) = %.0f msg/s",
                            scenario, scenario.groups(), scenario.latencyMs(), scenario.workLimit(), broker.rate(), limit));
                }
                System.out.println(String.join("\n", lines.subList(lines.size() - (scenario.latency() ? 4 : 3), lines.size())));
            }
        }
        String header = "\nRelay benchmark, " + Runtime.getRuntime().availableProcessors() + " cores, ElasticMQ in process";
        if (lines.size() > 1) {
            System.out.println(header + " (vs loop: relay / sdk-loop; of broker: share of the broker-only ceiling;"
                    + " of limit: share of min(groups / latency, broker); cpu us/m: process CPU per message over the second half"
                    + " of the drain (start-up and warm-up excluded), broker and sink included; -broker: the same less ElasticMQ's threads; in flight: the sink's calls held, mean/max;"
                    + " rss, heap: the benchmark JVM's most, broker and sink included):\n"
                    + String.join("\n", lines));
        }
        if (!recoveryReports.isEmpty()) {
            System.out.println(header + ", recovery after an outage of the sink:\n" + String.join("\n\n", recoveryReports));
        }
        if (!problems.isEmpty()) {
            System.out.println("\nRECOVERY CHECKS FAILED:\n" + String.join("\n", problems));
        }
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    /**
     * The recovery figure: (a) fill the backlog in its groups, start the relay with the sink working and time it until
     * every message is deleted; (b) fill it again, take the sink down, start the relay, keep the sink down for the
     * outage (the relay holds the messages it received and retries them in place, its breaker opens), bring it back and
     * time it from then until every message is deleted. The app's shipped breaker and retry settings apply.
     */
    private static String recovery(Emulators emulators, SqsClient sqs, DynamoDbClient dynamoDb, FastSink sink,
            Scenario scenario, FastSink.Outage outage, String queue, String queueUrl, String deadLetterQueue,
            String deadLetterUrl, String failureTable, List<String> problems) throws Exception {
        List<RecoveryResult> results = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        String atRecovery = "";
        for (boolean withOutage : new boolean[] {false, true}) {
            fill(sqs, queueUrl, scenario);
            sink.reset();
            if (withOutage) {
                sink.down(outage);
            }
            try (Relay relay = startRelay(emulators, queue, deadLetterQueue, failureTable, sink, scenario)) {
                ConsumerStats stats = relay.stats();
                long start = System.nanoTime();
                relay.startRoute();
                AtomicLong recoveredAt = new AtomicLong(start);
                AtomicLong deletedAtRecovery = new AtomicLong();
                AtomicLong heldAtRecoveryCount = new AtomicLong();
                AtomicReference<String> recoveryLine = new AtomicReference<>("");
                ScheduledExecutorService outageTimer = Executors.newSingleThreadScheduledExecutor();
                if (withOutage) {
                    // the outage ends by the clock; the run then waits on the condition (all deleted), not on time
                    outageTimer.schedule(() -> {
                        deletedAtRecovery.set(stats.deleted());
                        heldAtRecoveryCount.set(stats.received() - stats.deleted());
                        recoveryLine.set(String.format("when the sink came back after %d s: %d received and held, %d deleted, "
                                + "breaker %s; relay counters %s", scenario.outageSeconds(), heldAtRecoveryCount.get(),
                                deletedAtRecovery.get(), stats.breakerState(), stats.toMap()));
                        System.out.println(scenario + ": " + recoveryLine.get());
                        recoveredAt.set(System.nanoTime());
                        sink.up();
                        return null;
                    }, scenario.outageSeconds(), TimeUnit.SECONDS);
                }
                try {
                    Awaitility.await().atMost(TIMEOUT_MILLIS + TimeUnit.SECONDS.toMillis(scenario.outageSeconds()),
                            TimeUnit.MILLISECONDS).pollInterval(5, TimeUnit.MILLISECONDS).pollDelay(0, TimeUnit.MILLISECONDS)
                            .until(() -> stats.deleted() >= scenario.messages());
                } finally {
                    outageTimer.shutdownNow();
                }
                start = recoveredAt.get();
                long deletedDuringOutage = deletedAtRecovery.get();
                long heldAtRecovery = heldAtRecoveryCount.get();
                if (withOutage) {
                    atRecovery = recoveryLine.get();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                int[] checks = sink.duplicatesAndOrderViolations();
                Map<String, Object> counters = stats.toMap();
                RecoveryResult result = new RecoveryResult(withOutage ? "after outage" : "no outage", seconds,
                        stats.deleted(), deletedDuringOutage, heldAtRecovery, sink.unavailableAnswers(), checks[0], checks[1],
                        stats.received(), stats.retried(), (Long) counters.get("breakerOpenings"),
                        stats.kept() + stats.released(), messagesIn(sqs, queueUrl), messagesIn(sqs, deadLetterUrl),
                        dynamoDb.scan(b -> b.tableName(failureTable).select(Select.COUNT)
                                .filterExpression("NOT begins_with(pk, :note)").expressionAttributeValues(
                                        Map.of(":note", AttributeValue.fromS(FailureRecords.SEQUENCE_NOTE_PREFIX)))).count());
                failed.addAll(result.problems(scenario.messages()));
                results.add(result);
            }
        }
        List<String> report = new ArrayList<>();
        report.add(String.format("%s, outage %d s (%s):", scenario, scenario.outageSeconds(),
                outage == FastSink.Outage.REFUSED ? "sink refuses connections" : "sink answers 503"));
        report.add(String.format("%-13s %8s %9s %5s %6s %8s %6s %8s %7s %7s %5s %5s %4s %5s", "run", "secs", "msg/s", "dup",
                "order", "received", "again", "retried", "opened", "held", "503s", "kept", "dlq", "store"));
        for (RecoveryResult r : results) {
            report.add(String.format("%-13s %8.1f %9.0f %5d %6d %8d %6d %8d %7d %7d %5d %5d %4d %5d", r.run(), r.seconds(),
                    r.rate(), r.duplicates(), r.orderViolations(), r.received(), r.receivedAgain(scenario.messages()),
                    r.retried(), r.breakerOpenings(), r.heldAtRecovery(), r.unavailableAnswers(), r.keptOrReleased(),
                    r.deadLetters(), r.failureRecords()));
        }
        report.add(atRecovery);
        RecoveryResult calm = results.get(0);
        RecoveryResult recovered = results.get(1);
        report.add(String.format("secs: from the start of the relay (no outage) or from the end of the outage until all %d "
                        + "are deleted; after the outage %.1f s against %.1f s (%.2fx), %.1f s in all with the outage",
                scenario.messages(), recovered.seconds(), calm.seconds(), recovered.seconds() / calm.seconds(),
                recovered.seconds() + scenario.outageSeconds()));
        report.add("received: messages SQS handed out, again: handed out more than once; retried: attempts retried in place; "
                + "opened: breaker openings; held: received and not deleted when the outage ended; 503s: calls the sink "
                + "answered 503 during the outage; kept: kept for "
                + "redelivery or released unprocessed; dlq/store: in the dead-letter queue / failure store afterwards");
        problems.addAll(failed);
        report.add(failed.isEmpty() ? "checks: every message delivered once, in order per group, received once, "
                + "none in the dead-letter queue or the failure store" : "checks: FAILED: " + String.join("; ", failed));
        return String.join("\n", report);
    }

    private static long messagesIn(SqsClient sqs, String queueUrl) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().mapToLong(Long::parseLong).sum();
    }

    private static Result baseline(SqsClient sqs, String queueUrl, FastSink sink, Scenario scenario) throws Exception {
        LatencyHistogram latency = new LatencyHistogram();
        long start = System.nanoTime();
        SdkLoopBaseline.Drain drain = SdkLoopBaseline.run(sqs, queueUrl, sink.url(), scenario.pollers(), WAIT_SECONDS,
                scenario.messages(), TIMEOUT_MILLIS, latency);
        long deleted = drain.deleted();
        double seconds = (drain.endNanos() - start) / 1e9;
        int[] checks = sink.duplicatesAndOrderViolations();
        return new Result("sdk-loop", deleted, seconds, latency.quantileMicros(0.5), latency.quantileMicros(0.99), checks[0], checks[1]);
    }

    private static Result brokerOnly(SqsClient sqs, String queueUrl, Scenario scenario) throws Exception {
        LatencyHistogram latency = new LatencyHistogram();
        long start = System.nanoTime();
        SdkLoopBaseline.Drain drain = SdkLoopBaseline.brokerOnly(sqs, queueUrl, scenario.latency() ? 10 : scenario.pollers(), WAIT_SECONDS,
                scenario.messages(), TIMEOUT_MILLIS, latency);
        long deleted = drain.deleted();
        double seconds = (drain.endNanos() - start) / 1e9;
        return new Result("broker", deleted, seconds, latency.quantileMicros(0.5), latency.quantileMicros(0.99), 0, 0);
    }

    /** The app with the shipped relay routes, started with its relay route stopped. */
    record Relay(Main main, ConsumerStats stats) implements AutoCloseable {
        void startRoute() throws Exception {
            main.getCamelContext().getRouteController().startRoute("relay-queue-1");
        }

        /** Starts the route and waits until it has deleted the scenario's messages. */
        Result result(Scenario scenario, FastSink sink) throws Exception {
            Measure measure = Measure.start(sink, scenario.messages());
            long start = System.nanoTime();
            startRoute();
            Awaitility.await().atMost(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).pollInterval(5, TimeUnit.MILLISECONDS)
                    .pollDelay(0, TimeUnit.MILLISECONDS).until(() -> stats.deleted() >= scenario.messages());
            double seconds = (System.nanoTime() - start) / 1e9;
            int[] checks = sink.duplicatesAndOrderViolations();
            return new Result("relay", stats.deleted(), seconds, stats.latency().quantileMicros(0.5),
                    stats.latency().quantileMicros(0.99), checks[0], checks[1]).with(measure.stop());
        }

        @Override
        public void close() throws Exception {
            main.stop();
        }
    }

    /** A throughput run of the relay: started on the filled queue, timed until every message is deleted. */
    private static Result relay(Emulators emulators, String queue, String deadLetterQueue, String failureTable,
            FastSink sink, Scenario scenario) throws Exception {
        try (Relay relay = startRelay(emulators, queue, deadLetterQueue, failureTable, sink, scenario)) {
            return relay.result(scenario, sink);
        }
    }

    private static Relay startRelay(Emulators emulators, String queue, String deadLetterQueue, String failureTable,
            FastSink sink, Scenario scenario) throws Exception {
        Main main = Application.newMain();
        main.setDefaultPropertyPlaceholderLocation("classpath:application.properties");
        Map<String, String> overrides = new LinkedHashMap<>(Map.ofEntries(
                Map.entry("camel.main.routes-include-pattern", "classpath:routes/fifo-relay.yaml,classpath:routes/dead-letter-archiver.yaml"),
                // the relay of queue-1 only (routes start by id below; the archiver is never started)
                Map.entry("relay.queues.queue-2.ingress-only", "true"),
                Map.entry("s3events.enabled", "false"),
                Map.entry("camel.main.auto-startup", "false"),
                Map.entry("camel.server.enabled", "false"),
                Map.entry("aws.region", "us-east-1"),
                Map.entry("aws.credentials", "sandbox"),
                Map.entry("aws.endpoint.sqs", emulators.sqsEndpoint()),
                Map.entry("aws.endpoint.dynamodb", emulators.dynamoDbEndpoint()),
                Map.entry("ingress.api-keys", "bench"),
                Map.entry("admin.api-keys", "bench-admin"),
                Map.entry("relay.queues.queue-1.queue", queue),
                Map.entry("relay.queues.queue-1.dead-letter-queue", deadLetterQueue),
                Map.entry("relay.queues.queue-1.url", sink.url()),
                Map.entry("relay.wait-time-seconds", Integer.toString(WAIT_SECONDS))));
        if (!scenario.latency()) {
            // the CPU-bound scenarios give the relay the loop's pollers; the latency ones run the shipped defaults
            overrides.put("relay.pollers", Integer.toString(scenario.pollers()));
        }
        if (failureTable != null) {
            overrides.put("failures.table", failureTable);
        }
        overrides.forEach(main::addOverrideProperty);
        main.start();
        try {
            ConsumerStats stats = ((OrderedSqsEndpoint) main.getCamelContext().getRoute("relay-queue-1").getEndpoint()).getStats();
            // the failure routes the relay's steps call (auto-startup is off so that the relay starts when timed)
            for (String routeId : List.of(FailureChannel.ROUTE_ID, FailureChannel.WRITE_ROUTE_ID, FailureChannel.NOTE_ROUTE_ID)) {
                main.getCamelContext().getRouteController().startRoute(routeId);
            }
            return new Relay(main, stats);
        } catch (RuntimeException e) {
            main.stop();
            throw e;
        }
    }

    /** The process's CPU time and the sink's calls in flight (sampled every 10 ms) over one drain. */
    static final class Measure {
        private final long cpuAtStart = processCpuNanos();
        private final long brokerCpuAtStart = brokerCpuNanos();
        private final AtomicLong maxRssKb = new AtomicLong();
        private final AtomicLong maxHeapBytes = new AtomicLong();
        private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        private final AtomicLong samples = new AtomicLong();
        private final AtomicLong sum = new AtomicLong();
        private final FastSink sink;
        private long cpuMicros;

        /** The process's and the broker's CPU, and the sink's arrivals, when half the messages had arrived. */
        private volatile long[] atHalf;
        private final long expected;

        private Measure(FastSink sink, long expected) {
            this.sink = sink;
            this.expected = expected;
        }

        static Measure start(FastSink sink, long expected) {
            Measure measure = new Measure(sink, expected);
            measure.sampler.scheduleAtFixedRate(() -> {
                measure.samples.incrementAndGet();
                measure.sum.addAndGet(sink.inFlight());
                int arrived = sink.arrived();
                if (measure.atHalf == null && arrived >= measure.expected / 2) {
                    measure.atHalf = new long[] {processCpuNanos(), brokerCpuNanos(), arrived};
                }
                if (measure.samples.get() % 10 == 0) {
                    measure.maxRssKb.accumulateAndGet(rssKb(), Math::max);
                    measure.maxHeapBytes.accumulateAndGet(java.lang.management.ManagementFactory.getMemoryMXBean()
                            .getHeapMemoryUsage().getUsed(), Math::max);
                }
            }, 0, 10, TimeUnit.MILLISECONDS);
            return measure;
        }

        /**
         * Ends the measure. The CPU per message is that of the run's second half where the sink saw it (from half the
         * messages to the end): start-up, the first receives and the JIT's warm-up stay out, as in the difference of two
         * run lengths. The broker-only run, which calls no sink, is measured whole.
         */
        Measure stop() {
            sampler.shutdownNow();
            long[] half = atHalf;
            long cpu = processCpuNanos();
            long brokerCpu = brokerCpuNanos();
            if (half != null && expected - half[2] > 0) {
                perMessageDivisor = expected - half[2];
                cpuMicros = (cpu - half[0]) / 1000;
                brokerCpuMicros = (brokerCpu - half[1]) / 1000;
            } else {
                perMessageDivisor = expected;
                cpuMicros = (cpu - cpuAtStart) / 1000;
                brokerCpuMicros = (brokerCpu - brokerCpuAtStart) / 1000;
            }
            return this;
        }

        private long perMessageDivisor;

        /** The messages the CPU figures cover. */
        long measuredMessages() {
            return Math.max(1, perMessageDivisor);
        }

        private long brokerCpuMicros;

        long cpuMicros() {
            return cpuMicros;
        }

        /** The process's CPU less ElasticMQ's threads': the contender, the sink, the JIT and the GC. */
        long cpuMicrosWithoutBroker() {
            return cpuMicros - brokerCpuMicros;
        }

        long maxRssMb() {
            return maxRssKb.get() / 1024;
        }

        long maxHeapMb() {
            return maxHeapBytes.get() >> 20;
        }

        /** CPU of ElasticMQ's dispatcher threads, which live as long as the JVM (its long polls on a FIFO queue whose
         * groups are all in flight spin; that cost is the emulator's, not the consumer's). */
        private static long brokerCpuNanos() {
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long sum = 0;
            for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info != null && info.getThreadName().startsWith("elasticmq")) {
                    long cpu = threads.getThreadCpuTime(info.getThreadId());
                    sum += Math.max(0, cpu);
                }
            }
            return sum;
        }

        private static long rssKb() {
            try {
                for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (java.io.IOException | NumberFormatException e) {
                return 0;
            }
            return 0;
        }

        double meanInFlight() {
            return samples.get() == 0 ? 0 : sum.get() / (double) samples.get();
        }

        int maxInFlight() {
            return sink.maxInFlight();
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
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
