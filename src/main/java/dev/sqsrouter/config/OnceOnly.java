package dev.sqsrouter.config;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;

/**
 * Tells a configuration class whether its routes are in the context already: camel-main may meet a configuration class
 * twice (added by the application and found by a package scan), and a route or route configuration added twice fails.
 */
public final class OnceOnly {

    private OnceOnly() {
    }

    /** True when no route configuration has this id yet. */
    public static boolean noRouteConfiguration(CamelContext context, String id) {
        return model(context).getRouteConfigurationDefinition(id) == null;
    }

    /** True when no route has this id yet. */
    public static boolean noRoute(CamelContext context, String id) {
        return model(context).getRouteDefinition(id) == null;
    }

    private static Model model(CamelContext context) {
        return context.getCamelContextExtension().getContextPlugin(Model.class);
    }
}
