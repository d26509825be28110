package dev.sqsrouter.config;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;

/**
 * Routes instantiated from a YAML route template, one per queue of the topology, for one flow. The flow runs unless
 * {@code <flow>.enabled=false} (an instance that only serves the ingress, say); a queue declared for a flow whose
 * template is not loaded fails the start with what to fix.
 */
public abstract class TopologyRoutes extends RouteBuilder {

    private final String flow;
    private final String template;
    private final String templateFile;

    protected TopologyRoutes(String flow, String template, String templateFile) {
        this.flow = flow;
        this.template = template;
        this.templateFile = templateFile;
    }

    @Override
    public final void configure() {
        if (enabled(getContext(), flow)) {
            instantiate(Topology.of(getContext()));
        }
    }

    /** Adds one templatedRoute of the template per queue. */
    protected abstract void instantiate(Topology topology);

    protected String template() {
        return template;
    }

    @Override
    public void addTemplatedRoutesToCamelContext(CamelContext context) throws Exception {
        // templates (the YAML files) are all loaded before templated routes are added
        if (!getTemplatedRouteCollection().getTemplatedRoutes().isEmpty()
                && context.getCamelContextExtension().getContextPlugin(Model.class).getRouteTemplateDefinition(template) == null) {
            throw new IllegalStateException("queues are declared for " + flow + " but its route template " + template
                    + " is not loaded: keep " + templateFile + " among camel.main.routes-include-pattern, or set "
                    + flow + ".enabled=false");
        }
        super.addTemplatedRoutesToCamelContext(context);
    }

    public static final String RELAY = "relay";
    public static final String S3EVENTS = "s3events";

    /**
     * True when the flow runs on this instance: it is not turned off and declares at least one queue it consumes.
     * A flow that does not run starts none of its routes.
     */
    public static boolean runs(CamelContext context, String flow) {
        if (!enabled(context, flow)) {
            return false;
        }
        Topology topology = Topology.of(context);
        return S3EVENTS.equals(flow) ? topology.s3Events().isPresent() : !topology.relay().relayed().isEmpty();
    }

    /** False when configuration turns the flow's consumers off on this instance ({@code <flow>.enabled=false}). */
    public static boolean enabled(CamelContext context, String flow) {
        return Boolean.parseBoolean(context.getPropertiesComponent().resolveProperty(flow + ".enabled").orElse("true").trim());
    }
}
