package dev.sqsrouter.s3events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: uploads made to exhaust the decoder's memory (a 16-bit RGBA PNG at the pixel limit, 288 MB once decoded
 * from 280 KB; a TIFF of 64 samples per pixel named .png; a PNG cut short), eight at once. Promise: in a JVM whose
 * heap is far below one full decode, with -XX:+ExitOnOutOfMemoryError as shipped, each ends thumbnailed at reduced
 * resolution or parked with its reason, quickly, and the JVM stays up.
 */
class ThumbnailDecodeMemoryTest {

    private static final int BOMBS = 8;

    @TempDir
    Path dir;

    @Test
    void decompressionBombsAreThumbnailedSmallOrParkedAndTheJvmStaysUp() throws Exception {
        Path bomb = write("bomb.png", ImageBombs.png16BitRgba(6000, 6000));
        Path tiff = write("tiff.png", ImageBombs.tiffManySamples(1000, 1000, 64));
        Path truncated = write("truncated.png", ImageBombs.truncated(TestImages.image(800, 600, "png"), 0.6));
        List<String> args = new ArrayList<>();
        for (int i = 0; i < BOMBS; i++) {
            args.add("bomb-" + i + ".png=" + bomb);
        }
        args.add("samples.png=" + tiff);
        args.add("samples.tif=" + tiff);
        args.add("cut.png=" + truncated);

        long started = System.nanoTime();
        Run run = run(args);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

        assertEquals(0, run.exit(), "the JVM stays up and every file has its outcome:\n" + run.output());
        List<String> lines = run.output().lines().sorted().collect(Collectors.toList());
        assertEquals(BOMBS + 3, lines.size(), run.output());
        for (int i = 0; i < BOMBS; i++) {
            assertTrue(lines.contains("bomb-" + i + ".png thumbnailed 200x200"), run.output());
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("samples.png parked: ") && l.contains("not a PNG")), run.output());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("samples.tif parked: ") && l.contains("s3events.thumbnail.max-decoded-bytes")),
                run.output());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("cut.png parked: ") && l.contains("decoding failed")), run.output());
        assertTrue(seconds < 60, "took " + seconds + " s");
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private record Run(int exit, String output) {
    }

    private Run run(List<String> args) throws Exception {
        List<String> line = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx96m", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), ThumbnailBombRun.class.getName()));
        line.addAll(args);
        Path out = dir.resolve("out.txt");
        Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running after 120 s:\n" + Files.readString(out, StandardCharsets.UTF_8));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
