package dev.sqsrouter.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.OwnershipControls;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionConfiguration;

/**
 * What every bucket of the app is, once: encrypted with SSE-S3 (the instance role and S3's own publishing need no KMS
 * permission), private, owned by the bucket owner, reachable over TLS only. Provisioning applies it to a bucket it
 * creates; the deployment template writes it as the bucket's properties and policy.
 */
public final class BucketSpec {

    public static final ServerSideEncryption ENCRYPTION = ServerSideEncryption.AES256;
    public static final ObjectOwnership OWNERSHIP = ObjectOwnership.BUCKET_OWNER_ENFORCED;
    static final String POLICY_VERSION = "2012-10-17";
    static final String TLS_ONLY_SID = "DenyInsecureTransport";

    private BucketSpec() {
    }

    public static ServerSideEncryptionConfiguration encryption() {
        return ServerSideEncryptionConfiguration.builder()
                .rules(r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ENCRYPTION))).build();
    }

    public static PublicAccessBlockConfiguration publicAccessBlock() {
        return PublicAccessBlockConfiguration.builder().blockPublicAcls(true).blockPublicPolicy(true)
                .ignorePublicAcls(true).restrictPublicBuckets(true).build();
    }

    public static OwnershipControls ownership() {
        return OwnershipControls.builder().rules(r -> r.objectOwnership(OWNERSHIP)).build();
    }

    /** The bucket policy: any request not over TLS is denied, for the bucket (bucketArn) and its objects (objectsArn). */
    public static ObjectNode tlsOnlyPolicy(JsonNode bucketArn, JsonNode objectsArn) {
        ObjectNode document = JsonNodeFactory.instance.objectNode().put("Version", POLICY_VERSION);
        ObjectNode deny = document.putArray("Statement").addObject().put("Sid", TLS_ONLY_SID).put("Effect", "Deny");
        deny.put("Principal", "*");
        deny.put("Action", "s3:*");
        deny.putArray("Resource").add(bucketArn).add(objectsArn);
        deny.putObject("Condition").putObject("Bool").put("aws:SecureTransport", "false");
        return document;
    }
}
