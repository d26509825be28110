package dev.sqsrouter.http;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import dev.sqsrouter.config.OnceOnly;

/**
 * The HTTP API's shared parts: the API keys that routes/ingress.yaml and routes/admin.yaml check, its error policy and
 * the server's fallback answers; and the response servers' answer check that the flows calling them name. Fails fast
 * on configuration that would leave the API open.
 */
public class HttpApiBeans implements CamelConfiguration {

    @PropertyInject(value = "ingress.api-keys", defaultValue = "")
    private String apiKeys;
    @PropertyInject(value = "camel.server.enabled", defaultValue = "false")
    private boolean serverEnabled;
    @PropertyInject(value = "camel.server.port", defaultValue = "8080")
    private int serverPort;
    @PropertyInject(value = "camel.server.max-body-size", defaultValue = "0")
    private long maxBodySize;

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        if (OnceOnly.noRouteConfiguration(camelContext, HttpApiErrorPolicy.ID)) {
            camelContext.addRoutes(new HttpApiErrorPolicy());
            camelContext.addStartupListener(new HttpServerFallbacks(serverPort, maxBodySize));
        }
    }

    /** Without keys the API would run open: refuse to start whenever the HTTP server runs. */
    @BindToRegistry("apiKeys")
    public ApiKeys apiKeys() {
        if (!serverEnabled && apiKeys.isBlank()) {
            // no HTTP server (e.g. the provision command): nothing to guard, and nothing can pass
            return null;
        }
        return ApiKeys.parse(apiKeys, "the environment variable INGRESS_API_KEYS (property ingress.api-keys)");
    }

    /** The platform-http engine of the routes (ingress, admin): on camel.server.port, beside the management server. */
    @BindToRegistry(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME)
    public PlatformHttpEngine platformHttpEngine() {
        return new ServerPortEngine(serverPort);
    }

    /** Reads a response server's answer (status_code) after a call: the S3 audit route names it. */
    @BindToRegistry("responseServerAnswer")
    public ResponseServerAnswer responseServerAnswer() {
        return new ResponseServerAnswer();
    }
}
