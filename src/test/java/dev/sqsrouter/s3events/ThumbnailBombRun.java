package dev.sqsrouter.s3events;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.sqsrouter.failure.BusinessFailureException;

/**
 * Runs the thumbnail step on files at once, in a JVM of its own (a small heap, exit on OutOfMemoryError: as shipped),
 * and prints one line per file: "key thumbnailed WxH" or "key parked: reason". Exits 1 when a file ends in anything
 * else. Arguments: key=path ... (the key's suffix names the format, as in S3).
 */
public final class ThumbnailBombRun {

    private static final DecodeMemory DECODE_MEMORY = new DecodeMemory(67_108_864);

    private ThumbnailBombRun() {
    }

    public static void main(String[] args) throws Exception {
        // the shipped defaults (application.properties)
        Thumbnailer thumbnailer = new Thumbnailer("images", "thumbnails/", 10_485_760, 200, 40_000_000, 33_554_432, DECODE_MEMORY);
        ExecutorService pool = Executors.newFixedThreadPool(args.length);
        List<Future<String>> outcomes = new ArrayList<>();
        for (String arg : args) {
            String key = arg.substring(0, arg.indexOf('='));
            byte[] bytes = Files.readAllBytes(Path.of(arg.substring(arg.indexOf('=') + 1)));
            S3EventRecord record = new S3EventRecord("images", key, (long) bytes.length, null, null, null, "ObjectCreated:Put", null);
            outcomes.add(pool.submit(() -> {
                try {
                    Thumbnailer.Thumbnail thumbnail = thumbnailer.thumbnail(bytes, record);
                    var image = TestImages.decode(thumbnail.bytes());
                    return key + " thumbnailed " + image.getWidth() + "x" + image.getHeight();
                } catch (BusinessFailureException refused) {
                    return key + " parked: " + refused.getMessage();
                }
            }));
        }
        int failed = 0;
        for (Future<String> outcome : outcomes) {
            try {
                System.out.println(outcome.get());
            } catch (Exception e) {
                failed++;
                System.out.println("failed: " + e.getCause());
            }
        }
        pool.shutdown();
        System.exit(failed == 0 ? 0 : 1);
    }
}
