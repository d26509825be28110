package dev.sqsrouter.process;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The production jar (target/sqs-router.jar) run as an operator runs it: {@code java -D... -jar sqs-router.jar} in a
 * JVM of its own, from the project directory (where routes/ is), configured with system properties. Its output goes
 * to a log file under target/it-logs.
 */
public final class AppProcess implements AutoCloseable {

    public static final Path JAR = Path.of("target", "sqs-router.jar").toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;
    private final int managementPort;
    private final String apiKey;

    private AppProcess(String name, Process process, Path log, int port, int managementPort, String apiKey) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
        this.managementPort = managementPort;
        this.apiKey = apiKey;
    }

    /**
     * What every process here is configured with: the emulators' endpoints, free ports for the server and the
     * management port (on loopback), and the API keys; a new map the caller adds its queues and settings to.
     */
    public static Map<String, String> baseProperties(dev.sqsrouter.sandbox.Emulators emulators, String apiKey, String adminKey) {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("aws.region", "us-east-1");
        p.put("aws.credentials", "sandbox");
        p.put("aws.endpoint.sqs", emulators.sqsEndpoint());
        p.put("aws.endpoint.dynamodb", emulators.dynamoDbEndpoint());
        p.put("aws.endpoint.s3", emulators.s3Endpoint());
        p.put("aws.endpoint.sns", emulators.snsEndpoint());
        p.put("camel.server.host", "127.0.0.1");
        p.put("camel.server.port", Integer.toString(dev.sqsrouter.sandbox.Emulators.freePort()));
        p.put("camel.management.port", Integer.toString(dev.sqsrouter.sandbox.Emulators.freePort()));
        p.put("ingress.api-keys", apiKey);
        p.put("admin.api-keys", adminKey);
        return p;
    }

    /** Starts the jar with these system properties (camel.server.port, ingress.api-keys and admin.api-keys among them). */
    static AppProcess start(String name, Map<String, String> properties) throws IOException {
        return start(name, properties, List.of("-Xmx384m"));
    }

    /** Starts the jar with these JVM options and system properties. */
    public static AppProcess start(String name, Map<String, String> properties, List<String> jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(requireJar().toString());
        return start(name, properties, command, Path.of(""));
    }

    /**
     * As a deployer runs it: a copy of the production jar in {@code directory}, started there with {@code java -jar
     * sqs-router.jar} and nothing else; what configures it is in that directory ({@code properties} are only read
     * here for the ports and the admin key).
     */
    public static AppProcess startAlone(String name, Path directory, Map<String, String> properties) throws IOException {
        Files.copy(requireJar(), directory.resolve("sqs-router.jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return start(name, properties, List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx384m", "-jar",
                "sqs-router.jar"), directory);
    }

    private static Path requireJar() {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: these tests run after the package phase (mvn -B verify)");
        }
        return JAR;
    }

    private static AppProcess start(String name, Map<String, String> properties, List<String> command, Path directory)
            throws IOException {
        return launch(name, command, directory, null, Integer.parseInt(properties.get("camel.server.port")),
                Integer.parseInt(properties.get("camel.management.port")), properties.get("admin.api-keys").split(",")[0].trim());
    }

    /**
     * As a container runs it: {@code command} in {@code directory} with exactly {@code environment}, nothing of this
     * JVM's; the ports and the admin key are what its configuration sets.
     */
    public static AppProcess startWithEnvironment(String name, List<String> command, Path directory,
            Map<String, String> environment, int port, int managementPort, String adminKey) throws IOException {
        return launch(name, command, directory, environment, port, managementPort, adminKey);
    }

    private static AppProcess launch(String name, List<String> command, Path directory, Map<String, String> environment,
            int port, int managementPort, String adminKey) throws IOException {
        Path logs = Files.createDirectories(Path.of("target", "it-logs").toAbsolutePath());
        Path log = logs.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toAbsolutePath().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        if (environment != null) {
            builder.environment().clear();
            builder.environment().putAll(environment);
        }
        return new AppProcess(name, builder.start(), log, port, managementPort, adminKey);
    }

    /**
     * Waits until the management port's readiness answers 200 (every route started, SQS and DynamoDB answered); fails
     * at once if the process ends.
     */
    public AppProcess awaitReady() {
        await(name + " ready").atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError(name + " ended with " + process.exitValue() + " before it was ready:\n" + log());
            }
            try {
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/observe/health/ready"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                return response.statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return this;
    }

    /** The process id, for /proc readings. */
    public long pid() {
        return process.pid();
    }

    /** The resident set size now, in MiB (from /proc/PID/status; 0 once the process has ended). */
    public long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException ended) {
            return 0;
        }
        return 0;
    }

    /** The process's CPU time so far, in milliseconds (utime + stime of /proc/PID/stat; clock ticks of 10 ms). */
    public long cpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
        } catch (IOException | RuntimeException ended) {
            return 0;
        }
    }

    /** SIGTERM, as systemd or docker stop sends it (Process.destroy on Linux). */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: the instance vanishes without running any shutdown code. */
    void kill() {
        process.destroyForcibly();
    }

    /** Waits for the process to end; true if it did within the time. */
    public boolean awaitExit(Duration atMost) throws InterruptedException {
        return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    Path logFile() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
