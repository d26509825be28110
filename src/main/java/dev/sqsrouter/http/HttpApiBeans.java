package dev.sqsrouter.http;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import dev.sqsrouter.config.IngressKeys;
import dev.sqsrouter.config.OnceOnly;
import java.util.List;

/**
 * The HTTP API's shared parts: the API keys that routes/ingress.yaml and routes/admin.yaml check, its error policy and
 * the server's fallback answers; and the response servers' answer check that the flows calling them name. Fails fast
 * on configuration that would leave the API open.
 */
public class HttpApiBeans implements CamelConfiguration {

    @PropertyInject(value = "admin.api-keys", defaultValue = "")
    private String adminApiKeys;
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

    /**
     * The ingress's keys: the named ones (ingress.keys.&lt;name&gt;.key) and those of ingress.api-keys. Without keys the
     * API would run open: refuse to start whenever the HTTP server runs.
     */
    @BindToRegistry("apiKeys")
    public ApiKeys apiKeys(CamelContext camelContext) {
        List<IngressKeys.Producer> producers = IngressKeys.read(camelContext.getPropertiesComponent());
        if (!serverEnabled && producers.isEmpty()) {
            // no HTTP server (e.g. the provision command): nothing to guard, and nothing can pass
            return null;
        }
        return ingressKeys(producers);
    }

    private static ApiKeys ingressKeys(List<IngressKeys.Producer> producers) {
        return ApiKeys.of(producers.stream().map(p -> new ApiKeys.Entry(new ApiKeys.Holder(p.name(), p.identity()), p.key()))
                .toList(), "the environment variable INGRESS_API_KEYS (property ingress.api-keys), or a named key"
                + " ingress.keys.<name>.key,", "API key", "the ingress");
    }

    /**
     * The admin API's own keys: a producer's ingress key must not read every body, replay or discard. Refused at start
     * when the HTTP server runs without one, or when a key is in both lists.
     */
    @BindToRegistry("adminApiKeys")
    public ApiKeys adminApiKeys(CamelContext camelContext) {
        if (!serverEnabled && adminApiKeys.isBlank()) {
            return null;
        }
        ApiKeys admin = ApiKeys.parse(adminApiKeys, "the environment variable ADMIN_API_KEYS (property admin.api-keys)",
                "admin API key", "the admin API");
        List<IngressKeys.Producer> producers = IngressKeys.read(camelContext.getPropertiesComponent());
        if (!producers.isEmpty() && admin.sharesAKeyWith(ingressKeys(producers))) {
            throw new IllegalArgumentException("a key of ADMIN_API_KEYS (admin.api-keys) is also an ingress key"
                    + " (INGRESS_API_KEYS, ingress.api-keys, ingress.keys.<name>.key): give the admin API keys of its own");
        }
        return admin;
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
