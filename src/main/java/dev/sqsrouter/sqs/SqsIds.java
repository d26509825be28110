package dev.sqsrouter.sqs;

/**
 * SQS's rule for MessageGroupId and MessageDeduplicationId: 1 to 128 characters, each an ASCII letter, digit or
 * punctuation mark {@code !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~}.
 */
public final class SqsIds {

    public static final int MAX_LENGTH = 128;
    static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private SqsIds() {
    }

    /** What is wrong with the id, or null when SQS accepts it. */
    public static String problem(String id) {
        if (id.isEmpty()) {
            return "is empty";
        }
        if (id.length() > MAX_LENGTH) {
            return "is " + id.length() + " characters long; the limit is " + MAX_LENGTH;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!isAllowed(c)) {
                return "has " + describe(c) + " at position " + (i + 1)
                        + "; only letters, digits and punctuation " + PUNCTUATION + " are allowed";
            }
        }
        return null;
    }

    static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || PUNCTUATION.indexOf(c) >= 0;
    }

    private static String describe(char c) {
        return c >= 0x21 && c < 0x7f || Character.isLetterOrDigit(c) ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
