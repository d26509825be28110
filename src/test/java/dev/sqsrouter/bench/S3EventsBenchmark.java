package dev.sqsrouter.bench;

import static org.awaitility.Awaitility.await;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import javax.imageio.ImageIO;

import dev.sqsrouter.Application;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.sqs.OrderedSqsEndpoint;
import dev.sqsrouter.sqs.ConsumerStats;
import dev.sqsrouter.s3events.S3EventFixtures;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.Emulators;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * S3 events per second through the two shipped S3 event routes, on the in-process emulators: the audit route
 * against a sink that answers at once, and the thumbnail route on ~100 KB JPEG photos (720x540, decoded, scaled to
 * the configured size and written back). Each phase fills its queue first, then starts its route and times it until
 * every message is deleted. Not a test: run it on purpose.
 * <p>
 * Arguments: [audit events, default 5000] [thumbnail events, default 500].
 */
public final class S3EventsBenchmark {

    private static final String AUDIT_ROUTE = "s3events-image-audit";
    private static final String THUMBNAIL_ROUTE = "s3events-image-thumbnails";
    private static final String BUCKET = "images";

    private S3EventsBenchmark() {
    }

    public static void main(String[] args) {
        int exitCode = 0;
        try {
            run(args);
        } catch (Exception e) {
            e.printStackTrace();
            exitCode = 1;
        }
        // the emulators leave non-daemon threads behind
        System.exit(exitCode);
    }

    private static void run(String[] args) throws Exception {
        int auditEvents = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int thumbnailEvents = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        String runId = "bench" + Long.toString(System.currentTimeMillis() % 1_000_000, 36);

        Emulators emulators = Emulators.start(Emulators.freePort(), Emulators.freePort(), Emulators.freePort(),
                new TransientNio2BlobStore());
        SqsClient sqs = AwsTestClients.sqs(emulators.sqsEndpoint());
        S3Client s3 = AwsTestClients.s3(emulators.s3Endpoint());
        Provisioner provisioner = new Provisioner(sqs, AwsTestClients.dynamoDb(emulators.dynamoDbEndpoint()));
        String auditQueue = runId + "-image-audit";
        String thumbnailQueue = runId + "-image-thumbnails";
        String auditUrl = provisioner.queue(auditQueue, Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "120"));
        String thumbnailUrl = provisioner.queue(thumbnailQueue, Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "120"));
        provisioner.failureTable(runId + "-failures");
        s3.createBucket(b -> b.bucket(BUCKET));

        try (FastSink sink = new FastSink()) {
            Main main = Application.newMain();
            Map<String, String> overrides = Map.ofEntries(
                    Map.entry("aws.region", "us-east-1"),
                    Map.entry("aws.credentials", "sandbox"),
                    Map.entry("aws.endpoint.sqs", emulators.sqsEndpoint()),
                    Map.entry("aws.endpoint.dynamodb", emulators.dynamoDbEndpoint()),
                    Map.entry("aws.endpoint.s3", emulators.s3Endpoint()),
                    // no ingress or admin API: only the S3 event flows, started one at a time below
                    Map.entry("camel.server.enabled", "false"),
                    Map.entry("camel.main.routes-include-pattern", "classpath:routes/s3*.yaml,classpath:routes/dead-letter-archiver.yaml"),
                    Map.entry("relay.enabled", "false"),
                    Map.entry("camel.main.auto-startup", "false"),
                    Map.entry("failures.table", runId + "-failures"),
                    Map.entry("s3events.queues.image-audit.queue", auditQueue),
                    Map.entry("s3events.queues.image-thumbnails.queue", thumbnailQueue),
                    Map.entry("s3events.audit.url", sink.url()));
            overrides.forEach(main::addOverrideProperty);
            main.start();
            CamelContext context = main.getCamelContext();
            try {
                System.out.printf("S3 events benchmark: %d cores, Java %s, pollers=%s workers=%s per route%n",
                        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                        context.resolvePropertyPlaceholders("{{s3events.pollers}}"),
                        context.resolvePropertyPlaceholders("{{s3events.workers}}"));

                fill(sqs, auditUrl, auditEvents, i -> S3EventFixtures.snsNotification(
                        S3EventFixtures.s3Event(BUCKET, runId + "/audit/photo " + i + ".jpg", "ObjectCreated:Put", 102400)));
                Result audit = runRoute(context, AUDIT_ROUTE, auditEvents);
                check(sink.arrived() == auditEvents, "the sink got " + sink.arrived() + " calls, not " + auditEvents);
                audit.print("audit (POST to a fast sink)", auditEvents, 0);

                byte[] photo = photo(100 * 1024);
                upload(s3, runId + "/photos/", thumbnailEvents, photo);
                fill(sqs, thumbnailUrl, thumbnailEvents, i -> S3EventFixtures.snsNotification(
                        S3EventFixtures.s3Event(BUCKET, runId + "/photos/photo " + i + ".jpg", "ObjectCreated:Put", photo.length)));
                Result thumbnails = runRoute(context, THUMBNAIL_ROUTE, thumbnailEvents);
                int written = s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("thumbnails/" + runId + "/photos/"))
                        .contents().stream().mapToInt(o -> 1).sum();
                check(written == thumbnailEvents, written + " thumbnails written, not " + thumbnailEvents);
                thumbnails.print("thumbnail (" + photo.length / 1024 + " KB JPEG 720x540 -> "
                        + context.resolvePropertyPlaceholders("{{s3events.thumbnail.size}}") + " px)", thumbnailEvents, photo.length);
            } finally {
                main.stop();
            }
        } finally {
            emulators.close();
        }
    }

    /** Starts the route on a full queue and waits until every message is deleted. */
    private static Result runRoute(CamelContext context, String routeId, int events) throws Exception {
        ConsumerStats stats = ((OrderedSqsEndpoint) context.getRoute(routeId).getEndpoint()).getStats();
        long started = System.nanoTime();
        context.getRouteController().startRoute(routeId);
        await().atMost(10, TimeUnit.MINUTES).pollInterval(Duration.ofMillis(10))
                .failFast(routeId + " retried or gave back messages: something failed", () -> stats.retried() > 0 || stats.kept() > 0)
                .until(() -> stats.deleted() >= events);
        long elapsed = System.nanoTime() - started;
        context.getRouteController().stopRoute(routeId);
        return new Result(elapsed, stats.latency().quantileMicros(0.5), stats.latency().quantileMicros(0.99));
    }

    private record Result(long nanos, long p50Micros, long p99Micros) {
        void print(String what, int events, long bytesPerEvent) {
            double seconds = nanos / 1e9;
            System.out.printf("%-45s %6d events in %6.2f s = %7.1f events/s%s; receive->delete p50 %d ms, p99 %d ms%n",
                    what, events, seconds, events / seconds,
                    bytesPerEvent > 0 ? String.format(" (%.1f MB/s read)", events * (double) bytesPerEvent / seconds / 1e6) : "",
                    p50Micros / 1000, p99Micros / 1000);
        }
    }

    /** Sends the bodies with SendMessageBatch from a few threads. */
    private static void fill(SqsClient sqs, String queueUrl, int count, IntFunction<String> body) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int from = 0; from < count; from += 10) {
                int start = from;
                sent.add(senders.submit(() -> {
                    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                    for (int i = start; i < Math.min(count, start + 10); i++) {
                        entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(body.apply(i)).build());
                    }
                    check(sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)).failed().isEmpty(), "a send failed");
                }));
            }
            for (Future<?> future : sent) {
                future.get();
            }
        } finally {
            senders.shutdown();
        }
    }

    private static void upload(S3Client s3, String prefix, int count, byte[] bytes) throws Exception {
        ExecutorService uploaders = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> uploads = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String key = prefix + "photo " + i + ".jpg";
                uploads.add(uploaders.submit(() -> s3.putObject(b -> b.bucket(BUCKET).key(key).contentType("image/jpeg"),
                        RequestBody.fromBytes(bytes))));
            }
            for (Future<?> future : uploads) {
                future.get();
            }
        } finally {
            uploaders.shutdown();
        }
    }

    /** A photo-like JPEG (gradient plus grain, which JPEG cannot squeeze away) of about the given size. */
    static byte[] photo(int approximateBytes) {
        int width = 720;
        int height = 540;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setPaint(new GradientPaint(0, 0, Color.ORANGE, width, height, Color.BLUE));
        graphics.fillRect(0, 0, width, height);
        graphics.dispose();
        Random random = new Random(42);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int pixel = image.getRGB(x, y);
                int grain = random.nextInt(48) - 24;
                image.setRGB(x, y, (clamp((pixel >> 16 & 255) + grain) << 16) | (clamp((pixel >> 8 & 255) + grain) << 8)
                        | clamp((pixel & 255) + grain));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpeg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        check(Math.abs(out.size() - approximateBytes) < approximateBytes / 4, "photo is " + out.size() + " bytes, not about " + approximateBytes);
        return out.toByteArray();
    }

    private static int clamp(int channel) {
        return Math.max(0, Math.min(255, channel));
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException(failure);
        }
    }
}
