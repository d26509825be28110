package dev.sqsrouter.provision;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes a CloudFormation template held as a Jackson tree as block YAML, the way people write templates by hand:
 * intrinsic functions in their short form (!Ref, !GetAtt, !Sub, !If ...), a comment line before chosen keys, a blank
 * line between sections and between resources, keys in the tree's order. The project has no YAML library on its
 * runtime class path, and the subset a template needs (mappings, sequences, strings, numbers, booleans) is small.
 */
final class TemplateYaml {

    /** Plain (unquoted) in a block; anything else is double-quoted. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./:@*+()' ,;-]*");
    /** Plain inside [ ]: no flow indicators, no spaces. */
    private static final Pattern FLOW_PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./:@*+-]*");
    /** Words a YAML 1.1 reader would take for a boolean or null. */
    private static final Set<String> RESERVED = Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null");
    private static final String INTRINSIC = "Fn::";
    /** Comments and long descriptions are wrapped to lines of this many characters. */
    private static final int WIDTH = 118;

    private final Map<ObjectNode, Map<String, String>> comments = new IdentityHashMap<>();

    /** A comment line before the key of parent (before the "- " when parent is a sequence item and key its first key). */
    void comment(ObjectNode parent, String key, String comment) {
        comments.computeIfAbsent(parent, p -> new HashMap<>()).put(key, comment);
    }

    String write(ObjectNode root) {
        StringBuilder out = new StringBuilder();
        mapping(out, root, 0, root);
        return out.toString();
    }

    private void mapping(StringBuilder out, ObjectNode node, int indent, ObjectNode root) {
        // sections, and the resources in them, are easier to tell apart with a line between them
        boolean spaced = node == root || node == root.get("Resources");
        boolean first = true;
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (spaced && !first) {
                out.append('\n');
            }
            commentLine(out, node, field.getKey(), indent);
            out.append(" ".repeat(indent)).append(scalar(field.getKey(), false)).append(':');
            value(out, field.getValue(), indent, root);
            first = false;
        }
    }

    /** After "key:" or "- key:": the value on the same line when it has an inline form, else the block below. */
    private void value(StringBuilder out, JsonNode value, int indent, ObjectNode root) {
        String inline = inline(value, false);
        if (value.isTextual() && foldable(value.textValue(), indent)) {
            // a long sentence (a description) folded into lines; the reader joins them again with single spaces
            out.append(" >-\n");
            wrap(value.textValue(), indent + 2, "").forEach(line -> out.append(line).append('\n'));
        } else if (inline != null) {
            out.append(' ').append(inline).append('\n');
        } else if (value.isObject()) {
            out.append('\n');
            mapping(out, (ObjectNode) value, indent + 2, root);
        } else {
            out.append('\n');
            sequence(out, (ArrayNode) value, indent + 2, root);
        }
    }

    private void sequence(StringBuilder out, ArrayNode node, int indent, ObjectNode root) {
        for (JsonNode item : node) {
            String inline = inline(item, false);
            if (inline != null) {
                out.append(" ".repeat(indent)).append("- ").append(inline).append('\n');
            } else if (item.isObject()) {
                ObjectNode object = (ObjectNode) item;
                Iterator<Map.Entry<String, JsonNode>> fields = object.properties().iterator();
                Map.Entry<String, JsonNode> first = fields.next();
                commentLine(out, object, first.getKey(), indent);
                out.append(" ".repeat(indent)).append("- ").append(scalar(first.getKey(), false)).append(':');
                value(out, first.getValue(), indent + 2, root);
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    commentLine(out, object, field.getKey(), indent + 2);
                    out.append(" ".repeat(indent + 2)).append(scalar(field.getKey(), false)).append(':');
                    value(out, field.getValue(), indent + 2, root);
                }
            } else {
                out.append(" ".repeat(indent)).append("-\n");
                sequence(out, (ArrayNode) item, indent + 2, root);
            }
        }
    }

    private void commentLine(StringBuilder out, ObjectNode node, String key, int indent) {
        String comment = comments.getOrDefault(node, Map.of()).get(key);
        if (comment != null) {
            wrap(comment, indent, "# ").forEach(line -> out.append(line).append('\n'));
        }
    }

    /** Text in lines of at most WIDTH characters (a longer word stays whole), each indented and with the lead. */
    private static List<String> wrap(String text, int indent, String lead) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && indent + lead.length() + line.length() + 1 + word.length() > WIDTH) {
                lines.add(" ".repeat(indent) + lead + line);
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        lines.add(" ".repeat(indent) + lead + line);
        return lines;
    }

    /** Folding is exact only for one line of single-spaced words without surrounding blanks. */
    private static boolean foldable(String text, int indent) {
        return indent + text.length() > WIDTH && text.indexOf(' ') > 0 && !text.contains("  ") && text.equals(text.strip())
                && text.chars().noneMatch(c -> c < 0x20);
    }

    /** The one-line form of a scalar, an empty collection or an intrinsic function; null for anything else. */
    private static String inline(JsonNode node, boolean flow) {
        if (node.isTextual()) {
            return scalar(node.textValue(), flow);
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.asText();
        }
        if (node.isEmpty()) {
            return node.isObject() ? "{}" : "[]";
        }
        if (!node.isObject() || node.size() != 1) {
            return null;
        }
        Map.Entry<String, JsonNode> function = node.properties().iterator().next();
        String name = function.getKey();
        JsonNode argument = function.getValue();
        if (name.equals("Ref") && argument.isTextual()) {
            return "!Ref " + scalar(argument.textValue(), flow);
        }
        if (name.equals("Fn::GetAtt") && argument.isArray() && argument.size() == 2
                && argument.get(0).isTextual() && argument.get(1).isTextual()) {
            return "!GetAtt " + argument.get(0).textValue() + "." + argument.get(1).textValue();
        }
        if (name.equals("Fn::Sub") && argument.isTextual()) {
            return "!Sub " + quoted(argument.textValue());
        }
        if (name.startsWith(INTRINSIC) && argument.isArray()) {
            List<String> arguments = new ArrayList<>();
            for (JsonNode each : argument) {
                String one = inline(each, true);
                if (one == null) {
                    return null;
                }
                arguments.add(one);
            }
            return "!" + name.substring(INTRINSIC.length()) + " [" + String.join(", ", arguments) + "]";
        }
        return null;
    }

    static String scalar(String text, boolean flow) {
        boolean plain = (flow ? FLOW_PLAIN : PLAIN).matcher(text).matches()
                && !text.contains(": ") && !text.contains(" #") && !text.endsWith(":") && !text.endsWith(" ")
                && !RESERVED.contains(text.toLowerCase(Locale.ROOT));
        return plain ? text : quoted(text);
    }

    /** A double-quoted YAML scalar: JSON's escapes are YAML's too. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
