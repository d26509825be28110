package dev.sqsrouter.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.apache.camel.Exchange;

/**
 * A set of API keys presented in the X-API-Key header: the ingress's (ingress.api-keys) and, separately, the admin
 * API's (admin.api-keys), so that a producer's key opens nothing of the admin API. Keys are compared as
 * SHA-256 digests with {@link MessageDigest#isEqual}, against every key, so that the time taken tells nothing about
 * a key's content or length, nor which key matched. Each key has a {@link Holder}, which a checked request carries
 * in the exchange property {@value #HOLDER}.
 */
public final class ApiKeys {

    public static final String HEADER = "X-API-Key";
    /** Exchange property: the {@link Holder} of the key the request presented, once {@link #check(Exchange)} passed. */
    public static final String HOLDER = "sqsrouter.api-key.holder";

    /**
     * Who holds a key: its name (in metrics, logs and limits) and its identity (what scopes what the holder sends);
     * neither is the key.
     */
    public record Holder(String name, String identity) {
    }

    /** A key and its holder. */
    public record Entry(Holder holder, String key) {
    }

    private final List<byte[]> digests;
    private final List<Holder> holders;
    /** What these keys open, as the refusals name it ("API key", "admin API key"). */
    private final String kind;

    private ApiKeys(List<byte[]> digests, List<Holder> holders, String kind) {
        this.digests = digests;
        this.holders = holders;
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
        List<String> keys = Arrays.stream(commaSeparated == null ? new String[0] : commaSeparated.split(","))
                .map(String::trim).filter(key -> !key.isEmpty()).distinct().toList();
        List<Entry> entries = new ArrayList<>();
        for (String key : keys) {
            entries.add(new Entry(new Holder("#" + (entries.size() + 1), "sha256:" + HexFormat.of().formatHex(digest(key))), key));
        }
        return of(entries, configuredBy, kind, api);
    }

    /**
     * Keys with their holders.
     *
     * @throws IllegalArgumentException when there is no key (the API must not run open), or one key has two holders
     */
    public static ApiKeys of(List<Entry> entries, String configuredBy, String kind, String api) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("no " + kind + " is configured, so " + api + " will not start: set "
                    + configuredBy + " to one or more comma-separated keys");
        }
        List<byte[]> digests = new ArrayList<>();
        List<Holder> holders = new ArrayList<>();
        for (Entry entry : entries) {
            byte[] digest = digest(entry.key());
            for (int i = 0; i < digests.size(); i++) {
                if (MessageDigest.isEqual(digests.get(i), digest)) {
                    // the names in order: the message is the same whatever order the configuration was read in
                    String first = holders.get(i).name();
                    String second = entry.holder().name();
                    throw new IllegalArgumentException("one " + kind + " is configured twice, for "
                            + (first.compareTo(second) <= 0 ? first + " and " + second : second + " and " + first)
                            + ": give each its own key");
                }
            }
            digests.add(digest);
            holders.add(entry.holder());
        }
        return new ApiKeys(List.copyOf(digests), List.copyOf(holders), kind);
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
        return holderOf(presented) != null;
    }

    /** The holder of the key, or null when it is not one of the configured keys. */
    public Holder holderOf(String presented) {
        if (presented == null) {
            return null;
        }
        byte[] digest = digest(presented);
        int found = 0;
        for (int i = 0; i < digests.size(); i++) {
            // no early exit: every key is compared whatever matched
            found += (MessageDigest.isEqual(digests.get(i), digest) ? 1 : 0) * (i + 1);
        }
        return found == 0 ? null : holders.get(found - 1);
    }

    /**
     * Lets the request through when its X-API-Key is a configured key, noting the key's holder in {@value #HOLDER}.
     *
     * @throws HttpApiException 401 when the header is missing, 403 when the key is wrong
     */
    public void check(Exchange exchange) {
        String presented = HttpCall.of(exchange).header(HEADER);
        if (presented == null || presented.isBlank()) {
            throw new HttpApiException(401, "missing_api_key", "send your " + kind + " in the " + HEADER + " header");
        }
        Holder holder = holderOf(presented);
        if (holder == null) {
            throw new HttpApiException(403, "invalid_api_key", "the " + HEADER + " header does not hold a valid " + kind);
        }
        exchange.setProperty(HOLDER, holder);
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
