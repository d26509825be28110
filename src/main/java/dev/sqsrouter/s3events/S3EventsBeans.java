package dev.sqsrouter.s3events;

import dev.sqsrouter.config.OnceOnly;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/**
 * The Java parts the S3 event routes name: the parser, the thumbnail flow's image work, the error handling of the
 * processor routes, and the start-up checks of their configuration. A queue names its processor
 * (s3events.&lt;queue&gt;.processor = thumbnail, audit): the route that consumes direct:&lt;processor&gt;, so those
 * names are configuration values: keep them stable.
 */
public class S3EventsBeans implements CamelConfiguration {

    static final String THUMBNAIL_BUCKET = "s3events.thumbnail.bucket";

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
    @PropertyInject(value = "s3events.audit.url", defaultValue = "")
    private String auditUrl;

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        requireAuditUrl(auditUrl);
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

    @BindToRegistry("s3EventParser")
    public S3EventParser s3EventParser() {
        return new S3EventParser();
    }

    @BindToRegistry("thumbnailer")
    public Thumbnailer thumbnailer() {
        return new Thumbnailer(thumbnailBucket(sourceBucket, thumbnailBucket, thumbnailPrefix), thumbnailPrefix,
                thumbnailMaxBytes, thumbnailSize, thumbnailMaxPixels);
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
