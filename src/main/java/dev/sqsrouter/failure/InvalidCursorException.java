package dev.sqsrouter.failure;

/** A paging cursor that this store did not give out, or gave out for another listing. */
public class InvalidCursorException extends IllegalArgumentException {

    public InvalidCursorException(String message) {
        super(message);
    }
}
