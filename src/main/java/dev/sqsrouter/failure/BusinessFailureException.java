package dev.sqsrouter.failure;

/**
 * The target answered and refused the message (status_code != 200, or a 4xx other than 408/429), or what the
 * message names cannot be processed (an S3 object that is gone, too large, not an image): a decision, not an
 * accident, so it is parked (once, in the failure store) rather than retried.
 */
public class BusinessFailureException extends RuntimeException {

    private final Integer httpStatus;
    private final String answer;

    /**
     * @param httpStatus the refusing side's HTTP status, or null when the refusal is the app's own (e.g. an object
     *                   over a size cap)
     * @param answer     what the refusing side answered, or null
     */
    public BusinessFailureException(String reason, Integer httpStatus, String answer) {
        super(reason);
        this.httpStatus = httpStatus;
        this.answer = answer;
    }

    public Integer httpStatus() {
        return httpStatus;
    }

    public String answer() {
        return answer;
    }
}
