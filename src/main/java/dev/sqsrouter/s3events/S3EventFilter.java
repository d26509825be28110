package dev.sqsrouter.s3events;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which records one queue's processor sees: event name, bucket, key prefix and key suffix, all case-insensitive.
 * The bucket's notification configuration filters the same way; this repeats it as defence in depth, for events
 * that reach the queue some other way (a broader subscription, a replay, a hand-sent message).
 * <p>
 * Events are names like ObjectCreated:Put; ObjectCreated:* matches every ObjectCreated event. Lists take commas or
 * spaces. An empty setting matches everything.
 */
public class S3EventFilter {

    private static final Logger LOG = LoggerFactory.getLogger(S3EventFilter.class);
    private static final String WILDCARD = "*";

    private String bucket = "";
    private List<String> events = List.of();
    private String prefix = "";
    private List<String> suffixes = List.of();

    public S3EventFilter() {
    }

    public S3EventFilter(String bucket, String events, String prefix, String suffixes) {
        setBucket(bucket);
        setEvents(events);
        setPrefix(prefix);
        setSuffixes(suffixes);
    }

    /** True if the queue's processor should see this record. */
    public boolean accepts(S3EventRecord record) {
        String skipped = whySkipped(record);
        if (skipped != null) {
            LOG.debug("skipped {} ({}): {}", record.location(), record.eventName(), skipped);
            return false;
        }
        return true;
    }

    /** Why the record is filtered out, or null if it is not. */
    String whySkipped(S3EventRecord record) {
        if (!bucket.isEmpty() && !bucket.equalsIgnoreCase(record.bucket())) {
            return "bucket is not " + bucket;
        }
        if (!events.isEmpty() && events.stream().noneMatch(event -> matchesEvent(event, record.eventName()))) {
            return "event is not one of " + events;
        }
        String key = record.key().toLowerCase(Locale.ROOT);
        if (!key.startsWith(prefix)) {
            return "key does not start with " + prefix;
        }
        if (!suffixes.isEmpty() && suffixes.stream().noneMatch(key::endsWith)) {
            return "key does not end with one of " + suffixes;
        }
        return null;
    }

    private static boolean matchesEvent(String configured, String eventName) {
        String name = eventName.toLowerCase(Locale.ROOT);
        if (configured.endsWith(WILDCARD)) {
            return name.startsWith(configured.substring(0, configured.length() - WILDCARD.length()));
        }
        return name.equals(configured);
    }

    public void setBucket(String bucket) {
        this.bucket = bucket == null ? "" : bucket.trim();
    }

    public void setEvents(String events) {
        this.events = split(events).stream().map(S3EventParser::normaliseEventName).map(e -> e.toLowerCase(Locale.ROOT))
                .toList();
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix == null ? "" : prefix.trim().toLowerCase(Locale.ROOT);
    }

    public void setSuffixes(String suffixes) {
        this.suffixes = split(suffixes).stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    private static List<String> split(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return Arrays.stream(list.trim().split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
    }

    @Override
    public String toString() {
        return "S3EventFilter[bucket=" + bucket + ", events=" + events + ", prefix=" + prefix + ", suffixes=" + suffixes + "]";
    }
}
