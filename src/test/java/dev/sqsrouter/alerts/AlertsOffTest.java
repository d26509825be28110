package dev.sqsrouter.alerts;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** alerts.enabled=false: failures are parked as ever, and nothing is published. */
class AlertsOffTest extends AlertTestSupport {

    @Override
    protected void overrideProperties(Properties properties) {
        super.overrideProperties(properties);
        properties.setProperty("alerts.enabled", "false");
    }

    @Test
    void withAlertsOffFailuresAreParkedAndNothingIsPublished() {
        context.start();
        sendFailing("queue-1", "off-", 3, 422);
        await().atMost(Duration.ofSeconds(30)).until(() -> recordsInStore() == 3);

        List<Received> alerts = new ArrayList<>();
        await().during(Duration.ofSeconds(WINDOW_SECONDS + 2)).atMost(Duration.ofSeconds(WINDOW_SECONDS + 10))
                .until(() -> {
                    alerts.addAll(receiveAlerts());
                    return alerts.isEmpty();
                });
        assertEquals(0, alerts().failures());
        assertEquals(0, alerts().published() + alerts().notPublished());
    }
}
