package dev.sqsrouter.process;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.Emulators;
import dev.sqsrouter.sandbox.SampleResponseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production jar as a deployer runs it: copied alone into an empty directory with the deployer's own
 * application.properties and a routes/ directory of their own, started with {@code java -jar sqs-router.jar}. The
 * routes ship inside the jar; the local routes/ replaces one packaged file and adds another. The S3 event flow is
 * off, and S3 is unreachable: a relay-only instance starts, gets ready and relays without it.
 */
class JarAloneIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** What the packaged sample topology names: none of it may reach a deployment that declares its own. */
    private static final List<String> SAMPLE = List.of("queue-1", "queue-2", "image-thumbnails", "image-audit", "images",
            "imageAdded");

    @Test
    void theJarAloneRunsFromADirectoryWithTheDeployersConfigurationAndRoutes(@TempDir Path directory) throws Exception {
        Emulators emulators = Emulators.shared();
        String prefix = "alone" + System.nanoTime() % 1_000_000;
        Provisioner provisioner = new Provisioner(AwsTestClients.sqs(emulators.sqsEndpoint()),
                AwsTestClients.dynamoDb(emulators.dynamoDbEndpoint()));
        for (String alias : List.of("queue-1", "queue-2")) {
            provisioner.queueWithDeadLetterQueue(prefix + "-" + alias + ".fifo", prefix + "-" + alias + "-dlq.fifo", 5, 30);
        }
        provisioner.failureTable(prefix + "-failures");
        int unreachable = Emulators.freePort();
        try (SampleResponseServer server = SampleResponseServer.start(0, directory.resolve("server.log"))) {
            Map<String, String> p = deployerProperties(emulators, prefix);
            // nothing listens there: the instance must not need S3
            p.put("aws.endpoint.s3", "http://127.0.0.1:" + unreachable);
            for (String alias : List.of("queue-1", "queue-2")) {
                p.put("relay.queues." + alias + ".queue", prefix + "-" + alias + ".fifo");
                p.put("relay.queues." + alias + ".dead-letter-queue", prefix + "-" + alias + "-dlq.fifo");
                p.put("relay.queues." + alias + ".url", server.url());
            }
            p.put("relay.wait-time-seconds", "1");
            p.put("s3events.enabled", "false");
            writeProperties(directory, p);
            Path routes = Files.createDirectories(directory.resolve("routes"));
            Files.writeString(routes.resolve("console.yaml"), """
                    - route:
                        id: console
                        from:
                          uri: platform-http:/console
                          steps:
                            - setBody:
                                constant: "the deployer's console"
                    """);
            Files.writeString(routes.resolve("heartbeat.yaml"), """
                    - route:
                        id: deployer-heartbeat
                        from:
                          uri: timer:deployer-heartbeat
                          parameters:
                            repeatCount: 1
                          steps:
                            - log: "the deployer's own route ran"
                    """);

            try (AppProcess app = AppProcess.startAlone("jar-alone", directory, p)) {
                app.awaitReady();
                await().atMost(20, SECONDS).until(() -> app.log().contains("the deployer's own route ran"));
                String log = app.log();
                assertTrue(log.contains("S3 events are off on this instance (s3events.enabled=false)"), log);
                assertFalse(log.contains("s3-record-thumbnail"), "no S3 processor route was loaded");
                assertTrue(log.contains("replaces the packaged routes/console.yaml"), log);

                HttpResponse<String> console = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + p.get("camel.server.port") + "/console")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals("the deployer's console", console.body(), "the local routes/console.yaml replaced the packaged one");

                post(p, "queue-1", "alone-g1");
                await().atMost(30, SECONDS).until(() -> server.received().size() == 1);
                assertTrue(server.received().get(0).contains("alone-g1"), server.received().toString());
            }
        }
    }

    @Test
    void aDeploymentDeclaresExactlyItsOwnQueues(@TempDir Path directory) throws Exception {
        Emulators emulators = Emulators.shared();
        String prefix = "own" + System.nanoTime() % 1_000_000;
        try (SampleResponseServer server = SampleResponseServer.start(0, directory.resolve("server.log"))) {
            Map<String, String> p = deployerProperties(emulators, prefix);
            p.put("provision.sandbox", "true");
            p.put("failures.large-body-bucket", prefix + "-failure-bodies");
            p.put("alerts.topic", prefix + "-alerts");
            // the deployer's own topology: one relay queue, one S3 event queue, their bucket and topic
            p.put("relay.queues.orders.queue", prefix + "-orders.fifo");
            p.put("relay.queues.orders.dead-letter-queue", prefix + "-orders-dlq.fifo");
            p.put("relay.queues.orders.url", server.url());
            p.put("s3events.bucket", prefix + "-invoices");
            p.put("s3events.topic", prefix + "-invoice-added");
            p.put("s3events.queues.invoices.queue", prefix + "-invoices-events");
            p.put("s3events.queues.invoices.dead-letter-queue", prefix + "-invoices-events-dlq");
            p.put("s3events.queues.invoices.processor", "audit");
            p.put("s3events.suffixes", "pdf");
            p.put("s3events.audit.url", server.url());
            p.put("relay.wait-time-seconds", "1");
            p.put("s3events.wait-time-seconds", "1");
            writeProperties(directory, p);
            Files.copy(AppProcess.JAR, directory.resolve("sqs-router.jar"));

            String provisioned = command(directory, "provision");
            assertTrue(provisioned.contains(prefix + "-orders.fifo") && provisioned.contains(prefix + "-invoices-events"),
                    provisioned);
            assertNothingOfTheSample(provisioned, "provision");
            String template = command(directory, "cloudformation");
            assertTrue(template.contains(prefix + "-orders.fifo") && template.contains(prefix + "-invoices-events"), template);
            assertNothingOfTheSample(template, "cloudformation");

            try (AppProcess app = AppProcess.startAlone("own-topology", directory, p)) {
                app.awaitReady();
                post(p, "orders", "own-g1");
                // an S3 event as the topic delivers it to the deployer's queue
                var sqs = AwsTestClients.sqs(emulators.sqsEndpoint());
                sqs.sendMessage(b -> b.queueUrl(sqs.getQueueUrl(q -> q.queueName(prefix + "-invoices-events")).queueUrl())
                        .messageBody(dev.sqsrouter.s3events.S3EventFixtures.snsNotification(dev.sqsrouter.s3events.S3EventFixtures
                                .s3Event(prefix + "-invoices", "2026/invoice-7.pdf", "ObjectCreated:Put", 1234))));
                await().atMost(30, SECONDS).until(() -> server.received().size() == 2);
                List<String> received = server.received();
                assertTrue(received.stream().anyMatch(r -> r.contains("own-g1")), "relayed: " + received);
                assertTrue(received.stream().anyMatch(r -> r.contains("invoice-7.pdf")), "audited: " + received);
                String log = app.log();
                assertTrue(log.contains("relay-orders") && log.contains("s3events-invoices"), "the deployer's routes run");
                for (String route : List.of("relay-queue-1", "relay-queue-2", "s3events-image-thumbnails", "s3events-image-audit")) {
                    assertFalse(log.contains(route), "no route of the sample runs: " + route);
                }
            }
        }
    }

    private static void assertNothingOfTheSample(String output, String what) {
        for (String name : SAMPLE) {
            assertFalse(java.util.regex.Pattern.compile("(?<![\\w-])" + java.util.regex.Pattern.quote(name) + "(?![\\w-])")
                    .matcher(output).find(), what + " names the sample's " + name + ":\n" + output);
        }
    }

    /** Runs {@code java -jar sqs-router.jar <command>} in the directory; its output, after checking it succeeded. */
    private static String command(Path directory, String command) throws Exception {
        Path output = directory.resolve(command + ".out");
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar", "sqs-router.jar",
                command).directory(directory.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertTrue(process.waitFor(120, SECONDS), command + " ends");
        String text = Files.readString(output);
        assertEquals(0, process.exitValue(), command + ":\n" + text);
        return text;
    }

    /**
     * SQS unreachable when the app starts: it starts all the same, says it is not ready and why, and consumes once SQS
     * answers (here: an ElasticMQ started on the port the configuration names, after the app).
     */
    @Test
    void theAppStartsWhileSqsIsUnreachableAndConsumesOnceItAnswers(@TempDir Path directory) throws Exception {
        Emulators emulators = Emulators.shared();
        String prefix = "late" + System.nanoTime() % 1_000_000;
        int sqsPort = Emulators.freePort();
        new Provisioner(AwsTestClients.sqs(emulators.sqsEndpoint()), AwsTestClients.dynamoDb(emulators.dynamoDbEndpoint()))
                .failureTable(prefix + "-failures");
        try (SampleResponseServer server = SampleResponseServer.start(0, directory.resolve("server.log"))) {
            Map<String, String> p = deployerProperties(emulators, prefix);
            // nothing listens there yet
            p.put("aws.endpoint.sqs", "http://127.0.0.1:" + sqsPort);
            p.put("relay.queues.orders.queue", prefix + "-orders.fifo");
            p.put("relay.queues.orders.dead-letter-queue", prefix + "-orders-dlq.fifo");
            p.put("relay.queues.orders.url", server.url());
            p.put("relay.wait-time-seconds", "1");
            p.put("s3events.enabled", "false");
            p.put("observe.queue-poll-seconds", "1");
            writeProperties(directory, p);

            try (AppProcess app = AppProcess.startAlone("sqs-late", directory, p)) {
                HttpResponse<String> notReady = awaitNotReady(p);
                assertTrue(notReady.body().contains("SQS did not answer"), notReady.body());

                org.elasticmq.rest.sqs.SQSRestServer sqs = org.elasticmq.rest.sqs.SQSRestServerBuilder.withInterface("127.0.0.1")
                        .withPort(sqsPort).withAWSRegion("us-east-1").start();
                try {
                    sqs.waitUntilStarted();
                    new Provisioner(AwsTestClients.sqs("http://127.0.0.1:" + sqsPort), AwsTestClients.dynamoDb(emulators.dynamoDbEndpoint()))
                            .queueWithDeadLetterQueue(prefix + "-orders.fifo", prefix + "-orders-dlq.fifo", 5, 30);
                    app.awaitReady();
                    post(p, "orders", "late-g1");
                    await().atMost(30, SECONDS).until(() -> server.received().size() == 1);
                    assertTrue(server.received().get(0).contains("late-g1"), server.received().toString());
                } finally {
                    sqs.stopAndWait();
                }
            }
        }
    }

    /**
     * None of AWS reachable when the app starts (SQS, DynamoDB, S3 and SNS: an instance booting while its network is
     * not up yet), with both flows and the alerts on: it starts all the same, readiness says DOWN and names each
     * service, and once they answer (emulators started on the configured ports, then provisioned) it relays a message
     * and makes a thumbnail.
     */
    @Test
    void theAppStartsWhileNoAwsServiceAnswersAndFlowsOnceTheyDo(@TempDir Path directory) throws Exception {
        String prefix = "dark" + System.nanoTime() % 1_000_000;
        int sqsPort = Emulators.freePort();
        int dynamoDbPort = Emulators.freePort();
        int s3Port = Emulators.freePort();
        int snsPort = Emulators.freePort();
        try (SampleResponseServer server = SampleResponseServer.start(0, directory.resolve("server.log"))) {
            Map<String, String> p = deployerProperties(Emulators.shared(), prefix);
            p.put("aws.endpoint.sqs", "http://127.0.0.1:" + sqsPort);
            p.put("aws.endpoint.dynamodb", "http://127.0.0.1:" + dynamoDbPort);
            p.put("aws.endpoint.s3", "http://127.0.0.1:" + s3Port);
            p.put("aws.endpoint.sns", "http://127.0.0.1:" + snsPort);
            p.put("provision.sandbox", "true");
            p.put("alerts.topic", dev.sqsrouter.sandbox.SnsEmulator.topicArn(prefix + "-alerts"));
            p.put("relay.queues.orders.queue", prefix + "-orders.fifo");
            p.put("relay.queues.orders.dead-letter-queue", prefix + "-orders-dlq.fifo");
            p.put("relay.queues.orders.url", server.url());
            p.put("s3events.bucket", prefix + "-photos");
            p.put("s3events.topic", prefix + "-photo-added");
            p.put("s3events.queues.photos.queue", prefix + "-photos-events");
            p.put("s3events.queues.photos.dead-letter-queue", prefix + "-photos-events-dlq");
            p.put("s3events.queues.photos.processor", "thumbnail");
            p.put("s3events.audit.url", server.url());
            p.put("relay.wait-time-seconds", "1");
            p.put("s3events.wait-time-seconds", "1");
            p.put("observe.queue-poll-seconds", "1");
            writeProperties(directory, p);

            try (AppProcess app = AppProcess.startAlone("aws-late", directory, p)) {
                HttpResponse<String> notReady = awaitNotReady(p);
                for (String named : List.of("SQS did not answer", "DynamoDB did not answer",
                        "S3 did not answer: bucket " + prefix + "-photos", "SNS did not answer: topic " + prefix + "-alerts")) {
                    assertTrue(notReady.body().contains(named), named + ": " + notReady.body());
                }

                try (Emulators late = Emulators.start(sqsPort, dynamoDbPort, s3Port, snsPort,
                        new org.gaul.s3proxy.nio2blob.TransientNio2BlobStore())) {
                    String provisioned = command(directory, "provision");
                    assertTrue(provisioned.contains(prefix + "-photos"), provisioned);
                    app.awaitReady();
                    post(p, "orders", "late-g1");
                    var s3 = AwsTestClients.s3(late.s3Endpoint());
                    byte[] png = dev.sqsrouter.s3events.TestImages.image(640, 480, "png");
                    s3.putObject(b -> b.bucket(prefix + "-photos").key("cat.png"),
                            software.amazon.awssdk.core.sync.RequestBody.fromBytes(png));
                    var sqs = AwsTestClients.sqs(late.sqsEndpoint());
                    sqs.sendMessage(b -> b.queueUrl(sqs.getQueueUrl(q -> q.queueName(prefix + "-photos-events")).queueUrl())
                            .messageBody(dev.sqsrouter.s3events.S3EventFixtures.snsNotification(dev.sqsrouter.s3events.S3EventFixtures
                                    .s3Event(prefix + "-photos", "cat.png", "ObjectCreated:Put", png.length))));
                    await().atMost(60, SECONDS).until(() -> server.received().size() == 1);
                    assertTrue(server.received().get(0).contains("late-g1"), server.received().toString());
                    await().atMost(60, SECONDS).ignoreExceptions().until(() -> s3.headObject(b -> b.bucket(prefix + "-photos")
                            .key("thumbnails/cat.png")).contentLength() > 0);
                }
            }
        }
    }

    /** Readiness once the app is up and has polled AWS while SQS did not answer: 503, naming what is missing. */
    private static HttpResponse<String> awaitNotReady(Map<String, String> p) {
        URI ready = URI.create("http://127.0.0.1:" + p.get("camel.management.port") + "/observe/health/ready");
        return await("the app up, not ready").atMost(90, SECONDS).ignoreExceptions()
                .until(() -> HTTP.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString()),
                        r -> r.statusCode() == 503 && r.body().contains("SQS did not answer"));
    }

    /** What every deployer here writes: the emulators, the ports, the keys, the failure table; a map to add to. */
    private static Map<String, String> deployerProperties(Emulators emulators, String prefix) {
        Map<String, String> p = AppProcess.baseProperties(emulators, "deployer-key", "deployer-admin-key");
        p.put("failures.table", prefix + "-failures");
        return p;
    }

    private static void writeProperties(Path directory, Map<String, String> p) throws java.io.IOException {
        Files.writeString(directory.resolve("application.properties"), p.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n")));
    }

    /** POST /alias with one message of the group, as a producer sends it; asserts the ingress took it. */
    private static void post(Map<String, String> p, String alias, String group) throws Exception {
        String body = "{\"MessageGroupID\":\"" + group + "\",\"transSeq\":\"1\",\"http_status\":200}";
        HttpResponse<String> sent = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.get("camel.server.port")
                        + "/" + alias)).header("X-API-Key", "deployer-key").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, sent.statusCode(), sent.body());
    }
}
