package dev.sqsrouter.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqsrouter.config.Topology;
import dev.sqsrouter.http.ApiKeys;
import dev.sqsrouter.http.HttpApiException;
import dev.sqsrouter.sqs.SqsIds;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

/**
 * Whatever a client sends, the ingress's checks (path and method, API key, Content-Type, Idempotency-Key, body) answer
 * with one of the documented refusals (400, 401, 403, 404, 405, 413, 415) or accept a request that SQS takes: a
 * {"data": B} body that is JSON, a group and a deduplication id within SQS's rules, a size within the limit. Never
 * another exception. The checks run as the ingress route calls them, on exchanges built here, so that thousands of
 * requests take seconds.
 */
class IngressRequestProperties {

    private static final Set<Integer> DOCUMENTED = Set.of(400, 401, 403, 404, 405, 413, 415);
    private static final long MAX_MESSAGE_BYTES = 4096;
    private static final String KEY = "ingress-key-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CamelContext context = shippedContext();
    private final IngressGate gate = new IngressGate(Topology.from(context.getPropertiesComponent()).aliases(), MAX_MESSAGE_BYTES);
    private final ApiKeys keys = ApiKeys.parse(KEY, "ingress.api-keys");

    @Property(tries = 5000)
    void everyRequestIsAcceptedWithinSqsRulesOrRefusedWithADocumentedStatus(@ForAll("body") byte[] body,
            @ForAll("idempotencyKey") List<String> idempotencyKeys, @ForAll("contentType") String contentType,
            @ForAll("apiKey") String apiKey, @ForAll("path") String path, @ForAll("method") String method) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getIn().setHeader(Exchange.HTTP_METHOD, method);
        exchange.getIn().setHeader(Exchange.HTTP_PATH, path);
        if (contentType != null) {
            exchange.getIn().setHeader("Content-Type", contentType);
        }
        if (apiKey != null) {
            exchange.getIn().setHeader(ApiKeys.HEADER, apiKey);
        }
        if (!idempotencyKeys.isEmpty()) {
            exchange.getIn().setHeader(IngressRequest.IDEMPOTENCY_HEADER,
                    idempotencyKeys.size() == 1 ? idempotencyKeys.get(0) : idempotencyKeys);
        }
        exchange.getIn().setBody(body);
        try {
            // the order of the ingress route: path and method, API key, then the request
            gate.checkPath(exchange);
            keys.check(exchange);
            IngressRequest request = gate.readRequest(exchange);
            assertAcceptable(request, body);
            Statistics.collect("accepted");
        } catch (HttpApiException refused) {
            assertTrue(DOCUMENTED.contains(refused.status()), refused.status() + " " + refused.getMessage());
            assertTrue(refused.getMessage() != null && !refused.getMessage().isBlank(), "a refusal says what to fix");
            Statistics.collect(refused.status() + " " + refused.error());
        }
    }

    @Property(tries = 1000)
    void deeplyNestedBodiesAreAcceptedOrRefusedAs400(@ForAll @IntRange(min = 1, max = 3000) int depth,
            @ForAll("nestingShape") String shape) {
        String value = shape.repeat(depth) + "1" + (shape.startsWith("[") ? "]" : "}").repeat(depth);
        byte[] body = ("{\"MessageGroupID\":\"g1\",\"x\":" + value + "}").getBytes(StandardCharsets.UTF_8);
        acceptedOr400(body);
    }

    /** A body alone (no key): accepted within SQS's rules, or refused with 400. */
    private void acceptedOr400(byte[] body) {
        try {
            assertAcceptable(IngressRequest.parse("queue-1", "queue-1.fifo", "producer-1", body, null, 1_048_576), body);
            Statistics.collect("accepted");
        } catch (HttpApiException refused) {
            assertEquals(400, refused.status(), refused.getMessage());
            Statistics.collect(refused.status() + " " + refused.error());
        }
    }

    /** What the ingress accepts, the relay reads: at 999 levels in B, {"data": B} has 1,000, Jackson's limit. */
    @Example
    void theWrapperNeverNestsPastWhatTheRelayReads() {
        for (int depth = 995; depth <= 1001; depth++) {
            deeplyNestedBodiesAreAcceptedOrRefusedAs400(depth, "[");
        }
    }

    @Property(tries = 1000)
    void hugeNumbersAsTheGroupOrAValueAreAcceptedOrRefusedAs400(@ForAll @IntRange(min = 1, max = 5000) int digits,
            @ForAll boolean asGroup) {
        String number = "9".repeat(digits);
        byte[] body = (asGroup ? "{\"MessageGroupID\":" + number + "}" : "{\"MessageGroupID\":\"g1\",\"n\":" + number + "}")
                .getBytes(StandardCharsets.UTF_8);
        acceptedOr400(body);
    }

    private static void assertAcceptable(IngressRequest request, byte[] body) {
        assertNull(SqsIds.problem(request.groupId()), request.groupId());
        assertNull(SqsIds.problem(request.deduplicationId()), request.deduplicationId());
        assertEquals("{\"data\":" + new String(body, StandardCharsets.UTF_8) + "}", request.messageBody());
        try {
            JsonNode message = JSON.readTree(request.messageBody());
            assertTrue(message.path("data").isObject(), request.messageBody());
        } catch (Exception e) {
            throw new AssertionError("the SQS body is not JSON: " + request.messageBody(), e);
        }
        assertTrue(request.messageBody().indexOf('\uFFFE') < 0 && request.messageBody().indexOf('\uFFFF') < 0);
    }

    // --- inputs ---------------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<byte[]> body() {
        Arbitrary<String> group = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(140).map(IngressRequestProperties::quoted),
                Arbitraries.strings().withChars("abcXYZ019-_.:#!\"\\ %\u00e9\u001b").ofMinLength(0).ofMaxLength(130)
                        .map(IngressRequestProperties::quoted),
                Arbitraries.of("10", "-1", "1.50", "1e400", "true", "null", "[]", "{}", "\"\"", "\"\\u0000\"", "\"\\uFFFF\"",
                        "\"g\\ud800\"", "99999999999999999999999999999999"));
        Arbitrary<String> other = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(200).map(IngressRequestProperties::quoted),
                Arbitraries.of("0", "1e-400", "[1,[2,[3]]]", "{\"a\":{\"b\":null}}", "\"\uFFFE\"", "\"\\uFFFE\""));
        Arbitrary<String> object = Combinators.combine(group, other, Arbitraries.of("", ",\"MessageGroupID\":\"g2\"", " ",
                "} ", "}{}", "]", ",", "\u0000", ",\"x\":" + "1".repeat(2000))).as((g, o, tail) ->
                        "{\"MessageGroupID\":" + g + ",\"transSeq\":" + o + tail + "}");
        Arbitrary<String> noGroup = other.map(o -> "{\"other\":" + o + "}");
        Arbitrary<String> jsonish = Arbitraries.strings().withChars("{}[]\":,.0123456789eE+- \\MessageGroupID").ofMaxLength(200);
        Arbitrary<byte[]> text = Arbitraries.oneOf(object, object, noGroup, jsonish, Arbitraries.strings().all().ofMaxLength(300),
                Arbitraries.of("", " ", "null", "[]", "\"g\"", "{}", "\uFEFF{\"MessageGroupID\":\"g\"}"))
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> large = Arbitraries.integers().between(3900, 4300)
                .map(n -> ("{\"MessageGroupID\":\"g\",\"p\":\"" + "x".repeat(n) + "\"}").getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(Tuple.of(6, text), Tuple.of(1, bytes), Tuple.of(1, large));
    }

    @Provide
    Arbitrary<List<String>> idempotencyKey() {
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(140),
                Arbitraries.strings().alpha().numeric().withChars("-_:!").ofMinLength(1).ofMaxLength(128),
                Arbitraries.of("", " ", "k\r\nX-Injected: 1", "\u001b[31m", "a".repeat(129)));
        return Arbitraries.frequencyOf(Tuple.of(4, key.list().ofMaxSize(1)), Tuple.of(1, key.list().ofSize(2)));
    }

    @Provide
    Arbitrary<String> contentType() {
        return Arbitraries.oneOf(Arbitraries.of("application/json", "application/json; charset=utf-8",
                "application/x-www-form-urlencoded", " Multipart/form-data; boundary=x", "text/plain", "", " "),
                Arbitraries.strings().all().ofMaxLength(40)).injectNull(0.3);
    }

    @Provide
    Arbitrary<String> apiKey() {
        // mostly the right key, so that most requests reach the body's checks
        return Arbitraries.frequencyOf(Tuple.of(17, Arbitraries.just(KEY)), Tuple.of(1, Arbitraries.of("", " ", KEY + " ", "other")),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(40))).injectNull(0.03);
    }

    @Provide
    Arbitrary<String> path() {
        Arbitrary<String> segment = Arbitraries.oneOf(Arbitraries.of("queue-1", "queue-2", "queue-9", "", "%", "%2F", "%zz",
                "queue%2D1", "..", "%00", "%C3%28"), Arbitraries.strings().all().ofMaxLength(20));
        return Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of("/queue-1", "/queue-2/")), Tuple.of(1, Arbitraries.just("/")),
                Tuple.of(1, segment.list().ofMaxSize(3).map(parts -> "/" + String.join("/", parts))));
    }

    @Provide
    Arbitrary<String> method() {
        return Arbitraries.frequencyOf(Tuple.of(15, Arbitraries.just("POST")), Tuple.of(1, Arbitraries.of("GET", "PUT", "DELETE", "post", "")));
    }

    @Provide
    Arbitrary<String> nestingShape() {
        return Arbitraries.of("[", "{\"a\":", "[{\"MessageGroupID\":");
    }

    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static CamelContext shippedContext() {
        CamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("classpath:application.properties");
        return context;
    }
}
