package dev.sqsrouter.s3events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import dev.sqsrouter.failure.BusinessFailureException;
import dev.sqsrouter.relay.RelayContract;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audit call and how its answer is read, against a server that answers what each test sets. */
class S3AuditProcessorTest {

    private static final S3EventRecord RECORD = new S3EventRecord("images", "cats/my cat + friend é.png", 1024L,
            "0123456789abcdef0123456789abcdef", null, "0A1B2C3D4E5F678901", "ObjectCreated:Put",
            Instant.parse("2024-05-14T09:21:07.129Z"));

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> idempotencyKeys = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String answer = "{\"status_code\":200}";
    private HttpServer server;
    private DefaultCamelContext context;
    private AuditProcessor audit;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                idempotencyKeys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
                requests.add(exchange.getRequestHeaders().getFirst("Content-Type") + " "
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
        context.start();
        audit = new AuditProcessor(context, "http://127.0.0.1:" + server.getAddress().getPort() + "/audit", 500, 2000,
                new RelayContract());
    }

    @AfterEach
    void stop() {
        context.stop();
        server.stop(0);
    }

    @Test
    void postsTheSummaryAsJson() throws Exception {
        audit.process(RECORD);

        assertEquals(List.of("application/json {\"data\":{\"bucket\":\"images\",\"key\":\"cats/my cat + friend é.png\","
                + "\"size\":1024,\"eTag\":\"0123456789abcdef0123456789abcdef\",\"versionId\":null,"
                + "\"eventName\":\"ObjectCreated:Put\",\"eventTime\":\"2024-05-14T09:21:07.129Z\","
                + "\"sequencer\":\"0A1B2C3D4E5F678901\"}}"), requests);
    }

    @Test
    void sendsAnIdempotencyKeyDerivedFromTheEventAlone() throws Exception {
        audit.process(RECORD);
        // the same event, another eventTime (as another delivery path might give): the same key
        audit.process(new S3EventRecord(RECORD.bucket(), RECORD.key(), RECORD.size(), RECORD.eTag(), null, RECORD.sequencer(),
                RECORD.eventName(), Instant.parse("2024-05-14T09:21:08Z")));
        // another event of the same key (a later overwrite has a later sequencer): another key
        audit.process(new S3EventRecord(RECORD.bucket(), RECORD.key(), RECORD.size(), RECORD.eTag(), null, "0A1B2C3D4E5F678902",
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

        BusinessFailureException refused = assertThrows(BusinessFailureException.class, () -> audit.process(RECORD));
        assertEquals(200, refused.httpStatus());
        assertEquals(answer, refused.answer());
    }

    @Test
    void answerWithoutStatusCodeIsSuccess() throws Exception {
        answer = "OK";
        audit.process(RECORD);
        assertEquals(1, requests.size());
    }

    @Test
    void httpErrorIsThrownAsItIsForThePolicyToClassify() {
        status = 404;
        HttpOperationFailedException notFound = assertThrows(HttpOperationFailedException.class, () -> audit.process(RECORD));
        assertEquals(404, notFound.getStatusCode());
        status = 503;
        assertEquals(503, assertThrows(HttpOperationFailedException.class, () -> audit.process(RECORD)).getStatusCode());
    }

    @Test
    void emptyUrlIsRefusedAtStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AuditProcessor(context, " ", 500, 2000, new RelayContract()));
        assertTrue(e.getMessage().contains("s3events.audit.url is empty"), e.getMessage());
    }
}
