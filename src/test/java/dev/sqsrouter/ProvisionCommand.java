package dev.sqsrouter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the provision command as an operator does, in a JVM of its own (java ... dev.sqsrouter.Application provision),
 * with configuration given as system properties.
 */
public final class ProvisionCommand {

    /** What the command printed and how it ended. */
    public record Result(int exitCode, String output) {

        /** The report lines: created / exists / updated / skipped, in order. */
        public List<String> report() {
            return output.lines().filter(l -> l.matches("^(created|exists |updated|skipped) .*")).toList();
        }
    }

    private ProvisionCommand() {
    }

    public static Result run(Map<String, String> properties) throws IOException, InterruptedException {
        return run(properties, null, Map.of());
    }

    /** The same, in a working directory of its own (null = this one) and with extra environment variables. */
    public static Result run(Map<String, String> properties, java.nio.file.Path workingDirectory,
            Map<String, String> environment) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add(Application.class.getName());
        command.add("provision");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        builder.environment().putAll(environment);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("the provision command did not end within 2 minutes");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
