package dev.sqsrouter.observe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.sqsrouter.alerts.AlertTopic;
import dev.sqsrouter.config.TopologyRoutes;
import org.apache.camel.CamelContext;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * One resource the app needs besides its queues and its failure table, asked at each queue watch poll whether it is
 * there: the S3 event flow's buckets (HeadBucket) and the alert topic (GetTopicAttributes). Only what runs on this
 * instance is asked: no bucket without the S3 flow, no topic without alerts.
 *
 * @param service  the AWS service, as readiness names it (S3, SNS)
 * @param resource what is asked for, as readiness names it
 * @param ready    whether its absence makes the instance not ready: a bucket the S3 flow reads, yes; the alert topic,
 *                 no (alerts wait in memory for it, and the ingress must stay in the load balancer)
 * @param call     the call, which throws when the service does not answer or the resource is missing
 */
public record ServiceProbe(String service, String resource, boolean ready, Runnable call) {

    /** The probes of what runs on this instance; clients are looked up only for what is asked. */
    static List<ServiceProbe> of(CamelContext context, Duration callTimeout) {
        List<ServiceProbe> probes = new ArrayList<>();
        if (TopologyRoutes.runs(context, TopologyRoutes.S3EVENTS)) {
            S3Client s3 = context.getRegistry().lookupByNameAndType("s3Client", S3Client.class);
            String source = context.resolvePropertyPlaceholders("{{s3events.bucket}}").trim();
            String thumbnails = context.resolvePropertyPlaceholders("{{s3events.thumbnail.bucket:}}").trim();
            for (String bucket : thumbnails.isEmpty() || thumbnails.equals(source) ? List.of(source) : List.of(source, thumbnails)) {
                probes.add(new ServiceProbe("S3", "bucket " + bucket, true, () -> s3.headBucket(b -> b.bucket(bucket)
                        .overrideConfiguration(o -> o.apiCallTimeout(callTimeout)))));
            }
        }
        boolean alerts = Boolean.parseBoolean(context.resolvePropertyPlaceholders("{{alerts.enabled:true}}").trim());
        AlertTopic topic = alerts ? context.getRegistry().lookupByNameAndType("alertTopic", AlertTopic.class) : null;
        if (topic != null) {
            SnsClient sns = context.getRegistry().lookupByNameAndType("snsClient", SnsClient.class);
            probes.add(new ServiceProbe("SNS", "topic " + topic.name(), false, () -> sns.getTopicAttributes(b -> b
                    .topicArn(topic.arn()).overrideConfiguration(o -> o.apiCallTimeout(callTimeout)))));
        }
        return List.copyOf(probes);
    }
}
