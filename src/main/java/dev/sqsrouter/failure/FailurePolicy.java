package dev.sqsrouter.failure;

import dev.sqsrouter.http.RetryAfter;
import dev.sqsrouter.sqs.OrderedSqsConsumer;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * The relay's outcome table as Camel error handling; YAML routes name it with routeConfigurationId so that flows
 * are edited without touching failure handling. What is parked goes to the failure channel ({@value FailureChannel#URI}),
 * the route that writes its record once; if that write fails, the exception replaces the handled one and the message
 * stays in SQS.
 * <ul>
 * <li>malformed message: a MALFORMED record, then handled (deleted)</li>
 * <li>business failure (status_code != 200, or 4xx other than 408/429): a BUSINESS record, then handled (deleted); the
 * dead-letter queue is not involved (it holds what SQS redrives)</li>
 * <li>anything else (refused, timeout, 5xx, 408, 429, the store failing): left on the exchange, so the consumer holds
 * the message and its group in flight and retries it in place with backoff, or after the target's Retry-After (429,
 * 503)</li>
 * <li>on the consumer's last attempt of a message that kept failing while the target answered others (a poison
 * message): a POISON record, then handled (deleted)</li>
 * </ul>
 */
public class FailurePolicy extends RouteConfigurationBuilder {

    public static final String ID = "failure-policy";

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(MalformedMessageException.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "${routeId}: malformed message ${exchangeProperty[sqsrouter.message].messageId()} parked: ${exception.message}")
                    .bean("failureParking", "malformed")
                    .to(FailureChannel.URI)
                .end()
                .onException(BusinessFailureException.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "${routeId}: business failure of ${exchangeProperty[sqsrouter.message].messageId()} parked: ${exception.message}")
                    .bean("failureParking", "businessFailure")
                    .to(FailureChannel.URI)
                .end()
                .onException(HttpOperationFailedException.class)
                    .onWhen(FailurePolicy::isBusinessRefusal)
                    .handled(true)
                    .log(LoggingLevel.WARN, "${routeId}: business failure of ${exchangeProperty[sqsrouter.message].messageId()} parked: HTTP ${exception.statusCode}")
                    .bean("failureParking", "businessFailure")
                    .to(FailureChannel.URI)
                .end()
                // the consumer's last attempt of a message that kept failing while the target answered others
                .onException(Exception.class)
                    .onWhen(exchangeProperty(OrderedSqsConsumer.LAST_ATTEMPT).isEqualTo(true))
                    .handled(true)
                    .log(LoggingLevel.WARN, "${routeId}: ${exchangeProperty[sqsrouter.message].messageId()} parked after ${exchangeProperty[sqsrouter.attempt]} attempts failed while the target answered other messages: ${exception.message}")
                    .bean("failureParking", "poison")
                    .to(FailureChannel.URI)
                .end()
                // transient: no retry here; the consumer retries in place, holding the message and its group in flight,
                // after the target's Retry-After when a 429 or 503 carried one
                .onException(Exception.class)
                    .maximumRedeliveries(0)
                    .logExhausted(false)
                    .handled(false)
                    .process(RetryAfter::note)
                .end();
    }

    static boolean isBusinessRefusal(Exchange exchange) {
        HttpOperationFailedException failure = exchange.getException(HttpOperationFailedException.class);
        return failure != null && isBusinessRefusal(failure.getStatusCode());
    }

    /** 3xx and 4xx are refusals, except 408 and 429 which say "try again later". */
    public static boolean isBusinessRefusal(int httpStatus) {
        return httpStatus >= 300 && httpStatus < 500 && httpStatus != 408 && httpStatus != 429;
    }

}
