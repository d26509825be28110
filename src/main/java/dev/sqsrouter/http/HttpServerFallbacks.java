package dev.sqsrouter.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * JSON answers for what the HTTP server refuses before any route runs: a path no route serves (404) and a body over
 * camel.server.max-body-size (413), so that every refusal has the API's {"error","message"} shape. A route of the
 * server's router that comes after every Camel route.
 */
public class HttpServerFallbacks implements ExtendedStartupListener {

    private final int port;
    private final long maxBodySize;

    public HttpServerFallbacks(int port, long maxBodySize) {
        this.port = port;
        this.maxBodySize = maxBodySize;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the server's router is only there once the context has started
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            return;
        }
        // the highest order keeps this route last, also behind routes that are restarted (and so added again) later
        router.route().order(Integer.MAX_VALUE)
                .handler(ctx -> answer(ctx, 404, "not_found", "nothing is served at " + ctx.normalizedPath()
                        + ": POST /<queue alias>, or /admin/failures"))
                .failureHandler(this::failed);
    }

    private void failed(RoutingContext ctx) {
        if (ctx.statusCode() == 413) {
            answer(ctx, 413, "message_too_large", "the body is over " + maxBodySize
                    + " bytes (camel.server.max-body-size): send a smaller body");
        } else {
            ctx.next();
        }
    }

    private static void answer(RoutingContext ctx, int status, String error, String message) {
        if (ctx.response().ended()) {
            return;
        }
        String json;
        try {
            json = HttpApiResponses.JSON.writeValueAsString(HttpApiResponses.error(error, message));
        } catch (JsonProcessingException e) {
            json = "{\"error\":\"" + error + "\"}";
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
    }
}
