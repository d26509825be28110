package dev.sqsrouter.s3events;

import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * The error handling of the processor routes (direct:thumbnail, direct:audit): none of their own. What fails in one
 * reaches the record runner as thrown, which parks a refused record alone or hands the failure on to the queue
 * route's failure policy; an error handler here would log, mark the exchange handled, or classify it a second time.
 */
public class S3RecordProcessorPolicy extends RouteConfigurationBuilder {

    public static final String ID = "s3-record-processor";

    @Override
    public void configuration() {
        routeConfiguration(ID).errorHandler(noErrorHandler());
    }
}
