package dev.sqsrouter.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.ingress.IngressTestSupport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;

/**
 * The admin API's path segments and query parameters, generated (jqwik's generators, drawn inside the app's test so
 * that the app and its emulators start once): every request is answered 2xx or with a documented refusal (400, 401,
 * 403, 404, 405, 409, 415) as JSON, never a 500, and never a 503 while the store is up. A target the HTTP server
 * cannot decode (a lone '%', %00, escapes that are not UTF-8) is refused by the server itself, with a plain 400. Requests go over a plain
 * socket, so that broken percent escapes reach the server as sent.
 */
class AdminApiProperties extends IngressTestSupport {

    private static final int REQUESTS = 1500;
    private static final Set<Integer> DOCUMENTED = Set.of(200, 400, 401, 403, 404, 405, 409, 415);
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    /** One request as a client sends it. */
    private record Request(String method, String target, String apiKey, String body) {
    }

    /** Its answer. */
    private record Answer(int status, String contentType, String body) {
    }

    @Test
    void generatedPathsAndQueriesAreAnsweredWithADocumentedStatusNeverA5xx() throws Exception {
        for (int i = 1; i <= 3; i++) {
            appFailureStore().record(new FailureRecord(queue("queue-1"), "g" + i, Integer.toString(i), "m-" + i,
                    "{\"data\":{\"MessageGroupID\":\"g" + i + "\"}}", FailureClass.BUSINESS, "reason", 200, null, 1, T0, T0));
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        requests().sampleStream().limit(REQUESTS).forEach(request -> {
            Answer answer = send(request);
            String outcome = answer.status() + (answer.status() == 200 ? "" : " " + error(answer));
            outcomes.merge(outcome, 1, Integer::sum);
            boolean json = answer.contentType().startsWith("application/json") || request.target().startsWith("/admin/openapi.yaml");
            // the HTTP server itself refuses some targets it cannot decode, before the app sees them: a plain 400
            boolean refusedByServer = answer.status() == 400 && !json && undecodable(request.target());
            if (refusedByServer) {
                outcomes.merge("400 from the HTTP server (undecodable target)", 1, Integer::sum);
            }
            if (!DOCUMENTED.contains(answer.status()) || !json && !refusedByServer) {
                wrong.add(request.method() + " " + request.target() + " -> " + answer.status() + " " + answer.body());
            }
        });
        System.out.println("admin API, " + REQUESTS + " generated requests: " + outcomes);
        assertEquals(List.of(), wrong.stream().limit(20).toList(), "answers that are not a documented status as JSON");
        assertTrue(outcomes.keySet().stream().anyMatch(o -> o.equals("200")), "some requests were served: " + outcomes);
    }

    /** A '%' without two hex digits, a NUL, or percent escapes that are not UTF-8. */
    private static boolean undecodable(String target) {
        if (target.matches(".*%(?![0-9A-Fa-f]{2}).*") || target.toUpperCase().contains("%00")) {
            return true;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '%') {
                bytes.write(Integer.parseInt(target.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
            return false;
        } catch (java.nio.charset.CharacterCodingException e) {
            return true;
        }
    }

    private static String error(Answer answer) {
        try {
            JsonNode json = JSON.readTree(answer.body());
            return json.path("error").asText();
        } catch (IOException e) {
            return "(not JSON)";
        }
    }

    // --- inputs ---------------------------------------------------------------------------------------------------

    private static Arbitrary<Request> requests() {
        Arbitrary<String> alias = Arbitraries.oneOf(Arbitraries.of("queue-1", "queue-1", "queue-2", "held", "image-audit",
                "queue-9"), segment());
        Arbitrary<String> group = Arbitraries.oneOf(Arbitraries.of("g1", "g2", "-", "g%2F1"), segment());
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of("1", "2", "0000000000000000000000000000000000000001", "replay"),
                segment());
        Arbitrary<String> path = Arbitraries.oneOf(
                Arbitraries.just("/admin/failures"),
                Arbitraries.just("/admin/failures/counts"),
                Combinators.combine(alias, group).as((a, g) -> "/admin/failures/" + a + "/" + g),
                Combinators.combine(alias, group, key).as((a, g, k) -> "/admin/failures/" + a + "/" + g + "/" + k),
                Combinators.combine(alias, group).as((a, g) -> "/admin/failures/" + a + "/" + g + "/replay"),
                segment().list().ofMaxSize(6).map(parts -> "/admin/" + String.join("/", parts)));
        Arbitrary<String> query = Arbitraries.oneOf(Arbitraries.just(""), parameter().list().ofMinSize(1).ofMaxSize(4)
                .map(parts -> "?" + String.join("&", parts)));
        Arbitrary<String> method = Arbitraries.of("GET", "GET", "GET", "POST", "DELETE", "PUT", "PATCH");
        Arbitrary<String> apiKey = Arbitraries.of(ADMIN_KEY, ADMIN_KEY, ADMIN_KEY, ADMIN_KEY, API_KEY, "wrong").injectNull(0.05);
        Arbitrary<String> body = Arbitraries.oneOf(Arbitraries.of("{\"reason\":\"generated\"}", "{\"reason\":1}", "[]", "{",
                ""), Arbitraries.strings().all().ofMaxLength(30)).injectNull(0.3);
        return Combinators.combine(method, path, query, apiKey, body).as((m, p, q, k, b) -> new Request(m, p + q, k, b));
    }

    /** A path segment: percent-encoded text of any kind, odd characters left raw, broken escapes. */
    private static Arbitrary<String> segment() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40).map(AdminApiProperties::percentEncoded),
                Arbitraries.strings().withChars("abc019-_.~!$&'()*+,;=:@%").ofMinLength(1).ofMaxLength(20),
                Arbitraries.of("%", "%zz", "%C3%28", "%00", "%0A", "%1B%5B31m", "%2F", "%252F", "..", ".", "%FF%FE",
                        "%ED%A0%80", "a".repeat(300), "%F0%9F%98%80"));
    }

    private static Arbitrary<String> parameter() {
        Arbitrary<String> name = Arbitraries.oneOf(Arbitraries.of("queue", "group", "class", "status", "from", "to", "limit",
                "cursor", "x", "", "limit%00", "%zz"), Arbitraries.strings().alpha().ofMaxLength(8));
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("", "queue-1", "g1", "-", "BUSINESS", "business", "OPEN", "ALL", "2026-12-01T10:00:00Z",
                        "+1000000000-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z", "1", "0", "500", "501", "-1",
                        "2147483648", "1e3", "%zz", "%", "+", "eyJ9", "eyJwayI6IngifQ", "e30", "%00"),
                Arbitraries.strings().all().ofMaxLength(60).map(AdminApiProperties::percentEncoded),
                Arbitraries.strings().withChars("abcXYZ019+/=_-%").ofMaxLength(80));
        return Combinators.combine(name, value, Arbitraries.of(true, true, true, false))
                .as((n, v, withValue) -> withValue ? n + "=" + v : n);
    }

    private static String percentEncoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // --- a client that sends the target as it is --------------------------------------------------------------------

    private Answer send(Request request) {
        byte[] body = request.body() == null ? new byte[0] : request.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(request.method()).append(' ').append(request.target()).append(" HTTP/1.0\r\n")
                .append("Host: 127.0.0.1\r\nConnection: close\r\n");
        if (request.apiKey() != null) {
            head.append("X-API-Key: ").append(request.apiKey()).append("\r\n");
        }
        if (request.body() != null) {
            head.append("Content-Type: application/json\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        try (Socket socket = new Socket("127.0.0.1", serverPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            int end = text.indexOf("\r\n\r\n");
            String headers = end < 0 ? text : text.substring(0, end);
            String contentType = headers.lines().filter(line -> line.toLowerCase().startsWith("content-type:"))
                    .map(line -> line.substring("content-type:".length()).trim()).findFirst().orElse("");
            return new Answer(status, contentType, end < 0 ? "" : text.substring(end + 4));
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(request.method() + " " + request.target() + " got no answer", e);
        }
    }
}
