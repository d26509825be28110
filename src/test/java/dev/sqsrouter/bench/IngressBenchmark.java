package dev.sqsrouter.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sqsrouter.process.AppProcess;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.Emulators;
import dev.sqsrouter.sqs.LatencyHistogram;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The ingress against a direct SendMessage, with the relay draining the same queue to a {@link FastSink}: the production
 * jar in a process of its own (the shipped configuration but for the emulators' endpoints and this run's queue), and
 * in-process ElasticMQ. For each number of clients, each client a thread with a keep-alive connection: the requests per
 * second and the p50/p99 of {@code POST /queue-1} (ingress), then of SendMessage from the same number of threads with
 * the AWS SDK v2 (direct), the same bodies and groups. Not a test: {@code mvn -B -q -Pbench package -DskipTests exec:java
 * -Dexec.mainClass=dev.sqsrouter.bench.IngressBenchmark} (the jar must be built); {@code -Dbench.ingress.clients=16,200}
 * and {@code -Dbench.ingress.requests=6000} (per run).
 */
public final class IngressBenchmark {

    static final String KEY = "bench";

    private IngressBenchmark() {
    }

    record Run(String kind, int clients, int requests, double seconds, long p50Micros, long p99Micros, int failed,
            Usage usage) {
        Run with(Usage usage) {
            return new Run(kind, clients, requests, seconds, p50Micros, p99Micros, failed, usage);
        }

        double rate() {
            return requests / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        List<Integer> clientCounts = new ArrayList<>();
        for (String c : System.getProperty("bench.ingress.clients", "16,200").split(",")) {
            clientCounts.add(Integer.parseInt(c.trim()));
        }
        int requests = Integer.getInteger("bench.ingress.requests", 6000);
        Emulators emulators = Emulators.shared();
        SqsClient sqs = AwsTestClients.sqs(emulators.sqsEndpoint());
        DynamoDbClient dynamoDb = AwsTestClients.dynamoDb(emulators.dynamoDbEndpoint());
        String prefix = "ingbench" + System.currentTimeMillis() % 100_000;
        String queue = prefix + "-orders.fifo";
        Provisioner provisioner = new Provisioner(sqs, dynamoDb);
        String queueUrl = provisioner.queueWithDeadLetterQueue(queue, prefix + "-orders-dlq.fifo", 5, 60);
        provisioner.failureTable(prefix + "-failures");
        List<Run> runs = new ArrayList<>();
        try (FastSink sink = new FastSink()) {
            Map<String, String> p = JarBenchmark.properties(emulators, queue, prefix + "-orders-dlq.fifo",
                    prefix + "-failures", sink.url());
            int port = Integer.parseInt(p.get("camel.server.port"));
            try (AppProcess app = AppProcess.start("ingress-bench", p, JarBenchmark.jvmOptions())) {
                app.awaitReady();
                URI ingress = URI.create("http://127.0.0.1:" + port + "/queue-1");
                // warm-up: both paths, not measured
                ingress(ingress, 16, 2000);
                // the direct path gets a connection per client, as the ingress's clients have
                SqsClient senders = SqsClient.builder().endpointOverride(URI.create(emulators.sqsEndpoint()))
                        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("bench", "bench")))
                        .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder().maxConnections(256))
                        .build();
                direct(senders, queueUrl, 16, 2000);
                for (int clients : clientCounts) {
                    Usage before = Usage.of(app, p);
                    Run run = ingress(ingress, clients, requests);
                    runs.add(run.with(Usage.of(app, p).since(before)));
                    before = Usage.of(app, p);
                    run = direct(senders, queueUrl, clients, requests);
                    runs.add(run.with(Usage.of(app, p).since(before)));
                }
                app.terminate();
                app.awaitExit(Duration.ofSeconds(60));
            }
        }
        StringBuilder table = new StringBuilder(String.format("%-8s %7s %8s %8s %9s %8s %8s %6s %10s %10s%n", "path", "clients",
                "requests", "secs", "req/s", "p50 ms", "p99 ms", "failed", "app cpu/r", "receives/m"));
        for (Run r : runs) {
            table.append(String.format("%-8s %7d %8d %8.1f %9.0f %8.1f %8.1f %6d %8.0fus %10.2f%n", r.kind(), r.clients(), r.requests(),
                    r.seconds(), r.rate(), r.p50Micros() / 1000.0, r.p99Micros() / 1000.0, r.failed(),
                    1000.0 * r.usage().cpuMillis() / r.requests(), r.usage().receivesPerMessage()));
        }
        for (int i = 0; i + 1 < runs.size(); i += 2) {
            table.append(String.format("%d clients: ingress %.2fx a direct SendMessage%n", runs.get(i).clients(),
                    runs.get(i).rate() / runs.get(i + 1).rate()));
        }
        System.out.println("\nIngress against a direct SendMessage, " + Runtime.getRuntime().availableProcessors()
                + " cores, ElasticMQ in process, the relay draining (app cpu/r: the app process's CPU per request,"
                + " relay included; receives/m: the relay's ReceiveMessage calls per message it received, over the run):\n" + table);
        System.exit(0);
    }

    private static Run ingress(URI uri, int clients, int requests) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        return drive("ingress", clients, requests, (group, seq) -> {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri).header("X-API-Key", KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(group, seq))).build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200;
        });
    }

    private static Run direct(SqsClient sqs, String queueUrl, int clients, int requests) throws Exception {
        return drive("direct", clients, requests, (group, seq) -> {
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("{\"data\":" + body(group, seq) + "}")
                    .messageGroupId(group).messageDeduplicationId(UUID.randomUUID().toString()));
            return true;
        });
    }

    private static String body(String group, int seq) {
        return "{\"MessageGroupID\":\"" + group + "\",\"g\":\"" + group + "\",\"seq\":" + seq + ",\"http_status\":200}";
    }

    /** The app process's CPU and its relay's receives and received messages, read between runs. */
    record Usage(long cpuMillis, double receives, double received) {
        static Usage of(AppProcess app, Map<String, String> properties) throws Exception {
            return new Usage(app.cpuMillis(), JarBenchmark.metric(properties, "sqsrouter_receives_total{", ""),
                    JarBenchmark.metric(properties, "sqsrouter_messages_received_total{", ""));
        }

        Usage since(Usage before) {
            return new Usage(cpuMillis - before.cpuMillis, receives - before.receives, received - before.received);
        }

        double receivesPerMessage() {
            return received == 0 ? 0 : receives / received;
        }
    }

    interface Call {
        boolean call(String group, int seq) throws Exception;
    }

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private static Run drive(String kind, int clients, int requests, Call call) throws Exception {
        LatencyHistogram latency = new LatencyHistogram();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            done.add(threads.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < requests) {
                    long t = System.nanoTime();
                    boolean ok;
                    try {
                        // a number no other request of any run has: the ingress answers a repeated body from its
                        // memory of first sends, without a send, which would flatter it
                        ok = call.call(kind + "-g" + (i % 50), SEQUENCE.getAndIncrement());
                    } catch (Exception e) {
                        ok = false;
                    }
                    latency.recordMicros(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t));
                    if (!ok) {
                        failed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        threads.shutdown();
        return new Run(kind, clients, requests, seconds, latency.quantileMicros(0.5), latency.quantileMicros(0.99), failed.get(),
                null);
    }
}
