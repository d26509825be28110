package dev.sqsrouter.ingress;

import java.util.List;

import dev.sqsrouter.config.IngressKeys;
import dev.sqsrouter.config.Topology;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.StartupListener;
import org.apache.camel.component.micrometer.MicrometerConstants;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The beans routes/ingress.yaml names, and the meters of the keys' limits. Fails fast on limits that would refuse
 * every message or cut bodies off, and on a key's limits that name no served queue.
 */
public class IngressBeans implements CamelConfiguration {

    @PropertyInject(value = "ingress.max-message-bytes", defaultValue = "1048576")
    private long maxMessageBytes;
    @PropertyInject(value = "camel.server.max-body-size", defaultValue = "0")
    private long maxBodySize;
    @PropertyInject(value = "ingress.batches-in-flight", defaultValue = "" + IngressSender.DEFAULT_BATCHES_IN_FLIGHT)
    private int batchesInFlight;
    @PropertyInject(value = "ingress.remembered-sends", defaultValue = "" + IngressSender.DEFAULT_REMEMBERED_SENDS)
    private int rememberedSends;

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        camelContext.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                MeterRegistry registry = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                        MeterRegistry.class);
                IngressLimits limits = context.getRegistry().lookupByNameAndType("ingressLimits", IngressLimits.class);
                if (registry != null && limits != null) {
                    limits.register(registry);
                }
            }
        });
    }

    @BindToRegistry("ingressGate")
    public IngressGate ingressGate(CamelContext camelContext) {
        if (maxMessageBytes < IngressRequest.WRAPPER_BYTES + 2) {
            throw new IllegalArgumentException("ingress.max-message-bytes=" + maxMessageBytes + " is too small for any message");
        }
        if (maxBodySize > 0 && maxBodySize < maxMessageBytes) {
            throw new IllegalArgumentException("camel.server.max-body-size=" + maxBodySize + " is below ingress.max-message-bytes="
                    + maxMessageBytes + ": raise it, or bodies the ingress accepts are cut off by the server");
        }
        return new IngressGate(Topology.of(camelContext).aliases(), maxMessageBytes);
    }

    @BindToRegistry("ingressSender")
    public IngressSender ingressSender(SqsClient sqsClient) {
        if (batchesInFlight < 1) {
            throw new IllegalArgumentException("ingress.batches-in-flight=" + batchesInFlight + ": at least 1 SendMessageBatch"
                    + " call per queue must be allowed");
        }
        if (rememberedSends < 0) {
            throw new IllegalArgumentException("ingress.remembered-sends=" + rememberedSends + ": 0 (remember none) or more");
        }
        return new IngressSender(sqsClient, batchesInFlight, rememberedSends);
    }

    @BindToRegistry("ingressLimits")
    public IngressLimits ingressLimits(CamelContext camelContext) {
        List<String> aliases = List.copyOf(Topology.of(camelContext).aliases().queues().keySet());
        return new IngressLimits(IngressKeys.read(camelContext.getPropertiesComponent()), aliases);
    }

    @BindToRegistry("ingressAnswer")
    public IngressAnswer ingressAnswer() {
        return new IngressAnswer();
    }
}
