package dev.sqsrouter.http;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * How the HTTP routes (ingress, admin) answer a failure: a refused request as {@code {"error","message"}} with its
 * status; anything unexpected as a 500 whose details stay in the log. YAML routes name it with routeConfigurationId.
 */
public class HttpApiErrorPolicy extends RouteConfigurationBuilder {

    public static final String ID = "http-api-errors";

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(HttpApiException.class)
                    .handled(true)
                    .process(HttpApiResponses::refused)
                .end()
                .onException(Exception.class)
                    .handled(true)
                    .log(LoggingLevel.ERROR, "${routeId}: ${exception.class.simpleName} on ${header.CamelHttpMethod} ${header.CamelHttpPath}"
                            + " (exchange ${exchangeId}): ${exception.message}")
                    .process(HttpApiResponses::internalError)
                .end();
    }
}
