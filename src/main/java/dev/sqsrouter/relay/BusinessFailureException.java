package dev.sqsrouter.relay;

/**
 * The target answered and refused the message (status_code != 200, or a 4xx other than 408/429): a decision, not
 * an accident, so it is parked (dead-letter queue and failure store) rather than retried.
 */
public class BusinessFailureException extends RuntimeException {

    private final int httpStatus;
    private final String answer;

    public BusinessFailureException(String reason, int httpStatus, String answer) {
        super(reason);
        this.httpStatus = httpStatus;
        this.answer = answer;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String answer() {
        return answer;
    }
}
