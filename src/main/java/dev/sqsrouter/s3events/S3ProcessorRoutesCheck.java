package dev.sqsrouter.s3events;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;

/**
 * Refuses to start when a route of the s3-event-queue template names a processor that no route consumes: the record
 * runner finds its processor at the first record only, and a missing one would fail every message, for ever.
 */
public class S3ProcessorRoutesCheck implements StartupListener {

    /** The template parameter that names a queue's processor. */
    static final String PROCESSOR_PARAMETER = "processor";

    @Override
    public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        Set<String> consumed = new TreeSet<>();
        Set<String> processors = new TreeSet<>();
        for (RouteDefinition route : model.getRouteDefinitions()) {
            if (route.getInput() != null) {
                String uri = normalized(route.getInput().getEndpointUri());
                consumed.add(uri);
                if (S3RecordProcessorPolicy.ID.equals(route.getRouteConfigurationId())) {
                    processors.add(uri);
                }
            }
        }
        for (RouteDefinition route : model.getRouteDefinitions()) {
            Map<String, Object> parameters = route.getTemplateParameters();
            Object processor = parameters == null ? null : parameters.get(PROCESSOR_PARAMETER);
            if (processor == null) {
                continue;
            }
            String name = context.resolvePropertyPlaceholders(Objects.toString(processor));
            String uri = S3EventRecordRunner.endpointUri(name);
            if (!consumed.contains(normalized(uri))) {
                throw new IllegalStateException("route " + route.getRouteId() + " names the processor '" + name
                        + "', but no route consumes " + uri + ": set its s3events.queues.<name>.processor to one that has a route"
                        + " (the processor routes consume " + String.join(", ", processors) + ")");
            }
        }
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
    }

    private static String normalized(String uri) {
        return uri == null ? "" : uri.replaceFirst("^direct://", "direct:");
    }
}
