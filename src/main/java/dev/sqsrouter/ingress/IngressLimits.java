package dev.sqsrouter.ingress;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import dev.sqsrouter.config.IngressKeys.Producer;
import dev.sqsrouter.http.ApiKeys;
import dev.sqsrouter.http.HttpApiException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;

/**
 * Each ingress key's limits, checked after the key: the queues it may post to (403 {@code queue_not_allowed}
 * elsewhere) and its rate and burst (429 {@code rate_limited} with Retry-After past them), in a token bucket per key,
 * or per key and queue. Each key's buckets are its own: nothing is shared between keys on a request's path, and a
 * key without a rate costs a map lookup.
 */
public class IngressLimits {

    static final String REFUSED = "sqsrouter.ingress.refused";
    static final String TOKENS = "sqsrouter.ingress.tokens";
    /** The queue tag of a bucket a key uses for every queue. */
    static final String ANY_QUEUE = "*";

    private final Map<String, KeyLimits> byName = new HashMap<>();

    /** The limits of these keys on these aliases (every alias the ingress serves). */
    public IngressLimits(List<Producer> producers, List<String> aliases) {
        long now = System.nanoTime();
        for (Producer producer : producers) {
            for (String alias : producer.queues()) {
                if (!aliases.contains(alias)) {
                    throw new IllegalArgumentException("ingress.keys." + producer.name() + ".queues names " + alias
                            + ", which the ingress does not serve: the aliases are " + String.join(", ", aliases));
                }
            }
            byName.put(producer.name(), new KeyLimits(producer, aliases, now));
        }
    }

    /**
     * Lets the request through when its key may post to the addressed queue and has a token left.
     *
     * @throws HttpApiException 403 for a queue the key may not post to, 429 past its rate and burst
     */
    public void admit(Exchange exchange) {
        ApiKeys.Holder holder = exchange.getProperty(ApiKeys.HOLDER, ApiKeys.Holder.class);
        String alias = exchange.getProperty(IngressGate.ALIAS, String.class);
        KeyLimits limits = holder == null ? null : byName.get(holder.name());
        if (limits == null) {
            throw new IllegalStateException("the ingress key was not checked before its limits");
        }
        Producer producer = limits.producer;
        if (!producer.mayPostTo(alias)) {
            limits.notAllowed.get(alias).increment();
            throw new HttpApiException(403, "queue_not_allowed", "the key " + producer.name() + " may not post to /" + alias
                    + ": it may post to " + String.join(", ", producer.queues().stream().map(q -> "/" + q).toList()));
        }
        if (!producer.limited()) {
            return;
        }
        long wait = limits.bucket(alias).take(System.nanoTime());
        if (wait > 0) {
            limits.limited.get(alias).increment();
            long seconds = TokenBucket.retryAfterSeconds(wait);
            throw new HttpApiException(429, "rate_limited", "the key " + producer.name() + " is over its limit of "
                    + producer.rate() + " requests a second (burst " + producer.burst() + ")"
                    + (producer.perQueue() ? " on /" + alias : "") + ": send again in " + seconds + " s",
                    Map.of("Retry-After", Long.toString(seconds)), null);
        }
    }

    /**
     * {@value #REFUSED} (tags key, queue, reason = rate_limited | queue_not_allowed) for the refusals a key can get,
     * and {@value #TOKENS} (tags key, queue: the alias, or {@value #ANY_QUEUE} for a bucket of every queue) per bucket.
     */
    public void register(MeterRegistry registry) {
        for (KeyLimits limits : byName.values()) {
            String name = limits.producer.name();
            limits.limited.forEach((alias, count) -> refused(registry, name, alias, "rate_limited", count));
            limits.notAllowed.forEach((alias, count) -> refused(registry, name, alias, "queue_not_allowed", count));
            limits.buckets.forEach((queue, bucket) -> Gauge.builder(TOKENS, bucket, b -> b.tokens(System.nanoTime()))
                    .description("Requests an ingress key may send at once now (its token bucket)")
                    .tags("key", name, "queue", queue).register(registry));
        }
    }

    private static void refused(MeterRegistry registry, String key, String alias, String reason, LongAdder count) {
        FunctionCounter.builder(REFUSED, count, LongAdder::sum)
                .description("Ingress requests refused by the key's limits: past its rate (429) or to a queue it may not post to (403)")
                .tags("key", key, "queue", alias, "reason", reason).register(registry);
    }

    /** One key's buckets and refusal counts, all made at start: nothing is created on a request's path. */
    private static final class KeyLimits {

        private final Producer producer;
        /** Alias, or {@link #ANY_QUEUE}, to bucket. */
        private final Map<String, TokenBucket> buckets = new HashMap<>();
        private final Map<String, LongAdder> limited = new HashMap<>();
        private final Map<String, LongAdder> notAllowed = new HashMap<>();

        KeyLimits(Producer producer, List<String> aliases, long now) {
            this.producer = producer;
            for (String alias : aliases) {
                if (!producer.mayPostTo(alias)) {
                    notAllowed.put(alias, new LongAdder());
                } else if (producer.limited()) {
                    limited.put(alias, new LongAdder());
                    if (producer.perQueue()) {
                        buckets.put(alias, new TokenBucket(producer.rate(), producer.burst(), now));
                    }
                }
            }
            if (producer.limited() && !producer.perQueue()) {
                buckets.put(ANY_QUEUE, new TokenBucket(producer.rate(), producer.burst(), now));
            }
        }

        TokenBucket bucket(String alias) {
            return producer.perQueue() ? buckets.get(alias) : buckets.get(ANY_QUEUE);
        }
    }
}
