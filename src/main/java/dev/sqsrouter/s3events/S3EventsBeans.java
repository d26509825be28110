package dev.sqsrouter.s3events;

import dev.sqsrouter.relay.RelayContract;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The beans the S3 event routes name: the parser, and one bean per processor. A queue names its processor by bean
 * name (s3events.&lt;queue&gt;.processor), so the names here are configuration values: keep them stable.
 */
public class S3EventsBeans implements CamelConfiguration, CamelContextAware {

    /** Bean names of the processors, as s3events.&lt;queue&gt;.processor names them. */
    public static final String THUMBNAIL = "thumbnail";
    public static final String AUDIT = "audit";

    private CamelContext camelContext;

    @PropertyInject(value = "s3events.bucket", defaultValue = "")
    private String sourceBucket;
    @PropertyInject(value = "s3events.thumbnail.bucket", defaultValue = "")
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
    @PropertyInject(value = "s3events.audit.connect-timeout-ms", defaultValue = "2000")
    private int auditConnectTimeoutMs;
    @PropertyInject(value = "s3events.audit.response-timeout-ms", defaultValue = "10000")
    private int auditResponseTimeoutMs;

    @BindToRegistry("s3EventParser")
    public S3EventParser s3EventParser() {
        return new S3EventParser();
    }

    @BindToRegistry(THUMBNAIL)
    public ThumbnailProcessor thumbnail(S3Client s3Client) {
        return new ThumbnailProcessor(s3Client, thumbnailBucket(sourceBucket, thumbnailBucket, thumbnailPrefix),
                thumbnailPrefix, thumbnailMaxBytes, thumbnailSize, thumbnailMaxPixels);
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

    @BindToRegistry(AUDIT)
    public AuditProcessor audit() {
        return new AuditProcessor(camelContext, auditUrl, auditConnectTimeoutMs, auditResponseTimeoutMs, new RelayContract());
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
