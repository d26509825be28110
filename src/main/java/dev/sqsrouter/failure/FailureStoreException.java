package dev.sqsrouter.failure;

/** The failure store could not take a record: the message must stay in SQS. */
public class FailureStoreException extends RuntimeException {
    public FailureStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
