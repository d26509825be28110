package dev.sqsrouter.s3events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqsrouter.failure.MalformedMessageException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever an SQS message body holds, the S3 event parser either reads it or refuses it with a
 * {@link MalformedMessageException} (the failure store's reason), never with another exception: arbitrary text, the
 * fixtures' real events with fields replaced, removed or retyped, huge numbers, deep nesting, keys with odd percent
 * escapes, inside an SNS envelope or raw. What it reads, the filters and the one-record view take without failing.
 */
class S3EventParserProperties {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> FIXTURES = List.of("sns-put.json", "sns-several-records.json", "sns-test-event.json",
            "sns-subscription-confirmation.json", "raw-put.json", "raw-test-event.json", "eventbridge-object-created.json",
            "eventbridge-object-deleted.json");
    private static final List<S3EventFilter> FILTERS = List.of(new S3EventFilter(), new S3EventFilter("images", "ObjectCreated:*",
            "cats/", ".png,.jpg"), new S3EventFilter("IMAGES", "objectcreated:put", "", ""));

    private final S3EventParser parser = new S3EventParser();

    @Property(tries = 3000)
    void arbitraryTextIsReadOrRefusedAsMalformed(@ForAll("text") String body) {
        Statistics.collect(outcome(body));
    }

    @Property(tries = 5000)
    void realEventsWithFieldsReplacedRemovedOrRetypedAreReadOrRefusedAsMalformed(
            @ForAll("fixture") String fixture, @ForAll("mutations") List<Mutation> mutations, @ForAll boolean inSns) {
        JsonNode event = read(S3EventFixtures.fixture(fixture));
        boolean wasSns = "Notification".equals(event.path("Type").asText());
        if (wasSns && !inSns) {
            event = read(event.get("Message").asText());
        }
        // mutate the S3 event itself, not only its envelope
        JsonNode mutated = mutate(event.deepCopy(), mutations);
        String body = inSns && wasSns ? S3EventFixtures.snsNotification(write(mutated)) : write(mutated);
        Statistics.collect(outcome(body));
    }

    @Property(tries = 1000)
    void deeplyNestedBodiesAreRefusedAsMalformed(@ForAll @IntRange(min = 1, max = 5000) int depth,
            @ForAll("nestingShape") String shape, @ForAll boolean inSns) {
        String nested = shape.repeat(depth) + "1" + (shape.startsWith("[") ? "]" : "}").repeat(depth);
        String event = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"images\"},\"object\":"
                + "{\"key\":\"a.png\",\"size\":" + nested + "}}}]}";
        Statistics.collect(outcome(inSns ? S3EventFixtures.snsNotification(event) : event));
    }

    @Property(tries = 2000)
    void keysWithAnyPercentEscapesAreDecodedOrRefusedAsMalformed(@ForAll("rawKey") String rawKey, @ForAll boolean inSns) {
        ObjectNode event = (ObjectNode) read(S3EventFixtures.fixture("raw-put.json"));
        ((ObjectNode) event.get("Records").get(0).get("s3").get("object")).put("key", rawKey);
        String body = inSns ? S3EventFixtures.snsNotification(write(event)) : write(event);
        Statistics.collect(outcome(body));
    }

    @Property(tries = 2000)
    void aKeyEncodedAsS3EncodesItIsReadBackExactly(@ForAll("key") String key) {
        S3EventNotification read = parser.parse(S3EventFixtures.snsNotification(
                S3EventFixtures.s3Event("images", key, "ObjectCreated:Put", 7)));
        assertEquals(key, read.records().get(0).key());
    }

    /** "parsed" or "malformed"; anything else thrown fails the property. */
    private String outcome(String body) {
        S3EventNotification read;
        try {
            read = parser.parse(body);
        } catch (MalformedMessageException refused) {
            assertFalse(refused.getMessage() == null || refused.getMessage().isBlank(), "a refusal says why");
            return "malformed";
        }
        for (int i = 0; i < read.records().size(); i++) {
            S3EventRecord record = read.records().get(i);
            FILTERS.forEach(filter -> filter.accepts(record));
            record.location();
            parser.recordEvent(body, i);
        }
        return read.testEvent() ? "test event" : "parsed";
    }

    // --- inputs ---------------------------------------------------------------------------------------------------

    /** A replacement at the n-th node of the tree (pre-order, modulo its size): a new value, or the field removed. */
    record Mutation(int at, boolean remove, JsonNode value) {
    }

    @Provide
    Arbitrary<String> text() {
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(300);
        Arbitrary<String> jsonish = Arbitraries.strings().withChars("{}[]\":,.0123456789eE+-truefalsn \\u/%\n\u001b")
                .ofMaxLength(300);
        Arbitrary<String> prefixed = Combinators.combine(Arbitraries.of("{\"Type\":", "{\"Records\":", "{\"Event\":",
                "{\"detail-type\":", "{\"Type\":\"Notification\",\"Message\":", "{\"Records\":[{\"s3\":"), jsonish)
                .as(String::concat);
        return Arbitraries.oneOf(any, jsonish, prefixed);
    }

    @Provide
    Arbitrary<String> fixture() {
        return Arbitraries.of(FIXTURES);
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.integers().between(0, 200),
                Arbitraries.of(true, false, false, false), jsonValue()).as(Mutation::new);
        return mutation.list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<String> nestingShape() {
        return Arbitraries.of("[", "{\"a\":", "[{\"Records\":");
    }

    @Provide
    Arbitrary<String> rawKey() {
        Arbitrary<String> escape = Arbitraries.strings().withChars("0123456789abcdefABCDEFgG%").ofMinLength(0).ofMaxLength(3)
                .map(hex -> "%" + hex);
        Arbitrary<String> plain = Arbitraries.strings().withChars("ab/+ .\u00e9\n\u001b-").ofMaxLength(3);
        return Arbitraries.oneOf(escape, plain).list().ofMaxSize(12).map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<String> key() {
        return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(60).filter(S3EventParserProperties::wellFormed);
    }

    private static Arbitrary<JsonNode> jsonValue() {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40).map(NODES::textNode),
                Arbitraries.of("", "ObjectCreated:Put", "s3:TestEvent", "Notification", "aws.s3", "Object Created",
                        "2024-05-14T09:21:07.129Z", "+999999999-12-31T23:59:59Z", "2024-13-45T99:99:99", "-1", "18446744073709551616",
                        "%", "%zz", "%C3", "a%2Fb+c").map(NODES::textNode),
                Arbitraries.longs().map(n -> (JsonNode) NODES.numberNode(n)),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40))
                        .map(n -> (JsonNode) NODES.numberNode(n)),
                Arbitraries.of(new BigDecimal("1e400"), new BigDecimal("-1e-400"), new BigDecimal("1.5"),
                        new BigDecimal("9223372036854775808")).map(n -> (JsonNode) NODES.numberNode(n)),
                Arbitraries.doubles().map(n -> (JsonNode) NODES.numberNode(n)),
                Arbitraries.of(NODES.booleanNode(true), NODES.booleanNode(false), NODES.nullNode()));
        return Arbitraries.recursive(() -> leaf, S3EventParserProperties::containers, 0, 3);
    }

    private static Arbitrary<JsonNode> containers(Arbitrary<JsonNode> inner) {
        Arbitrary<JsonNode> array = inner.list().ofMaxSize(3).map(items -> {
            ArrayNode node = NODES.arrayNode();
            items.forEach(node::add);
            return node;
        });
        Arbitrary<JsonNode> object = Combinators.combine(
                Arbitraries.of("Type", "Message", "Records", "s3", "object", "key", "size", "bucket", "name", "eventName",
                        "eventTime", "Event", "detail", "detail-type", "source", "x").list().ofMaxSize(3),
                inner.list().ofSize(3)).as((names, values) -> {
                    ObjectNode node = NODES.objectNode();
                    for (int i = 0; i < names.size(); i++) {
                        node.set(names.get(i), values.get(i));
                    }
                    return node;
                });
        return Arbitraries.oneOf(array, object);
    }

    private static JsonNode mutate(JsonNode root, List<Mutation> mutations) {
        JsonNode current = root;
        for (Mutation mutation : mutations) {
            List<Map.Entry<JsonNode, Object>> slots = new ArrayList<>();
            slots(current, slots);
            if (slots.isEmpty()) {
                return mutation.value();
            }
            Map.Entry<JsonNode, Object> slot = slots.get(mutation.at() % slots.size());
            if (slot.getKey() instanceof ObjectNode object) {
                String field = (String) slot.getValue();
                if (mutation.remove()) {
                    object.remove(field);
                } else {
                    object.set(field, mutation.value());
                }
            } else {
                ArrayNode array = (ArrayNode) slot.getKey();
                int index = (Integer) slot.getValue();
                if (mutation.remove()) {
                    array.remove(index);
                } else {
                    array.set(index, mutation.value());
                }
            }
        }
        return current;
    }

    /** Every (container, field name or index) of the tree, in pre-order. */
    private static void slots(JsonNode node, List<Map.Entry<JsonNode, Object>> slots) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                slots.add(Map.entry(node, name));
                slots(node.get(name), slots);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                slots.add(Map.entry(node, i));
                slots(node.get(i), slots);
            }
        }
    }

    private static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
