package dev.sqsrouter.provision;

import java.util.List;

import dev.sqsrouter.failure.FailureRecords;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The failure table's schema and settings, once: provisioning creates the table from them and the deployment template
 * writes them as the table's properties. pk = queue#group (hash), sk = sequence (range), on demand; the sparse status
 * index that lists records across queues; TTL on expiresAt; point-in-time recovery and deletion protection, since an
 * administrator works from it.
 */
public final class FailureTableSpec {

    /** The hash key (queue#group) and range key (sequence), strings both. */
    public static final String HASH_KEY = "pk";
    public static final String RANGE_KEY = "sk";
    public static final BillingMode BILLING_MODE = BillingMode.PAY_PER_REQUEST;
    public static final String TIME_TO_LIVE_ATTRIBUTE = FailureRecords.EXPIRES_AT;
    public static final boolean POINT_IN_TIME_RECOVERY = true;
    public static final boolean DELETION_PROTECTION = true;

    private FailureTableSpec() {
    }

    public static List<AttributeDefinition> attributeDefinitions() {
        return List.of(string(HASH_KEY), string(RANGE_KEY), string(FailureRecords.STATUS), string(FailureRecords.RECORDED_AT));
    }

    public static List<KeySchemaElement> keySchema() {
        return List.of(key(HASH_KEY, KeyType.HASH), key(RANGE_KEY, KeyType.RANGE));
    }

    /** The status index: what a listing shows, no bodies (a body may be 300 KB). */
    public static GlobalSecondaryIndex statusIndex() {
        return GlobalSecondaryIndex.builder().indexName(FailureRecords.STATUS_INDEX)
                .keySchema(key(FailureRecords.STATUS, KeyType.HASH), key(FailureRecords.RECORDED_AT, KeyType.RANGE))
                .projection(Projection.builder().projectionType(ProjectionType.INCLUDE)
                        .nonKeyAttributes(FailureRecords.INDEX_ATTRIBUTES).build())
                .build();
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
