package dev.sqsrouter.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.camel.spi.PropertiesComponent;

/**
 * The ingress's keys, read once: the named ones, a block each ({@code ingress.keys.<name>.key}, {@code .rate},
 * {@code .burst}, {@code .queues}, {@code .per-queue}), then the unnamed ones of {@code ingress.api-keys}, which take
 * the flow's defaults ({@code ingress.rate}, {@code ingress.burst}, {@code ingress.per-queue}).
 */
public final class IngressKeys {

    public static final String PREFIX = "ingress.keys";
    /** Where the flow's defaults live: ingress.rate, ingress.burst, ingress.per-queue. */
    static final String DEFAULTS = "ingress";
    static final Set<String> SETTINGS = new LinkedHashSet<>(List.of("key", "rate", "burst", "queues", "per-queue"));
    private static final String NAME = "[a-z0-9][a-z0-9_-]{0,63}";

    /**
     * One producer's key and limits.
     *
     * @param name     the block's name, or {@code api-keys#<n>} for the n-th key of ingress.api-keys: what metrics,
     *                 logs and limits call the key
     * @param identity what scopes the producer's deduplication ids: {@code name:<name>}, or for an unnamed key the
     *                 SHA-256 of the key ({@code sha256:<hex>}); never the key itself
     * @param key      the secret presented in X-API-Key
     * @param rate     requests per second allowed on average; 0 = no limit
     * @param burst    requests allowed at once, on top of the rate (at least 1)
     * @param queues   the aliases the key may post to; empty = every alias
     * @param perQueue each alias has a bucket of its own (rate and burst per queue), else one bucket for all
     */
    public record Producer(String name, String identity, String key, double rate, int burst, List<String> queues,
            boolean perQueue) {

        public boolean limited() {
            return rate > 0;
        }

        public boolean mayPostTo(String alias) {
            return queues.isEmpty() || queues.contains(alias);
        }
    }

    private IngressKeys() {
    }

    /** Every ingress key, the named first in name order; empty when none is configured. */
    public static List<Producer> read(PropertiesComponent properties) {
        List<Producer> producers = new ArrayList<>();
        QueueBlocks blocks = QueueBlocks.read(properties, PREFIX, SETTINGS, "an ingress key");
        for (String name : blocks.names()) {
            if (!name.matches(NAME)) {
                throw new IllegalArgumentException(PREFIX + "." + name + ": a key's name is 1-64 lower-case letters, digits,"
                        + " '-' and '_', starting with a letter or digit (it is a metric tag)");
            }
            String key = blocks.required(name, "key", "the key's secret, from the environment, e.g. {{env:INGRESS_KEY_"
                    + name.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "}}");
            producers.add(producer(blocks, name, "name:" + name, key, name));
        }
        String unnamed = properties.resolveProperty("ingress.api-keys").orElse("");
        int n = 0;
        for (String key : QueueBlocks.list(unnamed)) {
            n++;
            producers.add(producer(blocks, null, "sha256:" + sha256Hex(key), key, "api-keys#" + n));
        }
        return producers;
    }

    private static Producer producer(QueueBlocks blocks, String block, String identity, String key, String name) {
        String where = block == null ? DEFAULTS : PREFIX + "." + block;
        double rate = number(setting(blocks, block, "rate", "0"), where + ".rate");
        if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException(where + ".rate=" + rate + ": requests per second, 0 (no limit) or more");
        }
        int burst;
        try {
            burst = Integer.parseInt(setting(blocks, block, "burst", "0"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ".burst=" + setting(blocks, block, "burst", "0") + " is not a whole number");
        }
        if (burst < 0) {
            throw new IllegalArgumentException(where + ".burst=" + burst + ": requests at once, 0 (one second's worth) or more");
        }
        if (burst == 0) {
            burst = (int) Math.max(1, Math.ceil(rate));
        }
        List<String> queues = block == null ? List.of() : blocks.own(block, "queues").map(QueueBlocks::list).orElse(List.of());
        boolean perQueue = Boolean.parseBoolean(setting(blocks, block, "per-queue", "false"));
        return new Producer(name, identity, key, rate, burst, queues, perQueue);
    }

    private static String setting(QueueBlocks blocks, String block, String setting, String fallback) {
        if (block == null) {
            return blocks.value("", setting, DEFAULTS, fallback);
        }
        return blocks.value(block, setting, DEFAULTS, fallback);
    }

    private static double number(String value, String key) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + value + " is not a number");
        }
    }

    private static String sha256Hex(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
