package dev.sqsrouter.observe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small reader of the Prometheus text format (0.0.4), enough for tests: one sample per line,
 * {@code name{label="value",...} number}; comments skipped. Samples are keyed by name and their labels sorted.
 */
final class PrometheusText {

    private final Map<String, Double> samples = new LinkedHashMap<>();

    private PrometheusText() {
    }

    static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String name;
            Map<String, String> labels = new TreeMap<>();
            int at;
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                at = brace + 1;
                while (line.charAt(at) != '}') {
                    int equals = line.indexOf('=', at);
                    String label = line.substring(at, equals).strip();
                    StringBuilder value = new StringBuilder();
                    int i = equals + 2; // past ="
                    while (line.charAt(i) != '"') {
                        char c = line.charAt(i);
                        if (c == '\\') {
                            char next = line.charAt(++i);
                            value.append(next == 'n' ? '\n' : next);
                        } else {
                            value.append(c);
                        }
                        i++;
                    }
                    labels.put(label, value.toString());
                    at = i + 1;
                    if (line.charAt(at) == ',') {
                        at++;
                    }
                }
                at++;
            } else {
                name = line.substring(0, space);
                at = space;
            }
            String[] rest = line.substring(at).strip().split("\\s+");
            parsed.samples.put(key(name, labels), number(rest[0]));
        }
        return parsed;
    }

    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    private static String key(String name, Map<String, String> labels) {
        return name + labels;
    }

    /** The sample of that name whose labels are exactly these (name, value pairs), or null. */
    Double value(String name, String... labels) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.get(key(name, wanted));
    }

    /** Every sample name. */
    java.util.Set<String> names() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        samples.keySet().forEach(k -> names.add(k.substring(0, k.indexOf('{'))));
        return names;
    }

    @Override
    public String toString() {
        return samples.toString();
    }
}
