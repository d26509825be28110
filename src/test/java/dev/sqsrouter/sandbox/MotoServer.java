package dev.sqsrouter.sandbox;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * moto_server (Python moto) as an independent AWS implementation: S3, SNS, SQS and DynamoDB in one process, where
 * S3 bucket notifications really go through SNS to SQS. Tests that use it fail, not skip, when it is missing.
 */
public final class MotoServer implements AutoCloseable {

    /** moto's default account: the ARNs it hands out carry it. */
    public static final String ACCOUNT = "123456789012";

    private static MotoServer shared;

    private final Process process;
    private final int port;

    private MotoServer(Path executable, int port) throws IOException {
        this.port = port;
        Path log = Path.of("target", "moto-" + port + ".log");
        Files.createDirectories(log.getParent());
        this.process = new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        await("moto_server on port " + port + " (log: " + log + ")").atMost(60, SECONDS).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("moto_server exited with " + process.exitValue() + "; see " + log);
                    }
                    return http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/moto-api/")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                });
    }

    /** One moto_server for the whole test JVM, on a free port, stopped when the JVM exits. */
    public static synchronized MotoServer shared() {
        if (shared == null) {
            try {
                shared = new MotoServer(executable(), Emulators.freePort());
            } catch (IOException e) {
                throw new IllegalStateException("could not start moto_server", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The app's AWS settings with every service on this moto_server; a new map the caller may add to. */
    public java.util.Map<String, String> appProperties() {
        java.util.Map<String, String> properties = new java.util.LinkedHashMap<>();
        properties.put("aws.region", "us-east-1");
        properties.put("aws.credentials", "sandbox");
        for (String service : java.util.List.of("sqs", "dynamodb", "s3", "sns")) {
            properties.put("aws.endpoint." + service, endpoint());
        }
        return properties;
    }

    /** MOTO_SERVER names the executable; otherwise moto_server on the PATH. */
    static Path executable() {
        String explicit = System.getenv("MOTO_SERVER");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, "moto_server"))
                .filter(Files::isExecutable)
                .findFirst();
        return found.orElseThrow(() -> new IllegalStateException("moto_server is not on the PATH (nor named by MOTO_SERVER):"
                + " install it with pip install 'moto[server]'. These tests run the S3 -> SNS -> SQS topology on it,"
                + " an AWS implementation independent of the sandbox's emulators"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
