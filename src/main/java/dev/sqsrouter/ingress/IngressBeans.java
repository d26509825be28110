package dev.sqsrouter.ingress;

import dev.sqsrouter.config.Topology;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The beans routes/ingress.yaml names. Fails fast on limits that would refuse every message or cut bodies off. */
public class IngressBeans implements CamelConfiguration {

    @PropertyInject(value = "ingress.max-message-bytes", defaultValue = "1048576")
    private long maxMessageBytes;
    @PropertyInject(value = "camel.server.max-body-size", defaultValue = "0")
    private long maxBodySize;
    @PropertyInject(value = "ingress.batches-in-flight", defaultValue = "" + IngressSender.DEFAULT_BATCHES_IN_FLIGHT)
    private int batchesInFlight;

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
        return new IngressSender(sqsClient, batchesInFlight);
    }

    @BindToRegistry("ingressAnswer")
    public IngressAnswer ingressAnswer() {
        return new IngressAnswer();
    }
}
