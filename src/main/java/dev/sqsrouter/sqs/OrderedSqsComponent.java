package dev.sqsrouter.sqs;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.PropertyBindingException;
import org.apache.camel.component.aws2.sqs.Sqs2Component;
import org.apache.camel.component.aws2.sqs.Sqs2Configuration;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.PropertyBindingSupport;

/**
 * {@code sqs-ordered:queueName?options}: Camel's aws2-sqs endpoint (every aws2-sqs option applies) with a consumer
 * that keeps per-group order under faults (see {@link OrderedSqsConsumer}): messages of one FIFO group run one after
 * another, other groups in parallel, a failing head is retried in place while its group stays in flight, and each
 * group is acknowledged as soon as it is done. Its own endpoint options are those of {@link OrderedOptions}.
 * Found by Camel's component discovery under the scheme {@value #SCHEME}.
 */
@Component(OrderedSqsComponent.SCHEME)
public class OrderedSqsComponent extends Sqs2Component {

    public static final String SCHEME = "sqs-ordered";
    private static final String AWS2_SQS = "aws2-sqs";

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("sqs-ordered needs a queue name: sqs-ordered:queue-1.fifo");
        }
        Sqs2Configuration configuration = getConfiguration() != null ? getConfiguration().copy() : new Sqs2Configuration();
        configuration.setQueueName(remaining);
        OrderedSqsEndpoint endpoint = new OrderedSqsEndpoint(uri, this, configuration);
        // our options first: extendMessageVisibility is ours too, so it must not reach aws2-sqs's configuration;
        // no references or nesting, so that aws2-sqs's options (a #bean client) are left untouched for it to bind
        try {
            PropertyBindingSupport.build().withIgnoreCase(true).withReference(false).withNesting(false)
                    .withRemoveParameters(true).bind(getCamelContext(), endpoint.getOrderedOptions(), parameters);
        } catch (PropertyBindingException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("sqs-ordered:" + remaining + ": option " + e.getPropertyName() + " cannot be '"
                    + e.getValue() + "' (" + cause.getMessage() + ")", e);
        }
        setProperties(endpoint, parameters);
        endpoint.getOrderedOptions().validate(remaining);
        if (configuration.isAutoCreateQueue()) {
            throw new IllegalArgumentException(
                    "sqs-ordered does not create queues (autoCreateQueue=true on " + remaining + "): run the provision command");
        }
        return endpoint;
    }

    // aws2-sqs's generated option binders: its options and its configuration are the same here; ours are bound above
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
