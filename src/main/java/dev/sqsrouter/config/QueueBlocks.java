package dev.sqsrouter.config;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import org.apache.camel.spi.PropertiesComponent;

/**
 * The blocks of configuration under one prefix, one per queue (or per ingress key): {@code relay.queues.queue-1.url}
 * is the key {@code url} of the block {@code queue-1} under {@code relay.queues}. A block exists when the configuration (a properties file,
 * or properties a test or the command line adds) has a key in it; each key's value is then resolved as any other
 * property, so that an environment variable (RELAY_QUEUES_QUEUE_1_URL) overrides it. A key that is not a setting of
 * the block fails fast, so that a typo does not silently fall back to a default.
 */
public final class QueueBlocks {

    private final PropertiesComponent properties;
    private final String prefix;
    private final Map<String, Set<String>> keysByBlock;

    private QueueBlocks(PropertiesComponent properties, String prefix, Map<String, Set<String>> keysByBlock) {
        this.properties = properties;
        this.prefix = prefix;
        this.keysByBlock = keysByBlock;
    }

    /** The blocks under prefix (without its trailing dot), in name order; every key must be one of the settings. */
    static QueueBlocks read(PropertiesComponent properties, String prefix, Set<String> settings) {
        return read(properties, prefix, settings, "a queue");
    }

    /** As {@link #read(PropertiesComponent, String, Set)}, for blocks of another kind ("an ingress key"). */
    public static QueueBlocks read(PropertiesComponent properties, String prefix, Set<String> settings, String kind) {
        Map<String, Set<String>> keysByBlock = new LinkedHashMap<>();
        for (String key : allKeys(properties)) {
            if (!key.startsWith(prefix + ".")) {
                continue;
            }
            String rest = key.substring(prefix.length() + 1);
            int dot = rest.indexOf('.');
            if (dot <= 0 || dot == rest.length() - 1) {
                throw new IllegalArgumentException(key + ": " + kind + "'s settings are " + prefix + ".<name>.<setting>, e.g. "
                        + prefix + ".my-queue." + settings.iterator().next());
            }
            String block = rest.substring(0, dot);
            String setting = rest.substring(dot + 1);
            if (!settings.contains(setting)) {
                throw new IllegalArgumentException(key + ": '" + setting + "' is not a setting of " + kind + " under " + prefix
                        + "; the settings are " + String.join(", ", settings));
            }
            keysByBlock.computeIfAbsent(block, b -> new LinkedHashSet<>()).add(setting);
        }
        return new QueueBlocks(properties, prefix, keysByBlock);
    }

    public Set<String> names() {
        return keysByBlock.keySet();
    }

    /** The settings a block names itself (not those it takes from the flow's defaults). */
    Set<String> declared(String block) {
        return keysByBlock.getOrDefault(block, Set.of());
    }

    /** The block's own value, resolved (the environment may override it); empty when the block does not name it. */
    public Optional<String> own(String block, String setting) {
        if (!declared(block).contains(setting)) {
            return Optional.empty();
        }
        return Optional.of(properties.resolveProperty(key(block, setting)).map(String::trim).orElse(""));
    }

    /** The block's own value, else the flow's default ({@code defaults.setting}), else fallback. */
    public String value(String block, String setting, String defaultsPrefix, String fallback) {
        return own(block, setting)
                .or(() -> properties.resolveProperty(defaultsPrefix + "." + setting).map(String::trim))
                .orElse(fallback);
    }

    public String required(String block, String setting, String what) {
        return own(block, setting).filter(v -> !v.isEmpty()).orElseThrow(() -> new IllegalArgumentException(
                "missing configuration: " + key(block, setting) + " (" + what + "; application.properties, or the"
                        + " environment variable " + environmentVariable(key(block, setting)) + ")"));
    }

    int integer(String block, String setting, String defaultsPrefix, String fallback) {
        String value = value(block, setting, defaultsPrefix, fallback);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            String key = own(block, setting).isPresent() ? key(block, setting) : defaultsPrefix + "." + setting;
            throw new IllegalArgumentException(key + "=" + value + " is not a whole number");
        }
    }

    public String key(String block, String setting) {
        return prefix + "." + block + "." + setting;
    }

    /** The name Camel reads a property from in the environment: relay.queues.queue-1.url is RELAY_QUEUES_QUEUE_1_URL. */
    static String environmentVariable(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[.-]", "_");
    }

    /** A setting as a route template parameter: retry.delay-ms is retryDelayMs. */
    static String parameterName(String setting) {
        StringBuilder name = new StringBuilder();
        boolean upper = false;
        for (char c : setting.toCharArray()) {
            if (c == '.' || c == '-') {
                upper = true;
            } else {
                name.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return name.toString();
    }

    public static List<String> list(String value) {
        return java.util.Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).distinct().toList();
    }

    private static Set<String> allKeys(PropertiesComponent properties) {
        return ConfigurationLayers.of(properties).keys();
    }
}
