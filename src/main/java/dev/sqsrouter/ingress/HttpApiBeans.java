package dev.sqsrouter.ingress;

import java.time.Clock;

import dev.sqsrouter.admin.AdminApi;
import dev.sqsrouter.admin.FailureReplay;
import dev.sqsrouter.admin.UnconsumedQueues;
import dev.sqsrouter.failure.FailureStore;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.model.Model;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The beans of the HTTP API that routes/ingress.yaml and routes/admin.yaml name, and its error policy. Fails fast on
 * configuration that would leave the API open or unable to work.
 */
public class HttpApiBeans implements CamelConfiguration {

    @PropertyInject(value = "ingress.api-keys", defaultValue = "")
    private String apiKeys;
    @PropertyInject(value = "ingress.max-message-bytes", defaultValue = "1048576")
    private long maxMessageBytes;
    @PropertyInject(value = "camel.server.enabled", defaultValue = "false")
    private boolean serverEnabled;
    @PropertyInject(value = "camel.server.port", defaultValue = "8080")
    private int serverPort;
    @PropertyInject(value = "camel.server.max-body-size", defaultValue = "0")
    private long maxBodySize;

    private QueueAliases aliases;

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        // camel-main may meet this class twice (added by Application and found by its package scan): configure once
        Model model = camelContext.getCamelContextExtension().getContextPlugin(Model.class);
        if (model.getRouteConfigurationDefinition(HttpApiErrorPolicy.ID) == null) {
            camelContext.addRoutes(new HttpApiErrorPolicy());
            camelContext.addStartupListener(new HttpServerFallbacks(serverPort, maxBodySize));
            camelContext.addStartupListener(new UnconsumedQueues());
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

    @BindToRegistry("ingressGate")
    public IngressGate ingressGate(CamelContext camelContext) {
        if (maxMessageBytes < IngressRequest.WRAPPER_BYTES + 2) {
            throw new IllegalArgumentException("ingress.max-message-bytes=" + maxMessageBytes + " is too small for any message");
        }
        if (maxBodySize > 0 && maxBodySize < maxMessageBytes) {
            throw new IllegalArgumentException("camel.server.max-body-size=" + maxBodySize + " is below ingress.max-message-bytes="
                    + maxMessageBytes + ": raise it, or bodies the ingress accepts are cut off by the server");
        }
        return new IngressGate(aliases(camelContext), maxMessageBytes);
    }

    @BindToRegistry("ingressSender")
    public IngressSender ingressSender(SqsClient sqsClient) {
        return new IngressSender(sqsClient);
    }

    @BindToRegistry("ingressAnswer")
    public IngressAnswer ingressAnswer() {
        return new IngressAnswer();
    }

    @BindToRegistry("adminApi")
    public AdminApi adminApi(CamelContext camelContext, FailureStore failureStore, SqsClient sqsClient) {
        return new AdminApi(camelContext, aliases(camelContext), failureStore,
                new FailureReplay(failureStore, new IngressSender(sqsClient), Clock.systemUTC()));
    }

    private synchronized QueueAliases aliases(CamelContext camelContext) {
        if (aliases == null) {
            aliases = QueueAliases.from(camelContext.getPropertiesComponent());
        }
        return aliases;
    }
}
