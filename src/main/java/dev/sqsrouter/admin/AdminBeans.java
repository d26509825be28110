package dev.sqsrouter.admin;

import java.time.Clock;
import java.time.Duration;

import dev.sqsrouter.config.Topology;
import dev.sqsrouter.failure.FailureStore;
import dev.sqsrouter.ingress.IngressSender;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The beans routes/admin.yaml and routes/console.yaml name. */
public class AdminBeans implements CamelConfiguration {

    @BindToRegistry("adminApi")
    public AdminApi adminApi(CamelContext camelContext, FailureStore failureStore, SqsClient sqsClient) {
        return new AdminApi(camelContext, Topology.of(camelContext), failureOperations(camelContext, failureStore, sqsClient));
    }

    /** The failure store's operations on the app's store and SQS client: the admin API's and the failures command's. */
    public static FailureOperations failureOperations(CamelContext camelContext, FailureStore failureStore, SqsClient sqsClient) {
        int leaseSeconds = Integer.parseInt(camelContext.getPropertiesComponent().resolveProperty("failures.replay-lease-seconds")
                .orElse(Long.toString(FailureReplay.DEFAULT_LEASE.toSeconds())).trim());
        int pageMaxBytes = Integer.parseInt(camelContext.getPropertiesComponent().resolveProperty("admin.page-max-bytes")
                .orElse(Integer.toString(FailureOperations.DEFAULT_PAGE_MAX_BYTES)).trim());
        return new FailureOperations(Topology.of(camelContext), failureStore, new FailureReplay(failureStore,
                new IngressSender(sqsClient), Clock.systemUTC(), Duration.ofSeconds(leaseSeconds)), Clock.systemUTC(),
                pageMaxBytes);
    }

    @BindToRegistry("consolePages")
    public ConsolePages consolePages() {
        return new ConsolePages();
    }
}
