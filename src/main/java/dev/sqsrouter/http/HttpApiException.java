package dev.sqsrouter.http;

import java.util.Map;

/**
 * A request the HTTP API refuses: answered as {@code {"error": code, "message": what to fix}} with the status, and
 * nothing done.
 */
public class HttpApiException extends RuntimeException {

    private final int status;
    private final String error;
    private final transient Map<String, String> headers;

    public HttpApiException(int status, String error, String message) {
        this(status, error, message, Map.of(), null);
    }

    public HttpApiException(int status, String error, String message, Map<String, String> headers, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.error = error;
        this.headers = Map.copyOf(headers);
    }

    /** 405 with the Allow header. */
    public static HttpApiException methodNotAllowed(String method, String allowed, String resource) {
        return new HttpApiException(405, "method_not_allowed",
                method + " is not allowed on " + resource + ": use " + allowed, Map.of("Allow", allowed), null);
    }

    public int status() {
        return status;
    }

    /** The machine-readable code, e.g. missing_api_key. */
    public String error() {
        return error;
    }

    /** Response headers the answer needs (Allow on a 405). */
    public Map<String, String> headers() {
        return headers;
    }
}
