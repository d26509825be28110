package dev.sqsrouter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** cfn-lint on a template file: no errors, no warnings, or the test fails with what it reported. */
final class CfnLint {

    private CfnLint() {
    }

    static void assertClean(Path template, Path temp) throws IOException, InterruptedException {
        File output = Files.createTempFile(temp, "cfn-lint", ".txt").toFile();
        Process process;
        try {
            process = new ProcessBuilder(List.of("cfn-lint", template.toString()))
                    .redirectErrorStream(true).redirectOutput(output).start();
        } catch (IOException e) {
            fail("cfn-lint is not installed or not on the PATH; install it with 'pip install cfn-lint' to run this test ("
                    + e.getMessage() + ")");
            return;
        }
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("cfn-lint " + template + " did not finish within 180 s");
        }
        // exit code bits: 2 = errors, 4 = warnings, 8 = informational (not reported by default), 1 = cfn-lint failed
        assertEquals(0, process.exitValue(), "cfn-lint " + template + " reported problems (exit " + process.exitValue()
                + "):\n" + Files.readString(output.toPath(), StandardCharsets.UTF_8));
    }
}
