package dev.sqsrouter.s3events;

import dev.sqsrouter.config.OnceOnly;
import dev.sqsrouter.config.TopologyRoutes;
import java.util.function.Function;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java parts the S3 event routes name: the parser, the thumbnail flow's image work, the error handling of the
 * processor routes, and the start-up checks of their configuration. A queue names its processor
 * (s3events.&lt;queue&gt;.processor = thumbnail, audit): the route that consumes direct:&lt;processor&gt;, so those
 * names are configuration values: keep them stable.
 */
public class S3EventsBeans implements CamelConfiguration {

    static final String THUMBNAIL_BUCKET = "s3events.thumbnail.bucket";
    private static final Logger LOG = LoggerFactory.getLogger(S3EventsBeans.class);

    @PropertyInject(value = "s3events.bucket", defaultValue = "")
    private String sourceBucket;
    @PropertyInject(value = THUMBNAIL_BUCKET, defaultValue = "")
    private String thumbnailBucket;
    @PropertyInject(value = "s3events.thumbnail.prefix", defaultValue = "thumbnails/")
    private String thumbnailPrefix;
    @PropertyInject(value = "s3events.thumbnail.max-bytes", defaultValue = "10485760")
    private long thumbnailMaxBytes;
    @PropertyInject(value = "s3events.thumbnail.size", defaultValue = "200")
    private int thumbnailSize;
    @PropertyInject(value = "s3events.thumbnail.max-pixels", defaultValue = "40000000")
    private long thumbnailMaxPixels;
    @PropertyInject(value = "s3events.thumbnail.max-decoded-bytes", defaultValue = "33554432")
    private long thumbnailMaxDecodedBytes;
    @PropertyInject(value = "s3events.thumbnail.decode-memory", defaultValue = "67108864")
    private long thumbnailDecodeMemory;
    @PropertyInject(value = "s3events.audit.url", defaultValue = "")
    private String auditUrl;

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        if (!TopologyRoutes.runs(camelContext, TopologyRoutes.S3EVENTS)) {
            // the processor routes (routeConfigurationId s3-record-processor) are not loaded: no S3 endpoint starts,
            // nothing checks a bucket, and a relay-only instance needs no S3 at all
            Model model = camelContext.getCamelContextExtension().getContextPlugin(Model.class);
            Function<RouteDefinition, Boolean> previous = model.getRouteFilter();
            model.setRouteFilter(route -> (previous == null || previous.apply(route))
                    && !S3RecordProcessorPolicy.ID.equals(route.getRouteConfigurationId()));
            LOG.info("S3 events are off on this instance ({}): the S3 processor routes are not loaded",
                    TopologyRoutes.enabled(camelContext, TopologyRoutes.S3EVENTS) ? "no S3 event queue is declared"
                            : "s3events.enabled=false");
            return;
        }
        requireAuditUrl(auditUrl);
        // the thumbnailer bean is made on first use: its settings are checked now, so that a mistake stops the start
        thumbnailer();
        String bucket = thumbnailBucket(sourceBucket, thumbnailBucket, thumbnailPrefix);
        if (thumbnailBucket == null || thumbnailBucket.isBlank()) {
            // the put-thumbnail step names {{s3events.thumbnail.bucket}}: empty means the source bucket
            camelContext.getPropertiesComponent().addOverrideProperty(THUMBNAIL_BUCKET, bucket);
        }
        if (OnceOnly.noRouteConfiguration(camelContext, S3RecordProcessorPolicy.ID)) {
            camelContext.addRoutes(new S3RecordProcessorPolicy());
            camelContext.addStartupListener(new S3ProcessorRoutesCheck());
        }
    }

    /** The audit route posts to s3events.audit.url: refuse to start without one. */
    static void requireAuditUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("s3events.audit.url is empty: set the URL of the response server the audit posts to");
        }
    }

    // lazy: created only when a route uses them, so an instance without the S3 flow never builds them
    @BindToRegistry(value = "s3EventParser", lazy = true)
    public S3EventParser s3EventParser() {
        return new S3EventParser();
    }

    @BindToRegistry(value = "thumbnailer", lazy = true)
    public Thumbnailer thumbnailer() {
        return new Thumbnailer(thumbnailBucket(sourceBucket, thumbnailBucket, thumbnailPrefix), thumbnailPrefix,
                thumbnailMaxBytes, thumbnailSize, thumbnailMaxPixels, thumbnailMaxDecodedBytes, new DecodeMemory(thumbnailDecodeMemory));
    }

    /** The configured thumbnail bucket (the source bucket when empty); refuses a setup where thumbnails replace images. */
    static String thumbnailBucket(String sourceBucket, String configured, String prefix) {
        String bucket = configured == null || configured.isBlank() ? sourceBucket : configured.trim();
        if (bucket.equals(sourceBucket.trim()) && (prefix == null || prefix.isBlank())) {
            throw new IllegalArgumentException("s3events.thumbnail.prefix is empty while thumbnails go to the source bucket ("
                    + bucket + "): every thumbnail would replace its image. Set a prefix such as thumbnails/ or another bucket");
        }
        return bucket;
    }
}
