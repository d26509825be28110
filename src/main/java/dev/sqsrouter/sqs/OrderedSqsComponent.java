package dev.sqsrouter.sqs;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.component.aws2.sqs.Sqs2Component;
import org.apache.camel.component.aws2.sqs.Sqs2Configuration;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.support.PluginHelper;

/**
 * {@code sqs-ordered:queueName?options}: Camel's aws2-sqs endpoint (every aws2-sqs option applies) with a consumer
 * that keeps per-group order under faults (see {@link OrderedSqsConsumer}): messages of one FIFO group run one after
 * another, other groups in parallel, a failing head is retried in place while its group stays in flight, and each
 * group is acknowledged as soon as it is done.
 * <p>
 * Options of its own, on top of aws2-sqs's: {@code deadLetterQueue}, {@code groupWorkers},
 * {@code failedVisibilityTimeout}, {@code breakerThreshold}, {@code breakerOpenSeconds}, {@code retryDelayMs},
 * {@code retryMaxDelayMs}, {@code poisonAttempts}, {@code maxHoldSeconds}.
 */
public class OrderedSqsComponent extends Sqs2Component {

    public static final String SCHEME = "sqs-ordered";
    private static final String AWS2_SQS = "aws2-sqs";

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("sqs-ordered needs a queue name: sqs-ordered:queue-1.fifo");
        }
        OrderedOptions options = OrderedOptions.take(parameters);
        Sqs2Configuration configuration = getConfiguration() != null ? getConfiguration().copy() : new Sqs2Configuration();
        configuration.setQueueName(remaining);
        OrderedSqsEndpoint endpoint = new OrderedSqsEndpoint(uri, this, configuration, options);
        setProperties(endpoint, parameters);
        if (configuration.isAutoCreateQueue()) {
            throw new IllegalArgumentException(
                    "sqs-ordered does not create queues (autoCreateQueue=true on " + remaining + "): run the provision command");
        }
        return endpoint;
    }

    // reuse aws2-sqs's generated option binders: the options and the endpoint class are the same
    @Override
    public PropertyConfigurer getComponentPropertyConfigurer() {
        return PluginHelper.getConfigurerResolver(getCamelContext())
                .resolvePropertyConfigurer(AWS2_SQS + "-component-configurer", getCamelContext());
    }

    @Override
    public PropertyConfigurer getEndpointPropertyConfigurer() {
        return PluginHelper.getConfigurerResolver(getCamelContext())
                .resolvePropertyConfigurer(AWS2_SQS + "-endpoint-configurer", getCamelContext());
    }
}
