package dev.sqsrouter;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * java -Dname=value ... dev.sqsrouter.Application args..., in a working directory, with environment variables; none of
 * this JVM's configuration variables reach it. The app as an operator types it, from the test class path.
 */
public final class AppCommandLine {

    /** What the process ended with. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private AppCommandLine() {
    }

    public static Result run(Path temp, List<String> args, Path workingDirectory, Map<String, String> environment,
            Map<String, String> properties) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        line.add(ProcessHandle.current().info().command().orElse("java"));
        // a command's JVM lives seconds: the quick compiler alone, the simplest collector
        line.add("-XX:TieredStopAtLevel=1");
        line.add("-XX:+UseSerialGC");
        line.add("-cp");
        line.add(System.getProperty("java.class.path"));
        properties.forEach((key, value) -> line.add("-D" + key + "=" + value));
        line.add(Application.class.getName());
        line.addAll(args);
        File stdout = Files.createTempFile(temp, "stdout", ".txt").toFile();
        File stderr = Files.createTempFile(temp, "stderr", ".txt").toFile();
        ProcessBuilder builder = new ProcessBuilder(line).directory(workingDirectory.toFile())
                .redirectOutput(stdout).redirectError(stderr);
        builder.environment().keySet().removeIf(name -> name.startsWith("RELAY_") || name.startsWith("S3EVENTS_")
                || name.startsWith("FAILURES_") || name.startsWith("INGRESS_") || name.startsWith("ADMIN_")
                || name.startsWith("AWS_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(args + " did not end within 2 minutes");
        }
        return new Result(process.exitValue(), Files.readString(stdout.toPath(), StandardCharsets.UTF_8),
                Files.readString(stderr.toPath(), StandardCharsets.UTF_8));
    }
}
