package dev.sqsrouter.failure;

/** The message is not what the flow expects; retrying cannot help, so it is parked and deleted. */
public class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String reason) {
        super(reason);
    }

    public MalformedMessageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
