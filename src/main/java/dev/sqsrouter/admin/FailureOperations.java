package dev.sqsrouter.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqsrouter.config.RelayTopology;
import dev.sqsrouter.config.Topology;
import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureFilter;
import dev.sqsrouter.failure.FailurePage;
import dev.sqsrouter.failure.FailureQueries;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.failure.FailureRecords;
import dev.sqsrouter.failure.FailureStatus;
import dev.sqsrouter.failure.FailureStore;
import dev.sqsrouter.failure.FailureSummary;
import dev.sqsrouter.failure.InvalidCursorException;
import dev.sqsrouter.failure.StoredFailure;
import dev.sqsrouter.http.HttpApiException;
import dev.sqsrouter.sqs.SqsIds;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * What an administrator does with the failure store, once for both surfaces: the admin REST API ({@link AdminApi})
 * and the failures command ({@link FailuresCommand}). Inputs arrive as text and are checked here; answers are the REST
 * API's JSON as maps. A refusal is an {@link HttpApiException} whose status says what kind (400 bad input, 404 not
 * found, 409 not OPEN, 503 the store or queue did not answer); the command turns it into an exit code.
 * Queues are named by alias: a relay alias, or an S3 event queue's name (whose records have the group "-").
 */
public class FailureOperations {

    /** Records per page unless a limit is given. */
    public static final int DEFAULT_LIMIT = 50;
    /** Characters of the reason a summary shows. */
    public static final int SUMMARY_REASON_CHARS = 300;
    /** Characters of a discard reason kept. */
    public static final int MAX_DISCARD_REASON_CHARS = 1000;

    /**
     * The byte budget of one group page by default (admin.page-max-bytes): 1.25 MiB, room for one record of the largest
     * SQS message (1 MiB) with its answer and reason.
     */
    public static final int DEFAULT_PAGE_MAX_BYTES = 1_310_720;
    /** The smallest budget accepted: a page of short records, with previews, and its cursor must fit. */
    public static final int MIN_PAGE_MAX_BYTES = 16_384;
    /** What a group page's head, cursor and brackets may take besides its records. */
    private static final int PAGE_FRAME_BYTES = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Topology topology;
    private final FailureStore store;
    private final FailureReplay replay;
    private final Clock clock;
    private final int pageMaxBytes;

    public FailureOperations(Topology topology, FailureStore store, FailureReplay replay, Clock clock) {
        this(topology, store, replay, clock, DEFAULT_PAGE_MAX_BYTES);
    }

    /** With a byte budget per group page: bodies beyond it come as their size, a preview and the record's link. */
    public FailureOperations(Topology topology, FailureStore store, FailureReplay replay, Clock clock, int pageMaxBytes) {
        if (pageMaxBytes < MIN_PAGE_MAX_BYTES) {
            throw new IllegalArgumentException("admin.page-max-bytes must be at least " + MIN_PAGE_MAX_BYTES + ", not " + pageMaxBytes);
        }
        this.topology = topology;
        this.store = store;
        this.replay = replay;
        this.clock = clock;
        this.pageMaxBytes = pageMaxBytes;
    }

    /** The filters of a listing as given (any may be null). */
    public record ListRequest(String queue, String group, String failureClass, String status, String from, String to,
            String limit, String cursor) {
    }

    /** GET /admin/failures: {"records": [summary...], "next": cursor|null}, newest first. */
    public Map<String, Object> list(ListRequest request) {
        FailureFilter filter = filter(request);
        int limit = limit(request.limit());
        FailurePage<FailureSummary> page = store(() -> cursor(() -> store.list(filter, blankToNull(request.cursor()), limit)));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("records", page.records().stream().map(this::summary).toList());
        answer.put("next", page.next());
        return answer;
    }

    /** GET /admin/failures/counts: the records of a status per queue alias and class. */
    public Map<String, Object> counts(String status) {
        FailureStatus counted = status == null || status.isBlank() ? FailureStatus.OPEN : oneStatus(status);
        Map<String, Map<String, Long>> byQueue = store(() -> store.counts(counted));
        Map<String, Object> queues = new TreeMap<>();
        long total = 0;
        for (Map.Entry<String, Map<String, Long>> queue : byQueue.entrySet()) {
            long queueTotal = queue.getValue().values().stream().mapToLong(Long::longValue).sum();
            total += queueTotal;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("total", queueTotal);
            entry.put("classes", new TreeMap<>(queue.getValue()));
            queues.put(aliasOf(queue.getKey()), entry);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", counted.name());
        answer.put("total", total);
        answer.put("queues", queues);
        return answer;
    }

    /** GET /admin/failures/&lt;alias&gt;/&lt;group&gt;: one page of the group's records in order, in full. */
    public Map<String, Object> group(String alias, String group, String limit, String cursor) {
        String queue = queueOf(alias);
        String checkedGroup = group(group);
        int pageSize = limit(limit);
        FailurePage<StoredFailure> page = store(() -> cursor(() -> store.group(queue, storedGroup(checkedGroup),
                blankToNull(cursor), pageSize)));
        return store(() -> withinBudget(alias, queue, checkedGroup, page));
    }

    /**
     * A group page within the byte budget: first every record with its body left out (size, preview, link), as many
     * as fit (the page ends early, its cursor after the last); then, in order, each body whole where it still fits.
     * A body in S3 is read only then, one at a time, so that a page of large bodies is never held at once.
     */
    private Map<String, Object> withinBudget(String alias, String queue, String group, FailurePage<StoredFailure> page) {
        List<StoredFailure> entries = page.records();
        List<Map<String, Object>> records = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        long used = PAGE_FRAME_BYTES;
        for (StoredFailure entry : entries) {
            Map<String, Object> json = withoutBody(alias, entry);
            long size = bytes(json) + 1;
            if (used + size > pageMaxBytes && !records.isEmpty()) {
                break;
            }
            used += size;
            records.add(json);
            sizes.add(size);
        }
        String next = records.size() < entries.size()
                ? FailureQueries.groupCursor(queue, storedGroup(group), entries.get(records.size() - 1).sortKey()) : page.next();
        for (int i = 0; i < records.size(); i++) {
            if (!records.get(i).containsKey("bodyOmitted")) {
                continue;
            }
            StoredFailure entry = entries.get(i);
            Integer known = bodyBytes(entry);
            if (known != null && used - sizes.get(i) + known > pageMaxBytes) {
                // cannot fit whatever its escaping: not read at all
                continue;
            }
            Map<String, Object> whole = record(alias, store.body(entry));
            long size = bytes(whole) + 1;
            if (used - sizes.get(i) + size <= pageMaxBytes) {
                used += size - sizes.get(i);
                records.set(i, whole);
                sizes.set(i, size);
            }
        }
        Map<String, Object> answer = head(alias, queue, group);
        answer.put("records", records);
        answer.put("next", next);
        return answer;
    }

    /** A record whose body is left out: its size, a preview and the link that shows it whole; as it is if it has none. */
    private static Map<String, Object> withoutBody(String alias, StoredFailure entry) {
        Map<String, Object> json = record(alias, entry);
        Integer bytes = bodyBytes(entry);
        if (bytes == null) {
            return json;
        }
        json.put("body", null);
        json.put("bodyBytes", bytes);
        json.put("bodyPreview", entry.record().body() != null ? FailureRecords.preview(entry.record().body()) : entry.body().preview());
        json.put("bodyOmitted", "the body is beyond this page's byte budget (admin.page-max-bytes): GET "
                + link(alias, json.get("group").toString(), entry.sortKey()) + " shows it whole");
        return json;
    }

    /** The body's UTF-8 bytes when the record has one: counted, or as the item says for a body in S3. */
    private static Integer bodyBytes(StoredFailure entry) {
        if (entry.record().body() != null) {
            return entry.record().body().getBytes(StandardCharsets.UTF_8).length;
        }
        return entry.bodyRef() != null ? entry.body().bytes() : null;
    }

    /** The UTF-8 bytes of the JSON text the API sends for this value (as text: a character pair stays 4 bytes). */
    private static long bytes(Object json) {
        long[] count = new long[1];
        OutputStream counter = new OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                count[0] += len;
            }
        };
        try (Writer writer = new OutputStreamWriter(counter, StandardCharsets.UTF_8)) {
            JSON.writeValue(writer, json);
        } catch (IOException e) {
            throw new IllegalStateException("a record that is not JSON", e);
        }
        return count[0];
    }

    /** GET /admin/failures/&lt;alias&gt;/&lt;group&gt;/&lt;key&gt;: one record in full. */
    public Map<String, Object> record(String alias, String group, String key) {
        String queue = queueOf(alias);
        String checkedGroup = group(group);
        String sortKey = FailureRecords.sortKeyOf(key(key));
        return store(() -> store.find(queue, storedGroup(checkedGroup), sortKey)).map(entry -> record(alias, entry))
                .orElseThrow(() -> unknownRecord(alias, queue, checkedGroup, key));
    }

    /** What a replay answered: the HTTP status (200, or 503 when the queue stopped it) and the JSON. */
    public record Outcome(int status, Map<String, Object> answer) {
    }

    /** POST /admin/failures/&lt;alias&gt;/&lt;group&gt;/replay: the group's OPEN records sent again, in order. */
    public Outcome replay(String alias, String group) {
        String queue = queueOf(alias);
        String checkedGroup = group(group);
        FailureReplay.Result result = store(() -> replay.replay(alias, queue, storedGroup(checkedGroup)));
        Map<String, Object> answer = new LinkedHashMap<>();
        if (result.failure() != null) {
            answer.put("error", "queue_unavailable");
            answer.put("message", result.failure());
        } else if (result.busy() != null) {
            answer.put("error", "replay_in_progress");
            answer.put("message", result.busy());
        }
        answer.putAll(head(alias, queue, checkedGroup));
        answer.put("replayed", result.replayed());
        answer.put("skipped", result.skipped());
        return new Outcome(result.failure() != null ? 503 : result.busy() != null ? 409 : 200, answer);
    }

    /** DELETE /admin/failures/&lt;alias&gt;/&lt;group&gt;/&lt;key&gt;: one OPEN record DISCARDED, with the reason. */
    public Map<String, Object> discard(String alias, String group, String key, String reason) {
        String queue = queueOf(alias);
        String checkedGroup = group(group);
        String sortKey = FailureRecords.sortKeyOf(key(key));
        if (reason == null || reason.isBlank()) {
            throw new HttpApiException(400, "missing_reason", "a discard needs a reason: send {\"reason\": \"why it is given up\"}");
        }
        if (reason.length() > MAX_DISCARD_REASON_CHARS) {
            throw new HttpApiException(400, "invalid_reason", "the reason has " + reason.length() + " characters: at most "
                    + MAX_DISCARD_REASON_CHARS);
        }
        String stored = storedGroup(checkedGroup);
        switch (store(() -> store.discard(queue, stored, sortKey, reason, Instant.now(clock)))) {
            case DONE -> {
                Map<String, Object> answer = head(alias, queue, checkedGroup);
                answer.put("discarded", store(() -> store.find(queue, stored, sortKey)).map(entry -> record(alias, entry)).orElse(null));
                return answer;
            }
            case NOT_FOUND -> throw unknownRecord(alias, queue, checkedGroup, key);
            default -> throw new HttpApiException(409, "not_open", "the record " + key + " of group " + checkedGroup + " is "
                    + store(() -> store.find(queue, stored, sortKey)).map(f -> f.status().name()).orElse("gone")
                    + " already; only OPEN records can be discarded");
        }
    }

    // --- inputs ---------------------------------------------------------------------------------------------------

    private FailureFilter filter(ListRequest request) {
        List<FailureStatus> statuses = request.status() == null || request.status().isBlank() ? List.of(FailureStatus.OPEN)
                : "ALL".equalsIgnoreCase(request.status().trim()) ? List.of(FailureStatus.values()) : List.of(oneStatus(request.status()));
        String queue = blankToNull(request.queue()) == null ? null : queueOf(request.queue().trim());
        String group = blankToNull(request.group()) == null ? null : group(request.group());
        FailureClass failureClass = null;
        if (blankToNull(request.failureClass()) != null) {
            try {
                failureClass = FailureClass.valueOf(request.failureClass().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new HttpApiException(400, "invalid_class", "class '" + request.failureClass() + "' is not a failure"
                        + " class: use one of " + List.of(FailureClass.values()));
            }
        }
        Instant from = instant("from", request.from());
        Instant to = instant("to", request.to());
        if (from != null && to != null && from.isAfter(to)) {
            throw new HttpApiException(400, "invalid_range", "from (" + from + ") is after to (" + to + "): swap them");
        }
        return new FailureFilter(statuses, queue, group, failureClass, from, to);
    }

    private static FailureStatus oneStatus(String status) {
        try {
            return FailureStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new HttpApiException(400, "invalid_status", "status '" + status + "' is not a status: use OPEN, REPLAYING,"
                    + " REPLAYED, DISCARDED or ALL");
        }
    }

    private static Instant instant(String name, String text) {
        if (blankToNull(text) == null) {
            return null;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new HttpApiException(400, "invalid_" + name, name + " '" + text + "' is not an ISO-8601 instant: write it"
                    + " like 2026-12-02T14:00:00Z");
        }
    }

    static int limit(String limit) {
        if (blankToNull(limit) == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit.trim());
            if (value >= 1 && value <= FailureQueries.MAX_PAGE) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new HttpApiException(400, "invalid_limit", "limit '" + limit + "' must be a whole number from 1 to "
                + FailureQueries.MAX_PAGE);
    }

    /** The SQS queue of an alias (relay alias or S3 event queue name). */
    String queueOf(String alias) {
        return topology.queueOf(alias).orElseThrow(() -> new HttpApiException(404, "unknown_queue", "no queue has the"
                + " alias '" + alias + "': use one of " + aliases()));
    }

    private List<String> aliases() {
        List<String> aliases = new java.util.ArrayList<>(topology.relay().queues().stream().map(RelayTopology.Queue::alias).toList());
        topology.s3Events().ifPresent(s3 -> s3.queues().forEach(q -> aliases.add(q.name())));
        return aliases;
    }

    /** The alias of an SQS queue, or the queue's name when the configuration no longer declares it. */
    String aliasOf(String queue) {
        for (String alias : aliases()) {
            if (topology.queueOf(alias).filter(queue::equals).isPresent()) {
                return alias;
            }
        }
        return queue;
    }

    private static String group(String group) {
        if ("-".equals(group)) {
            return group;
        }
        String problem = SqsIds.problem(group);
        if (problem != null) {
            throw new HttpApiException(400, "invalid_group", "the group " + problem);
        }
        return group;
    }

    /** "-" names the records of a standard queue, which have no group. */
    private static String storedGroup(String group) {
        return "-".equals(group) ? null : group;
    }

    private static String key(String key) {
        if (key == null || key.isBlank() || key.length() > 200) {
            throw new HttpApiException(400, "invalid_key", "the record key must be the 'key' (or the 'sequence') a listing shows");
        }
        return key;
    }

    private static HttpApiException unknownRecord(String alias, String queue, String group, String key) {
        return new HttpApiException(404, "unknown_record", "no failure record of group " + group + " in " + queue
                + " has the key " + key + ": list them with GET /admin/failures/" + alias + "/" + pathSegment(group));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    /** Runs a store call; DynamoDB, S3 or SQS not answering is a 503 that says so. */
    private static <T> T store(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw new HttpApiException(503, "store_unavailable", "the failure store did not answer: " + e.getMessage(),
                    Map.of(), e);
        }
    }

    private static <T> T cursor(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (InvalidCursorException e) {
            throw new HttpApiException(400, "invalid_cursor", e.getMessage());
        }
    }

    // --- answers --------------------------------------------------------------------------------------------------

    private static Map<String, Object> head(String alias, String queue, String group) {
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("alias", alias);
        head.put("queue", queue);
        head.put("group", group);
        return head;
    }

    Map<String, Object> summary(FailureSummary summary) {
        String alias = aliasOf(summary.queue());
        String group = summary.group() == null ? "-" : summary.group();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("alias", alias);
        json.put("queue", summary.queue());
        json.put("group", group);
        json.put("key", summary.key());
        json.put("sequence", summary.sequence());
        json.put("messageId", summary.messageId());
        json.put("status", summary.status().name());
        json.put("class", summary.failureClass().name());
        json.put("reason", cut(summary.reason(), SUMMARY_REASON_CHARS));
        json.put("httpStatus", summary.httpStatus());
        json.put("receiveCount", summary.receiveCount());
        json.put("recordedAt", text(summary.recordedAt()));
        json.put("statusChangedAt", text(summary.statusChangedAt()));
        json.put("link", link(alias, group, summary.key()));
        return json;
    }

    /** A record in full. */
    static Map<String, Object> record(String alias, StoredFailure entry) {
        FailureRecord record = entry.record();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("alias", alias);
        json.put("queue", record.queue());
        json.put("group", record.group() == null ? "-" : record.group());
        json.put("sequence", record.sequence());
        json.put("key", record.sortKey());
        json.put("messageId", record.messageId());
        json.put("idempotencyKey", record.replayIdempotencyKey());
        json.put("status", entry.status().name());
        json.put("class", record.failureClass().name());
        json.put("reason", record.reason());
        json.put("httpStatus", record.httpStatus());
        json.put("answer", record.answer());
        json.put("receiveCount", record.receiveCount());
        json.put("firstReceivedAt", text(record.firstReceivedAt()));
        json.put("recordedAt", text(record.recordedAt()));
        json.put("statusChangedAt", text(entry.statusChangedAt()));
        json.put("replayMessageId", entry.replayMessageId());
        json.put("discardReason", entry.discardReason());
        json.put("expiresAt", text(entry.expiresAt()));
        json.put("body", record.body());
        if (entry.bodyRef() != null) {
            // too large for the table: the body above was read from there
            json.put("bodyRef", entry.bodyRef());
        }
        if (entry.body().missing() != null) {
            // the object is gone (a lifecycle rule on the bucket): the record stays readable, with what the item kept
            json.put("bodyMissing", entry.body().missing());
            json.put("bodyPreview", entry.body().preview());
        }
        if (entry.storeNote() != null) {
            json.put("storeNote", entry.storeNote());
        }
        return json;
    }

    /** The admin API path of one record. */
    public static String link(String alias, String group, String key) {
        return "/admin/failures/" + pathSegment(alias) + "/" + pathSegment(group) + "/" + pathSegment(key);
    }

    /** RFC 3986 percent-encoding of one path segment: everything but the unreserved characters. */
    static String pathSegment(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                out.write(c);
            } else {
                out.writeBytes(String.format("%%%02X", c).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    private static String cut(String text, int chars) {
        if (text == null || text.length() <= chars) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(chars - 1)) ? chars - 1 : chars;
        return text.substring(0, end) + "...";
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
