package dev.sqsrouter.config;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.component.properties.LocationPropertiesSource;
import org.apache.camel.spi.LoadablePropertiesSource;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.PropertiesSource;

/**
 * The keys of the configuration, and which topology they declare. The packaged application.properties (the jar's
 * defaults) declares a sample topology: relay queues queue-1 and queue-2, S3 event queues image-thumbnails and
 * image-audit, bucket images and topic imageAdded. A deployer's layers (the working-directory file, a profile file,
 * {@code -D}, properties code adds) either adjust that sample, naming only queue blocks it has, or declare a topology
 * of their own: as soon as they name a queue block the sample does not have, every sample block they do not name is
 * dropped, in both flows, and so are the sample's bucket and topic unless they name them or keep one of the sample's
 * S3 event queues. A deployment then has
 * exactly its own queues: in the routes, in provision and in the CloudFormation output alike. The environment sets
 * values only (its names cannot be read back into keys: queue-1 and queue_1 look the same there).
 */
public final class ConfigurationLayers {

    /** The packaged defaults: the jar's application.properties. */
    static final String PACKAGED = "application.properties";
    /** The flow-level keys of the S3 event topology that come with the sample's blocks. */
    private static final Set<String> SAMPLE_S3_KEYS = Set.of("s3events.bucket", "s3events.topic");

    private final Set<String> keys;
    private final Set<String> packagedOnly;

    private ConfigurationLayers(Set<String> keys, Set<String> packagedOnly) {
        this.keys = keys;
        this.packagedOnly = packagedOnly;
    }

    public static ConfigurationLayers of(PropertiesComponent properties) {
        Set<String> packaged = new LinkedHashSet<>();
        Set<String> deployer = new LinkedHashSet<>();
        Set<String> all = new LinkedHashSet<>();
        // the files' keys in file order, then the rest sorted, so that the order is always the same
        properties.loadProperties().keySet().forEach(key -> all.add(key.toString()));
        if (properties instanceof org.apache.camel.component.properties.PropertiesComponent component) {
            for (PropertiesSource source : component.getPropertiesSources()) {
                if (source instanceof LoadablePropertiesSource loadable) {
                    Set<String> target = isPackaged(source) ? packaged : deployer;
                    loadable.loadProperties().keySet().forEach(key -> target.add(key.toString()));
                }
            }
            for (Properties added : new Properties[] {component.getInitialProperties(), component.getOverrideProperties()}) {
                if (added != null) {
                    deployer.addAll(added.stringPropertyNames());
                }
            }
        } else {
            deployer.addAll(all);
        }
        // a block may also be declared with -D on the command line
        deployer.addAll(System.getProperties().stringPropertyNames());
        Set<String> extra = new TreeSet<>(deployer);
        extra.removeAll(all);
        all.addAll(extra);

        Set<String> ownBlocks = blocks(deployer);
        ownBlocks.removeAll(blocks(packaged));
        if (ownBlocks.isEmpty()) {
            return new ConfigurationLayers(all, Set.of());
        }
        Set<String> named = blocks(deployer);
        // the sample's bucket and topic go with the sample's S3 event queues: kept while the deployer keeps one of those
        boolean sampleS3Kept = blocks(packaged).stream().anyMatch(b -> b.startsWith(S3EventsTopology.PREFIX + ".") && named.contains(b));
        Set<String> packagedOnly = new LinkedHashSet<>();
        for (String key : packaged) {
            if (deployer.contains(key)) {
                continue;
            }
            Optional<String> block = block(key);
            if (block.map(b -> !named.contains(b)).orElse(!sampleS3Kept && SAMPLE_S3_KEYS.contains(key))) {
                packagedOnly.add(key);
            }
        }
        all.removeAll(packagedOnly);
        return new ConfigurationLayers(all, packagedOnly);
    }

    /** Every key of the configuration, the sample's dropped when the deployer declares a topology of their own. */
    Set<String> keys() {
        return keys;
    }

    /** The value of a topology key, empty when only the sample declared it and the deployer declares their own. */
    Optional<String> topologyValue(PropertiesComponent properties, String key) {
        return packagedOnly.contains(key) ? Optional.empty() : properties.resolveProperty(key);
    }

    /** True when a deployer's layers declare a topology of their own, which replaces the packaged sample. */
    public boolean sampleReplaced() {
        return !packagedOnly.isEmpty();
    }

    private static boolean isPackaged(PropertiesSource source) {
        return source instanceof LocationPropertiesSource located && "classpath".equals(located.getLocation().getResolver())
                && PACKAGED.equals(located.getLocation().getPath());
    }

    private static Set<String> blocks(Set<String> keys) {
        Set<String> blocks = new LinkedHashSet<>();
        for (String key : keys) {
            block(key).ifPresent(blocks::add);
        }
        return blocks;
    }

    /** The queue block a key belongs to ({@code relay.queues.orders} for relay.queues.orders.url), if any. */
    private static Optional<String> block(String key) {
        for (String prefix : new String[] {RelayTopology.PREFIX, S3EventsTopology.PREFIX}) {
            if (key.startsWith(prefix + ".")) {
                int dot = key.indexOf('.', prefix.length() + 1);
                return dot < 0 ? Optional.empty() : Optional.of(key.substring(0, dot));
            }
        }
        return Optional.empty();
    }
}
