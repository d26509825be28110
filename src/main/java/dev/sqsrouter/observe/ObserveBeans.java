package dev.sqsrouter.observe;

import java.time.Clock;
import java.time.Duration;

import dev.sqsrouter.config.OnceOnly;
import dev.sqsrouter.failure.FailureStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.StartupListener;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Observability on Camel's management port (camel.management.*): the readiness check, the queue watch and its route,
 * and the app's meters on the registry Camel's Micrometer metrics use (registered once the context has started, when
 * the consumers exist).
 */
public class ObserveBeans implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ObserveBeans.class);

    @PropertyInject(value = "observe.queue-poll-seconds", defaultValue = "30")
    private int pollSeconds;
    @PropertyInject(value = "observe.aws-call-timeout-seconds", defaultValue = "5")
    private int callTimeoutSeconds;

    /** Its failure store reads are the store's open counters (one query of a few items): they prove DynamoDB reachable. */
    @BindToRegistry("queueWatch")
    public QueueWatch queueWatch(SqsClient sqsClient, FailureStore failureStore) {
        if (pollSeconds < 1) {
            throw new IllegalArgumentException("observe.queue-poll-seconds must be at least 1, not " + pollSeconds);
        }
        return new QueueWatch(sqsClient, failureStore::openCounts, Duration.ofSeconds(Math.max(1, callTimeoutSeconds)),
                Clock.systemUTC());
    }

    @BindToRegistry("sqsRouterReadiness")
    public ReadinessCheck readinessCheck(QueueWatch queueWatch) {
        // three polls missed: the watch itself is stuck
        return new ReadinessCheck(queueWatch, Duration.ofSeconds(3L * pollSeconds), Clock.systemUTC());
    }

    @BindToRegistry("failureMeters")
    public FailureMeters failureMeters() {
        return new FailureMeters();
    }

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        QueueWatch watch = camelContext.getRegistry().lookupByNameAndType("queueWatch", QueueWatch.class);
        // nothing consumed here (an ingress-only instance, the provision command): nothing to watch
        if (!ObservedQueue.of(camelContext).isEmpty() && OnceOnly.noRoute(camelContext, QueueWatchRoutes.ROUTE_ID)) {
            camelContext.addRoutes(new QueueWatchRoutes(watch, pollSeconds * 1000L));
        }
        FailureMeters failures = camelContext.getRegistry().lookupByNameAndType("failureMeters", FailureMeters.class);
        camelContext.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                if (!ObservedQueue.of(context).isEmpty()) {
                    watch.probe(ServiceProbe.of(context, Duration.ofSeconds(Math.max(1, callTimeoutSeconds))));
                }
                MeterRegistry registry = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                        MeterRegistry.class);
                if (registry == null) {
                    LOG.info("no metrics registry (camel.metrics.enabled=false): the app's metrics are not registered");
                    return;
                }
                QueueMeters.register(registry, context, ObservedQueue.of(context), watch, failures);
            }
        });
    }
}
