package dev.sqsrouter.failure;

/**
 * The failure store refuses a record for good, even reduced (see {@link FailureStore#record(FailureRecord)}): no retry
 * will change it. It is a {@link FailureStoreException}, so every caller keeps the message in SQS: without a durable
 * record a message is never deleted. It is logged as an error with DynamoDB's reason, for an operator to act on.
 */
public class FailureStorePermanentException extends FailureStoreException {
    public FailureStorePermanentException(String message, Throwable cause) {
        super(message, cause);
    }
}
