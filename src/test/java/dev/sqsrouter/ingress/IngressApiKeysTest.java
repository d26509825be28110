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
    void appRefusesToStartOnABadNamedKeyAndSaysWhatToFix() throws Exception {
        assertRefusedAtStart(Map.of("ingress.keys.team-a.key", "a-secret", "ingress.keys.team-a.queues", "queue-9"),
                "ingress.keys.team-a.queues names queue-9, which the ingress does not serve");
        assertRefusedAtStart(Map.of("ingress.keys.team-a.key", "same", "ingress.keys.team-b.key", "same"),
                "one API key is configured twice, for team-a and team-b");
        assertRefusedAtStart(Map.of("ingress.keys.team-a.key", "a-secret", "ingress.keys.team-a.rat", "1"),
                "ingress.keys.team-a.rat: 'rat' is not a setting of an ingress key");
        assertRefusedAtStart(Map.of("ingress.keys.team-a.rate", "1"), "missing configuration: ingress.keys.team-a.key");
        assertRefusedAtStart(Map.of("ingress.keys.Team.key", "t-secret"), "ingress.keys.Team: a key's name is");
        assertRefusedAtStart(Map.of("ingress.keys.team-a.key", "a-secret", "ingress.keys.team-a.burst", "1.5"),
                "ingress.keys.team-a.burst=1.5 is not a whole number");
        assertRefusedAtStart(Map.of("ingress.keys.team-a.key", "launch-admin-key"), "also an ingress key");
    }

    private static void assertRefusedAtStart(Map<String, String> properties, String message) throws Exception {
        int port = Emulators.freePort();
        Main main = app(port);
        main.addOverrideProperty("ingress.api-keys", "launch-key");
        main.addOverrideProperty("admin.api-keys", "launch-admin-key");
        properties.forEach(main::addOverrideProperty);
        try {
            Exception failure = assertThrows(Exception.class, main::start);
            assertTrue(messages(failure).contains(message), messages(failure));
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
    void eachKeyHasItsHolderAndNoneIsTheKey() {
        ApiKeys keys = ApiKeys.of(java.util.List.of(new ApiKeys.Entry(new ApiKeys.Holder("team-a", "name:team-a"), "a-secret"),
                new ApiKeys.Entry(new ApiKeys.Holder("team-b", "name:team-b"), "b-secret")), "test", "API key", "the ingress");
        assertEquals(new ApiKeys.Holder("team-b", "name:team-b"), keys.holderOf("b-secret"));
        assertEquals(new ApiKeys.Holder("team-a", "name:team-a"), keys.holderOf("a-secret"));
        assertEquals(null, keys.holderOf("c-secret"));
        ApiKeys.Holder unnamed = ApiKeys.parse("first-key", "test").holderOf("first-key");
        assertFalse(unnamed.identity().contains("first-key"), unnamed.toString());
        assertEquals("sha256:" + java.util.HexFormat.of().formatHex(sha256("first-key")), unnamed.identity());
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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
