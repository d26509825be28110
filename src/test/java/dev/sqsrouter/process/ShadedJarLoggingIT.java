package dev.sqsrouter.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The logging configuration works inside the production jar, not only on the test class path: the shade step merges
 * the plugin lists of log4j-core and the JSON template layout, without which every start printed log4j's own errors
 * and logging.format=json logged nothing.
 */
class ShadedJarLoggingIT {

    @ParameterizedTest
    @ValueSource(strings = {"text", "json"})
    void theJarConfiguresItsLoggingWithoutAnError(String format) throws Exception {
        assertTrue(AppProcess.JAR.toFile().isFile(), AppProcess.JAR + " is built by the package phase");
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Dlogging.format=" + format, "-jar", AppProcess.JAR.toString(), "iam-policy").start();
        byte[] stdout = process.getInputStream().readAllBytes();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the command ends");
        assertEquals(0, process.exitValue(), stderr);
        assertEquals("", stderr, "log4j reports no error of its configuration");
        assertTrue(new String(stdout, StandardCharsets.UTF_8).contains("\"Statement\""), "the command still did its work");
    }
}
