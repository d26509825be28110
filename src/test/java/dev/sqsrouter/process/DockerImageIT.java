package dev.sqsrouter.process;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import dev.sqsrouter.deploy.DockerBuild;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.Emulators;
import dev.sqsrouter.sandbox.SampleResponseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image, checked without a Docker engine by doing what the Dockerfile says ({@link DockerBuild}): the context
 * .dockerignore leaves, the build stage's own RUN lines on a copy of it, the image's WORKDIR laid out by the runtime
 * stage's COPY lines, its ENTRYPOINT started there with the image's ENV, as USER would run it, against the emulators.
 * Every fact below is read from the Dockerfile, so that a change to it without the rest (or the other way) fails here.
 */
class DockerImageIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String INGRESS_KEY = "image-key";
    private static final String ADMIN_KEY = "image-admin-key";
    /** Docker's PATH when the image sets none; the command's java is this JDK's anyway. */
    private static final String CONTAINER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    @Test
    void theImageCarriesItsConfigurationAndRoutesRunsAsNonRootAndRelays(@TempDir Path work) throws Exception {
        long started = System.nanoTime();
        Path project = Path.of("").toAbsolutePath();
        Path buildLog = Files.createDirectories(Path.of("target", "it-logs").toAbsolutePath()).resolve("docker-build.log");
        Files.deleteIfExists(buildLog);
        DockerBuild image = DockerBuild.build(project, work, buildLog);
        long built = System.nanoTime();

        // the context is what the Dockerfile copies, and nothing else: no local state or secret reaches the build
        Set<String> context;
        try (Stream<Path> top = Files.list(image.context())) {
            context = top.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(image.copiedFromContext(), context, "the build context that .dockerignore leaves is what COPY takes from it");

        // the Java the image runs is the one this check runs it with
        Matcher jre = Pattern.compile("eclipse-temurin:(\\d+)[._].*").matcher(image.dockerfile().runtime().image());
        assertTrue(jre.matches(), "the runtime stage is an eclipse-temurin image: " + image.dockerfile().runtime().image());
        assertEquals(Runtime.version().feature(), Integer.parseInt(jre.group(1)),
                "the image's Java (FROM " + image.dockerfile().runtime().image() + ") is the one this check runs its ENTRYPOINT with");

        // non-root: a fixed numeric id that a useradd line created, so that its chowns and USER agree
        int uid = image.uid();
        assertNotEquals(0, uid, "USER " + image.user() + " runs as root");
        assertTrue(image.users().containsValue(uid), "USER " + image.user() + " is no user that RUN useradd created: " + image.users());

        // what USER does not own, it must be able to read: its code is root's
        Map<Path, FileTime> before = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(image.root())) {
            for (Path path : paths.toList()) {
                before.put(path, Files.getLastModifiedTime(path));
                if (!image.ownedByUser(path) && !path.equals(image.root())) {
                    assertTrue(DockerBuild.readableByOthers(path), "uid " + uid + " cannot read "
                            + imagePath(image, path) + " (owned by root, " + Files.getPosixFilePermissions(path) + ")");
                }
            }
        }

        // the configuration and the routes are in the image: the jar on the classpath holds the project's own files
        Path jar = jarWith(image, "application.properties");
        assertEquals(Files.readString(project.resolve("application.properties")), entry(jar, "application.properties"),
                imagePath(image, jar) + " holds the project's application.properties, the packaged defaults");
        Set<String> routes = new TreeSet<>();
        try (Stream<Path> files = Files.list(project.resolve("src/main/resources/routes"))) {
            files.forEach(route -> routes.add("routes/" + route.getFileName()));
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Set<String> packaged = zip.stream().map(e -> e.getName()).filter(n -> n.startsWith("routes/") && n.endsWith(".yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(routes, packaged, "the routes ship inside " + imagePath(image, jar));
        }

        // EXPOSE names what the packaged configuration serves on: the ingress and the management port
        Properties packaged = new Properties();
        packaged.load(new StringReader(entry(jar, "application.properties")));
        assertEquals(new TreeSet<>(List.of(Integer.parseInt(packaged.getProperty("camel.server.port")),
                        Integer.parseInt(packaged.getProperty("management.port")))), new TreeSet<>(image.exposed()),
                "EXPOSE names the ingress port (camel.server.port) and the management port (management.port)");

        Emulators emulators = Emulators.shared();
        String prefix = "image" + System.nanoTime() % 1_000_000;
        new Provisioner(AwsTestClients.sqs(emulators.sqsEndpoint()), AwsTestClients.dynamoDb(emulators.dynamoDbEndpoint()))
                .queueWithDeadLetterQueue(prefix + "-orders.fifo", prefix + "-orders-dlq.fifo", 5, 30);
        new Provisioner(AwsTestClients.sqs(emulators.sqsEndpoint()), AwsTestClients.dynamoDb(emulators.dynamoDbEndpoint()))
                .failureTable(prefix + "-failures");
        int port = Emulators.freePort();
        int managementPort = Emulators.freePort();
        try (SampleResponseServer server = SampleResponseServer.start(0, work.resolve("server.log"))) {
            // the deployment's configuration, mounted as /app/application.properties (README); hosts stay the image's
            Map<String, String> mounted = new LinkedHashMap<>();
            mounted.put("aws.region", "us-east-1");
            mounted.put("aws.credentials", "sandbox");
            mounted.put("aws.endpoint.sqs", emulators.sqsEndpoint());
            mounted.put("aws.endpoint.dynamodb", emulators.dynamoDbEndpoint());
            mounted.put("aws.endpoint.s3", emulators.s3Endpoint());
            mounted.put("aws.endpoint.sns", emulators.snsEndpoint());
            mounted.put("camel.server.port", Integer.toString(port));
            mounted.put("management.port", Integer.toString(managementPort));
            mounted.put("failures.table", prefix + "-failures");
            mounted.put("relay.queues.orders.queue", prefix + "-orders.fifo");
            mounted.put("relay.queues.orders.dead-letter-queue", prefix + "-orders-dlq.fifo");
            mounted.put("relay.queues.orders.url", server.url());
            mounted.put("relay.wait-time-seconds", "1");
            mounted.put("s3events.enabled", "false");
            Path mount = image.workdir().resolve("application.properties");
            Files.writeString(mount, mounted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("\n", "", "\n")));
            before.put(mount, Files.getLastModifiedTime(mount));

            // a container's environment: the image's ENV and what docker run -e adds, nothing of this JVM's
            Map<String, String> environment = new LinkedHashMap<>();
            environment.put("PATH", CONTAINER_PATH);
            environment.putAll(image.env());
            environment.put("INGRESS_API_KEYS", INGRESS_KEY);
            environment.put("ADMIN_API_KEYS", ADMIN_KEY);
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> command = image.command(java);

            try (AppProcess app = AppProcess.startWithEnvironment("docker-image", command, image.workdir(), environment, port,
                    managementPort, ADMIN_KEY)) {
                app.awaitReady();
                long ready = System.nanoTime();

                // a published port reaches only a server bound to every address of the container
                for (int listening : List.of(port, managementPort)) {
                    Set<String> addresses = listeningAddresses(listening);
                    assertTrue(addresses.stream().anyMatch(a -> a.matches("0+")), "port " + listening + " (EXPOSE "
                            + (listening == port ? packaged.getProperty("camel.server.port") : packaged.getProperty("management.port"))
                            + ") listens on " + addresses + " only (hex, /proc/net/tcp): a published port would not reach it;"
                            + " the image must bind it to 0.0.0.0");
                }

                List<String> healthcheck = image.healthcheck(java);
                if (healthcheck != null) {
                    Process probe = new ProcessBuilder(healthcheck).directory(image.workdir().toFile()).redirectErrorStream(true)
                            .redirectOutput(work.resolve("healthcheck.log").toFile()).start();
                    assertTrue(probe.waitFor(60, TimeUnit.SECONDS), "HEALTHCHECK ends");
                    assertEquals(0, probe.exitValue(), "HEALTHCHECK on a ready app: " + Files.readString(work.resolve("healthcheck.log")));
                }

                post(port, "orders", "image-g1");
                await().atMost(30, SECONDS).until(() -> server.received().size() == 1);
                assertTrue(server.received().get(0).contains("image-g1"), server.received().toString());

                app.terminate();
                assertTrue(app.awaitExit(Duration.ofSeconds(40)), "the app ends on SIGTERM (docker stop)");
                // what the ENV names for the JVM to write (the class data archive) it could write: USER owns its place
                for (Path path : image.envPaths()) {
                    assertTrue(Files.exists(path), "the image's ENV names " + imagePath(image, path) + ", which the JVM did "
                            + "not write by its stop:\n" + app.log());
                }
                System.out.printf("DockerImageIT: build %d s, start to ready %d s, in all %d s%n", (built - started) / 1_000_000_000,
                        (ready - built) / 1_000_000_000, (System.nanoTime() - started) / 1_000_000_000);
            }
        }

        // the app wrote only where USER may write: directories the image gave it, and what it created in them
        List<String> forbidden = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(image.root())) {
            for (Path path : paths.toList()) {
                FileTime was = before.get(path);
                if (was != null && (Files.isDirectory(path) || was.equals(Files.getLastModifiedTime(path)))) {
                    continue;
                }
                Path existing = was != null ? path : path.getParent();
                while (!before.containsKey(existing)) {
                    existing = existing.getParent();
                }
                if (!image.ownedByUser(existing)) {
                    forbidden.add(imagePath(image, path));
                }
            }
        }
        assertEquals(List.of(), forbidden, "the app wrote where uid " + uid + " cannot write in the image (only what RUN chown gives it)");
    }

    /** The jar among the image's files that holds this entry; exactly one. */
    private static Path jarWith(DockerBuild image, String entry) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(image.root())) {
            for (Path path : paths.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (ZipFile zip = new ZipFile(path.toFile())) {
                    if (zip.getEntry(entry) != null) {
                        jars.add(path);
                    }
                }
            }
        }
        assertEquals(1, jars.size(), "one jar of the image holds " + entry + ": " + jars);
        return jars.get(0);
    }

    private static String entry(Path jar, String name) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return new String(zip.getInputStream(zip.getEntry(name)).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static String imagePath(DockerBuild image, Path path) {
        return "/" + image.root().relativize(path);
    }

    /** The local addresses (hex, as /proc/net/tcp and tcp6 write them) that listen on this TCP port. */
    private static Set<String> listeningAddresses(int port) throws IOException {
        Set<String> addresses = new TreeSet<>();
        String hexPort = String.format("%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.strip().split("\\s+");
                // sl local_address rem_address st ...; st 0A is LISTEN
                if (fields.length > 3 && fields[3].equals("0A") && fields[1].endsWith(":" + hexPort)) {
                    addresses.add(fields[1].substring(0, fields[1].indexOf(':')));
                }
            }
        }
        assertTrue(!addresses.isEmpty(), "nothing listens on port " + port);
        return addresses;
    }

    /** POST /alias with one message of the group, as a producer sends it; asserts the ingress took it. */
    private static void post(int port, String alias, String group) throws Exception {
        String body = "{\"MessageGroupID\":\"" + group + "\",\"transSeq\":\"1\",\"http_status\":200}";
        HttpResponse<String> sent = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + alias))
                .header("X-API-Key", INGRESS_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, sent.statusCode(), sent.body());
    }
}
