package dev.sqsrouter;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.Emulators;
import dev.sqsrouter.sandbox.MotoServer;
import dev.sqsrouter.sandbox.SampleResponseServer;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The seed's whole topology on moto_server, an AWS implementation independent of the sandbox: the provision command
 * creates bucket, topic, queues, subscriptions and notifications; the app as it ships (application.properties,
 * routes/*.yaml) consumes the queues; an image uploaded with an S3 client gets its thumbnail and its audit call.
 */
class S3EventsMotoEndToEndTest extends AppTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "images";
    private static final String KEY = "uploads/cat in the hat.png";

    private final MotoServer moto = MotoServer.shared();
    private final S3Client s3 = AwsTestClients.s3(moto.endpoint());
    private SampleResponseServer auditServer;

    @Override
    protected void setupResources() throws Exception {
        auditServer = SampleResponseServer.start(0, null);
        Map<String, String> configuration = configuration();
        ProvisionCommand.Result provisioned = ProvisionCommand.run(configuration);
        assertEquals(0, provisioned.exitCode(), provisioned.output());
        assertTrue(provisioned.report().stream().anyMatch(l -> l.endsWith("notifications " + BUCKET + " -> imageAdded")),
                provisioned.output());
        Properties properties = new Properties();
        properties.putAll(configuration);
        camelContextConfiguration().withUseOverridePropertiesWithPropertiesComponent(properties);
    }

    /** The shipped configuration, with every AWS service on moto and the response server of this test. */
    private Map<String, String> configuration() {
        Map<String, String> configuration = moto.appProperties();
        configuration.put("camel.server.host", "127.0.0.1");
        configuration.put("ingress.api-keys", "e2e-key");
        configuration.put("admin.api-keys", "e2e-admin-key");
        configuration.put("camel.server.port", Integer.toString(Emulators.freePort()));
        configuration.put("camel.management.port", "0");
        configuration.put("relay.queues.queue-1.url", auditServer.url());
        configuration.put("relay.queues.queue-2.url", auditServer.url());
        configuration.put("s3events.audit.url", auditServer.url());
        // short polls, so that the context stops quickly after the test
        configuration.put("relay.wait-time-seconds", "1");
        configuration.put("s3events.wait-time-seconds", "1");
        return configuration;
    }

    @Override
    protected void cleanupResources() {
        if (auditServer != null) {
            auditServer.close();
        }
    }

    @Test
    void anUploadedImageGetsItsThumbnailAndItsAuditCall() throws Exception {
        List<String> s3EventRoutes = context.getRoutes().stream().map(Route::getRouteId).filter(id -> id.startsWith("s3events-")).toList();
        assertEquals(List.of("s3events-image-audit", "s3events-image-thumbnails"), s3EventRoutes.stream().sorted().toList(),
                "the app consumes each queue of s3events.queues.<name> with a route from routes/s3-event-queue.yaml");

        byte[] png = image(640, 480);
        s3.putObject(b -> b.bucket(BUCKET).key(KEY).contentType("image/png"), RequestBody.fromBytes(png));

        String thumbnailKey = "thumbnails/" + KEY;
        ResponseBytes<GetObjectResponse> thumbnail = await("thumbnail " + thumbnailKey).atMost(60, SECONDS)
                .ignoreException(NoSuchKeyException.class)
                .until(() -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(thumbnailKey)), t -> t != null);
        BufferedImage decoded = ImageIO.read(thumbnail.asInputStream());
        assertNotNull(decoded, "the thumbnail is an image");
        assertTrue(decoded.getWidth() < 640 && decoded.getHeight() < 480, decoded.getWidth() + "x" + decoded.getHeight());
        assertFalse(thumbnail.response().metadata().isEmpty(), "the thumbnail's metadata names its source");

        JsonNode audited = await("audit call for " + KEY).atMost(60, SECONDS).until(() -> auditServer.received().stream()
                .map(SummaryReader::read).filter(s -> KEY.equals(s.path("key").asText())).findFirst().orElse(null), s -> s != null);
        assertEquals(BUCKET, audited.path("bucket").asText());
        assertEquals("ObjectCreated:Put", audited.path("eventName").asText());
        assertEquals(png.length, audited.path("size").asLong());
    }

    /** An audit request body, {"data": {...}}, as the summary it carries (missing node when it is something else). */
    private static final class SummaryReader {
        static JsonNode read(String body) {
            try {
                JsonNode request = JSON.readTree(body);
                return request.has("data") ? request.path("data") : request;
            } catch (IOException e) {
                return JSON.missingNode();
            }
        }
    }

    private static byte[] image(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setPaint(new GradientPaint(0, 0, Color.ORANGE, width, height, Color.BLUE));
        graphics.fillRect(0, 0, width, height);
        graphics.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
