package dev.sqsrouter.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

import dev.sqsrouter.ingress.IngressTestSupport;
import dev.sqsrouter.sandbox.Emulators;

/** The app as shipped with its management server on a free port of the loopback, and readers of what it serves. */
abstract class ManagementPortTestSupport extends IngressTestSupport {

    protected final int managementPort = Emulators.freePort();

    @Override
    protected void overrideProperties(Properties properties) {
        super.overrideProperties(properties);
        // the host stays as shipped (127.0.0.1); only the port is this test's
        properties.setProperty("camel.management.port", Integer.toString(managementPort));
        properties.setProperty("observe.queue-poll-seconds", "1");
    }

    /** GET on the management port, no key. */
    protected HttpResponse<String> observe(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** /observe/metrics, parsed. */
    protected PrometheusText scrape() {
        HttpResponse<String> metrics = observe("/observe/metrics");
        assertEquals(200, metrics.statusCode(), metrics.body());
        return PrometheusText.parse(metrics.body());
    }

    protected static String[] with(String[] labels, String... more) {
        String[] all = new String[labels.length + more.length];
        System.arraycopy(labels, 0, all, 0, labels.length);
        System.arraycopy(more, 0, all, labels.length, more.length);
        return all;
    }
}
