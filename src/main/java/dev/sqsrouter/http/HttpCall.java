package dev.sqsrouter.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * One HTTP request as the API reads it: the method, the path as decoded segments, and the request's own headers.
 *
 * @param segments     the path split on '/', each segment percent-decoded ('+' stays '+')
 * @param headerValues every value a request header was sent with, by case-insensitive name
 */
public record HttpCall(String method, List<String> segments, Function<String, List<String>> headerValues) {

    /**
     * Reads the call from a platform-http exchange. Method and path come from the engine's Camel headers (Camel*
     * headers from outside are filtered); request headers are read from the HTTP request itself, because Camel's
     * message headers also hold query parameters and form fields, so "?X-API-Key=..." would pass for the header.
     */
    public static HttpCall of(Exchange exchange) {
        Message in = exchange.getIn();
        String method = in.getHeader(Exchange.HTTP_METHOD, "", String.class);
        List<String> segments = segments(in.getHeader(Exchange.HTTP_PATH, "/", String.class));
        if (in instanceof HttpMessage http && http.getRequest() != null) {
            return new HttpCall(method, segments, http.getRequest().headers()::getAll);
        }
        return new HttpCall(method, segments, name -> values(in.getHeader(name)));
    }

    /**
     * The value of a request header, or null when it was not sent.
     *
     * @throws HttpApiException 400 when it was sent more than once
     */
    public String header(String name) {
        List<String> values = headerValues.apply(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new HttpApiException(400, "repeated_header",
                    "the " + name + " header was sent " + values.size() + " times: send it once");
        }
        return values.get(0);
    }

    static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty()) {
            return segments;
        }
        for (String segment : trimmed.split("/", -1)) {
            segments.add(percentDecode(segment));
        }
        return segments;
    }

    /** RFC 3986 decoding: unlike URLDecoder (form decoding), '+' is a plus, not a space. */
    static String percentDecode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                int value = i + 2 < segment.length() ? hex(segment.charAt(i + 1)) * 16 + hex(segment.charAt(i + 2)) : -1;
                if (value < 0) {
                    throw new HttpApiException(400, "invalid_path", "the path has a '%' that is not followed by two hex digits");
                }
                bytes.write(value);
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new HttpApiException(400, "invalid_path", "the path is not percent-encoded UTF-8");
        }
    }

    private static int hex(char c) {
        int digit = Character.digit(c, 16);
        return digit < 0 ? -1024 : digit;
    }

    private static List<String> values(Object header) {
        if (header == null) {
            return List.of();
        }
        if (header instanceof Collection<?> many) {
            return many.stream().map(String::valueOf).toList();
        }
        return List.of(header.toString());
    }
}
