package dev.sqsrouter.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

import org.apache.camel.Exchange;

/**
 * A set of API keys presented in the X-API-Key header: the ingress's (ingress.api-keys) and, separately, the admin
 * API's (admin.api-keys), so that a producer's key opens nothing of the admin API. Keys are compared as
 * SHA-256 digests with {@link MessageDigest#isEqual}, against every key, so that the time taken tells nothing about
 * a key's content or length, nor which key matched.
 */
public final class ApiKeys {

    public static final String HEADER = "X-API-Key";

    private final List<byte[]> digests;
    /** What these keys open, as the refusals name it ("API key", "admin API key"). */
    private final String kind;

    private ApiKeys(List<byte[]> digests, String kind) {
        this.digests = digests;
        this.kind = kind;
    }

    /**
     * Keys from a comma-separated list (blanks around each key are ignored).
     *
     * @throws IllegalArgumentException when the list holds no key: the API must not run open
     */
    public static ApiKeys parse(String commaSeparated, String configuredBy) {
        return parse(commaSeparated, configuredBy, "API key", "the ingress and admin API");
    }

    /**
     * Keys of one kind ("admin API key") for one API ("the admin API"), from a comma-separated list.
     *
     * @throws IllegalArgumentException when the list holds no key: the API must not run open
     */
    public static ApiKeys parse(String commaSeparated, String configuredBy, String kind, String api) {
        List<byte[]> digests = Arrays.stream(commaSeparated == null ? new String[0] : commaSeparated.split(","))
                .map(String::trim).filter(key -> !key.isEmpty()).map(ApiKeys::digest).toList();
        if (digests.isEmpty()) {
            throw new IllegalArgumentException("no " + kind + " is configured, so " + api + " will not start: set "
                    + configuredBy + " to one or more comma-separated keys");
        }
        return new ApiKeys(digests, kind);
    }

    public int size() {
        return digests.size();
    }

    /** True if some key is in both sets (which would let one key open both APIs). */
    public boolean sharesAKeyWith(ApiKeys other) {
        boolean shared = false;
        for (byte[] key : other.digests) {
            for (byte[] own : digests) {
                shared |= MessageDigest.isEqual(key, own);
            }
        }
        return shared;
    }

    /** True if the key is one of the configured keys. */
    public boolean accepts(String presented) {
        if (presented == null) {
            return false;
        }
        byte[] digest = digest(presented);
        boolean match = false;
        for (byte[] key : digests) {
            // no early exit: every key is compared whatever the outcome
            match |= MessageDigest.isEqual(key, digest);
        }
        return match;
    }

    /**
     * Lets the request through when its X-API-Key is a configured key.
     *
     * @throws HttpApiException 401 when the header is missing, 403 when the key is wrong
     */
    public void check(Exchange exchange) {
        String presented = HttpCall.of(exchange).header(HEADER);
        if (presented == null || presented.isBlank()) {
            throw new HttpApiException(401, "missing_api_key", "send your " + kind + " in the " + HEADER + " header");
        }
        if (!accepts(presented)) {
            throw new HttpApiException(403, "invalid_api_key", "the " + HEADER + " header does not hold a valid " + kind);
        }
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
