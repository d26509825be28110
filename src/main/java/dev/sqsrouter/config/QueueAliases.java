package dev.sqsrouter.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.spi.PropertiesComponent;

/**
 * The queues the ingress serves: each alias in {@code relay.aliases} is a path ({@code POST /queue-1}) and sends to
 * the queue {@code relay.<alias>.queue} (FIFO in the relay's design; a standard queue works too).
 */
public final class QueueAliases {

    /** The first path segment the admin API takes; no alias may have it. */
    static final String RESERVED = "admin";

    private final Map<String, String> queues;

    QueueAliases(Map<String, String> queues) {
        this.queues = Collections.unmodifiableMap(new LinkedHashMap<>(queues));
    }

    /** Reads the aliases, failing fast on configuration that cannot work. */
    public static QueueAliases from(PropertiesComponent properties) {
        Map<String, String> queues = new LinkedHashMap<>();
        for (String alias : properties.resolveProperty("relay.aliases").orElse("").split(",")) {
            alias = alias.trim();
            if (alias.isEmpty()) {
                continue;
            }
            if (alias.equals(RESERVED) || !alias.matches("[A-Za-z0-9._~-]+")) {
                throw new IllegalArgumentException("relay.aliases: '" + alias + "' cannot be an ingress path: use letters,"
                        + " digits and . _ ~ - only, and not '" + RESERVED + "' (the admin API's path)");
            }
            String key = "relay." + alias + ".queue";
            String queue = properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty())
                    .orElseThrow(() -> new IllegalArgumentException("missing configuration: " + key
                            + " (the queue that POST /" + key.substring(6, key.length() - 6) + " sends to)"));
            queues.put(alias, queue);
        }
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("relay.aliases is empty: name at least one queue alias (e.g. queue-1)");
        }
        return new QueueAliases(queues);
    }

    public Optional<String> queueOf(String alias) {
        return Optional.ofNullable(queues.get(alias));
    }

    /** Alias to queue, in configuration order. */
    public Map<String, String> queues() {
        return queues;
    }
}
