package dev.sqsrouter.s3events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import dev.sqsrouter.failure.BusinessFailureException;
import dev.sqsrouter.http.ResponseServerAnswer;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit processor, routes/s3-record-audit.yaml as it ships, on a context of its own: the call it makes and how
 * its answer is read, against a server that answers what each test sets. Failures stay on the exchange as thrown, for
 * the record runner to classify.
 */
class S3AuditProcessorTest {

    private static final S3EventRecord RECORD = new S3EventRecord("images", "cats/my cat + friend é.png", 1024L,
            "0123456789abcdef0123456789abcdef", null, "0A1B2C3D4E5F678901", "ObjectCreated:Put",
            Instant.parse("2024-05-14T09:21:07.129Z"));

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> idempotencyKeys = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String answer = "{\"status_code\":200}";
    private HttpServer server;
    private DefaultCamelContext context;
    private ProducerTemplate template;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/audit", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                idempotencyKeys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
                authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                        + new String(in.readAllBytes(), StandardCharsets.UTF_8));
                byte[] body = answer.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        context = new DefaultCamelContext();
        Properties properties = new Properties();
        properties.setProperty("s3events.audit.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/audit");
        properties.setProperty("s3events.audit.connect-timeout-ms", "500");
        properties.setProperty("s3events.audit.response-timeout-ms", "2000");
        context.getPropertiesComponent().setInitialProperties(properties);
        context.getRegistry().bind("responseServerAnswer", new ResponseServerAnswer());
        context.addRoutes(new S3RecordProcessorPolicy());
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveResource(context, "classpath:routes/s3-record-audit.yaml"));
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        context.stop();
        server.stop(0);
    }

    private Exchange audit(S3EventRecord record) {
        return template.send("direct:audit", exchange -> exchange.getMessage().setBody(record));
    }

    @Test
    void postsTheSummaryAsJson() {
        assertNull(audit(RECORD).getException());

        assertEquals(List.of("POST application/json {\"data\":{\"bucket\":\"images\",\"key\":\"cats/my cat + friend é.png\","
                + "\"size\":1024,\"eTag\":\"0123456789abcdef0123456789abcdef\",\"versionId\":null,"
                + "\"eventName\":\"ObjectCreated:Put\",\"eventTime\":\"2024-05-14T09:21:07.129Z\","
                + "\"sequencer\":\"0A1B2C3D4E5F678901\"}}"), requests);
    }

    @Test
    void noHeaderOfTheSqsMessageReachesOrSteersTheCall() {
        Exchange done = template.send("direct:audit", exchange -> {
            exchange.getMessage().setBody(RECORD);
            exchange.getMessage().setHeaders(Map.of(
                    Exchange.HTTP_URI, "http://elsewhere.invalid/",
                    Exchange.HTTP_METHOD, "GET",
                    "Authorization", "Bearer stolen",
                    "Idempotency-Key", "chosen-by-the-sender"));
        });

        assertNull(done.getException());
        assertEquals(1, requests.size());
        assertTrue(requests.get(0).startsWith("POST application/json "), requests.get(0));
        assertEquals(List.of("null"), authorizations);
        assertEquals(List.of(RECORD.idempotencyKey()), idempotencyKeys);
    }

    @Test
    void sendsAnIdempotencyKeyDerivedFromTheEventAlone() {
        audit(RECORD);
        // the same event, another eventTime (as another delivery path might give): the same key
        audit(new S3EventRecord(RECORD.bucket(), RECORD.key(), RECORD.size(), RECORD.eTag(), null, RECORD.sequencer(),
                RECORD.eventName(), Instant.parse("2024-05-14T09:21:08Z")));
        // another event of the same key (a later overwrite has a later sequencer): another key
        audit(new S3EventRecord(RECORD.bucket(), RECORD.key(), RECORD.size(), RECORD.eTag(), null, "0A1B2C3D4E5F678902",
                RECORD.eventName(), RECORD.eventTime()));

        assertEquals(3, idempotencyKeys.size());
        assertTrue(idempotencyKeys.get(0).matches("[0-9a-f]{64}"), idempotencyKeys.get(0));
        assertEquals(idempotencyKeys.get(0), idempotencyKeys.get(1));
        assertTrue(!idempotencyKeys.get(0).equals(idempotencyKeys.get(2)), idempotencyKeys::toString);
        assertEquals(RECORD.idempotencyKey(), idempotencyKeys.get(0));
    }

    @Test
    void statusCodeOtherThan200IsABusinessFailure() {
        answer = "{\"status_code\":500,\"content\":{}}";

        BusinessFailureException refused = assertInstanceOf(BusinessFailureException.class, audit(RECORD).getException());
        assertEquals(200, refused.httpStatus());
        assertEquals(answer, refused.answer());
    }

    @Test
    void answerWithoutStatusCodeIsSuccess() {
        answer = "OK";
        assertNull(audit(RECORD).getException());
        assertEquals(1, requests.size());
    }

    @Test
    void httpErrorIsThrownAsItIsForThePolicyToClassify() {
        status = 404;
        assertEquals(404, assertInstanceOf(HttpOperationFailedException.class, audit(RECORD).getException()).getStatusCode());
        status = 503;
        assertEquals(503, assertInstanceOf(HttpOperationFailedException.class, audit(RECORD).getException()).getStatusCode());
    }

    @Test
    void emptyUrlIsRefusedAtStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> S3EventsBeans.requireAuditUrl(" "));
        assertTrue(e.getMessage().contains("s3events.audit.url is empty"), e.getMessage());
    }
}
