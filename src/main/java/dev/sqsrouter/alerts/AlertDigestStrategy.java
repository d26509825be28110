package dev.sqsrouter.alerts;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/** Folds the failure alerts of a window into one {@link AlertDigest}: counts, not a list of every failure. */
public class AlertDigestStrategy implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange window, Exchange next) {
        FailureAlert alert = next.getMessage().getBody(FailureAlert.class);
        if (window == null) {
            next.getMessage().setBody(new AlertDigest().add(alert));
            return next;
        }
        window.getMessage().getBody(AlertDigest.class).add(alert);
        return window;
    }
}
