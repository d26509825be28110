package dev.sqsrouter.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The queues the ingress serves: each relay queue's alias is a path ({@code POST /queue-1}) that sends to its queue. */
public final class QueueAliases {

    private final Map<String, String> queues;

    QueueAliases(RelayTopology relay) {
        Map<String, String> queues = new LinkedHashMap<>();
        relay.queues().forEach(q -> queues.put(q.alias(), q.queue()));
        this.queues = Collections.unmodifiableMap(queues);
    }

    public Optional<String> queueOf(String alias) {
        return Optional.ofNullable(queues.get(alias));
    }

    /** Alias to queue, in configuration order. */
    public Map<String, String> queues() {
        return queues;
    }
}
