package dev.sqsrouter.config;

/**
 * Text from outside (S3 keys, message bodies and ids, response servers' answers) made safe for a line of a log, an
 * alert or a terminal: every control character (C0, DEL, C1) and the Unicode line and paragraph separators become a
 * visible escape, \n, \r, \t or backslash-u and four hex digits, so that such text can neither start a line of its own
 * nor send escape sequences to a terminal. Other characters, the backslash included, stay as they are.
 */
public final class ControlCharacters {

    private ControlCharacters() {
    }

    /** The text with its control characters escaped; null stays null. */
    public static String escape(String text) {
        if (text == null || clean(text)) {
            return text;
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        appendEscaped(text, escaped);
        return escaped.toString();
    }

    /** Escapes the control characters of buffer from start on, in place. */
    public static void escapeFrom(StringBuilder buffer, int start) {
        for (int i = start; i < buffer.length(); i++) {
            if (isControl(buffer.charAt(i))) {
                String rest = buffer.substring(i);
                buffer.setLength(i);
                appendEscaped(rest, buffer);
                return;
            }
        }
    }

    /** True for what {@link #escape} replaces. */
    public static boolean isControl(char c) {
        return Character.getType(c) == Character.CONTROL || c == '\u2028' || c == '\u2029';
    }

    /** Appends one character as {@link #escape} writes it. */
    public static void appendEscaped(char c, StringBuilder to) {
        switch (c) {
            case '\n' -> to.append("\\n");
            case '\r' -> to.append("\\r");
            case '\t' -> to.append("\\t");
            default -> {
                if (isControl(c)) {
                    to.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF])
                            .append(HEX[c & 0xF]);
                } else {
                    to.append(c);
                }
            }
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static boolean clean(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isControl(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static void appendEscaped(String text, StringBuilder to) {
        for (int i = 0; i < text.length(); i++) {
            appendEscaped(text.charAt(i), to);
        }
    }
}
