package dev.sqsrouter.ingress;

import dev.sqsrouter.http.ApiKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.sqsrouter.Application;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.Emulators;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

/** The ingress never runs open: keys are required to start, and only configured keys pass. */
class IngressApiKeysTest {

    @Test
    void appRefusesToStartWithoutApiKeysAndSaysWhatToSet() throws Exception {
        int port = Emulators.freePort();
        Main main = app(port);
        main.addOverrideProperty("ingress.api-keys", " , ");
        main.addOverrideProperty("admin.api-keys", "an-admin-key");
        try {
            Exception failure = assertThrows(Exception.class, main::start);
            assertTrue(messages(failure).contains("INGRESS_API_KEYS"), messages(failure));
            assertFalse(listening(port), "nothing may listen on the ingress port");
        } finally {
            main.stop();
        }
    }

    @Test
    void appRefusesToStartWithoutAdminKeysAndSaysWhatToSet() throws Exception {
        int port = Emulators.freePort();
        Main main = app(port);
        main.addOverrideProperty("ingress.api-keys", "launch-key");
        main.addOverrideProperty("admin.api-keys", " ");
        try {
            Exception failure = assertThrows(Exception.class, main::start);
            assertTrue(messages(failure).contains("ADMIN_API_KEYS"), messages(failure));
            assertFalse(listening(port), "nothing may listen on the ingress port");
        } finally {
            main.stop();
        }
    }

    @Test
    void appRefusesToStartWhenAnAdminKeyIsAlsoAnIngressKey() throws Exception {
        int port = Emulators.freePort();
        Main main = app(port);
        main.addOverrideProperty("ingress.api-keys", "one, shared");
        main.addOverrideProperty("admin.api-keys", "shared");
        try {
            Exception failure = assertThrows(Exception.class, main::start);
            assertTrue(messages(failure).contains("also an ingress key"), messages(failure));
            assertFalse(listening(port), "nothing may listen on the ingress port");
        } finally {
            main.stop();
        }
    }

    @Test
    void appAsLaunchedServesTheIngressWithAKey() throws Exception {
        int port = Emulators.freePort();
        Emulators emulators = Emulators.shared();
        String queue = "ingressapikeystest-" + port + ".fifo";
        new Provisioner(AwsTestClients.sqs(emulators.sqsEndpoint()), AwsTestClients.dynamoDb(emulators.dynamoDbEndpoint()))
                .queue(queue, Map.of());
        Main main = app(port);
        main.addOverrideProperty("ingress.api-keys", "launch-key");
        main.addOverrideProperty("admin.api-keys", "launch-admin-key");
        main.addOverrideProperty("relay.queues.queue-1.queue", queue);
        // the HTTP routes only: the relay's own tests cover the rest
        main.addOverrideProperty("camel.main.routes-include-pattern", "classpath:routes/ingress.yaml,classpath:routes/admin.yaml");
        main.addOverrideProperty("relay.enabled", "false");
        main.addOverrideProperty("s3events.enabled", "false");
        try {
            main.start();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> sent = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/queue-1"))
                    .header("X-API-Key", "launch-key").POST(HttpRequest.BodyPublishers.ofString("{\"MessageGroupID\": \"g1\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, sent.statusCode(), sent.body());
            // the admin key is let through (401/403 otherwise) to an alias that is not there
            HttpResponse<String> admin = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/admin/failures/no-such-alias/g1")).header("X-API-Key", "launch-admin-key").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, admin.statusCode(), admin.body());
            assertTrue(admin.body().contains("unknown_queue"), admin.body());
        } finally {
            main.stop();
        }
    }

    @Test
    void withoutTheHttpServerNoKeyIsNeeded() throws Exception {
        // the provision command runs so: no server, no routes, and no reason to demand keys
        Main main = app(Emulators.freePort());
        main.addOverrideProperty("ingress.api-keys", "");
        main.addOverrideProperty("camel.server.enabled", "false");
        main.addOverrideProperty("camel.main.routes-include-pattern", "false");
        main.addOverrideProperty("relay.enabled", "false");
        main.addOverrideProperty("s3events.enabled", "false");
        try {
            main.start();
            assertTrue(main.getCamelContext().isStarted());
        } finally {
            main.stop();
        }
    }

    @Test
    void onlyConfiguredKeysPass() {
        ApiKeys keys = ApiKeys.parse(" first-key ,second-key,, ", "test");
        assertEquals(2, keys.size());
        assertTrue(keys.accepts("first-key"));
        assertTrue(keys.accepts("second-key"));
        assertFalse(keys.accepts("first-key "));
        assertFalse(keys.accepts("second"));
        assertFalse(keys.accepts("second-key2"));
        assertFalse(keys.accepts(""));
        assertFalse(keys.accepts(null));
    }

    @Test
    void emptyKeyListIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(" ,", "INGRESS_API_KEYS"));
        assertTrue(refused.getMessage().contains("INGRESS_API_KEYS"), refused.getMessage());
    }

    /** The app as shipped on the shared emulators, not started. */
    private static Main app(int port) {
        Emulators emulators = Emulators.shared();
        Main main = Application.newMain();
        main.setDefaultPropertyPlaceholderLocation("classpath:application.properties");
        main.addOverrideProperty("camel.server.host", "127.0.0.1");
        main.addOverrideProperty("camel.server.port", Integer.toString(port));
        main.addOverrideProperty("camel.management.port", "0");
        main.addOverrideProperty("aws.region", "us-east-1");
        main.addOverrideProperty("aws.credentials", "sandbox");
        main.addOverrideProperty("aws.endpoint.sqs", emulators.sqsEndpoint());
        main.addOverrideProperty("aws.endpoint.dynamodb", emulators.dynamoDbEndpoint());
        return main;
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" / ");
        }
        return all.toString();
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
