package dev.sqsrouter.observe;

import org.apache.camel.builder.RouteBuilder;

/** {@value #ROUTE_ID}: polls the queue watch at its interval, on a timer of its own (never per scrape or probe). */
public class QueueWatchRoutes extends RouteBuilder {

    public static final String ROUTE_ID = "queue-watch";

    private final QueueWatch watch;
    private final long periodMillis;

    public QueueWatchRoutes(QueueWatch watch, long periodMillis) {
        this.watch = watch;
        this.periodMillis = periodMillis;
    }

    @Override
    public void configure() {
        from("timer:" + ROUTE_ID + "?delay=0&period=" + periodMillis).routeId(ROUTE_ID)
                .process(exchange -> watch.poll(ObservedQueue.of(getContext()),
                        routeId -> QueueMeters.stats(getContext(), routeId))).id("poll-queues-and-failure-store");
    }
}
