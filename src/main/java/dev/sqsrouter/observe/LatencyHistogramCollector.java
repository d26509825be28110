package dev.sqsrouter.observe;

import java.util.ArrayList;
import java.util.List;

import dev.sqsrouter.sqs.ConsumerStats;
import dev.sqsrouter.sqs.LatencyHistogram;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/**
 * {@value #NAME}: each consumer's {@link LatencyHistogram} (receive to delete, per deleted message) as a Prometheus
 * histogram, read when scraped. The consumer keeps recording into its own lock-free histogram as before; no Micrometer
 * timer is added on the message path.
 */
final class LatencyHistogramCollector implements Collector {

    static final String NAME = "sqsrouter_relay_latency_seconds";
    /** Upper bounds of the buckets, seconds; +Inf is added. */
    static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
    private static final double[] BOUNDS_MICROS = new double[BOUNDS.length];
    private static final double[] BOUNDS_WITH_INF = new double[BOUNDS.length + 1];

    static {
        for (int i = 0; i < BOUNDS.length; i++) {
            BOUNDS_MICROS[i] = BOUNDS[i] * 1e6;
            BOUNDS_WITH_INF[i] = BOUNDS[i];
        }
        BOUNDS_WITH_INF[BOUNDS.length] = Double.POSITIVE_INFINITY;
    }

    /** One consumer's histogram and its labels. */
    record Source(ConsumerStats stats, String queue, String flow) {
    }

    private final List<Source> sources = new ArrayList<>();

    LatencyHistogramCollector(List<Source> sources) {
        this.sources.addAll(sources);
    }

    @Override
    public String getPrometheusName() {
        return NAME;
    }

    @Override
    public MetricSnapshot collect() {
        HistogramSnapshot.Builder histogram = HistogramSnapshot.builder().name(NAME)
                .help("Time from the receive of a message to its delete (relayed or parked), seconds");
        for (Source source : sources) {
            LatencyHistogram latency = source.stats().latency();
            long[] counts = latency.countsByUpperBound(BOUNDS_MICROS);
            histogram.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .labels(Labels.of("flow", source.flow(), "queue", source.queue()))
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS_WITH_INF, counts))
                    .sum(latency.sumMicros() / 1e6)
                    .build());
        }
        return histogram.build();
    }
}
