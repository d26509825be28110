package dev.sqsrouter.config;

import java.util.List;

import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;
import org.apache.logging.log4j.core.pattern.PatternFormatter;

/**
 * The text layout's {@code %escapeControls{pattern}}: what the inner pattern writes, with its control characters
 * escaped as {@link ControlCharacters} does, so that an S3 key, a body or an exception's message can neither forge a
 * log line nor drive a terminal. {@code %escapeControls{%throwable}{stackTrace}} keeps a stack trace's own layout:
 * a line break stays when the next line is a frame or a cause (it starts with a tab or "Caused by: "), or ends the
 * trace, and tabs stay; so no line it writes can pass for a log line of its own. log4j's {@code %enc{}{CRLF}} would
 * leave escape sequences through.
 */
@Plugin(name = "escapeControls", category = PatternConverter.CATEGORY)
@ConverterKeys({"escapeControls"})
public final class EscapeControlsConverter extends LogEventPatternConverter {

    private static final String STACK_TRACE = "stackTrace";
    private static final String CAUSE = "Caused by: ";

    private final List<PatternFormatter> formatters;
    private final boolean stackTrace;

    private EscapeControlsConverter(List<PatternFormatter> formatters, boolean stackTrace) {
        super("escapeControls", "escapeControls");
        this.formatters = formatters;
        this.stackTrace = stackTrace;
    }

    /** Called by log4j for each use in a pattern. */
    public static EscapeControlsConverter newInstance(Configuration config, String[] options) {
        if (options.length < 1 || options.length > 2 || (options.length == 2 && !STACK_TRACE.equals(options[1]))) {
            LOGGER.error("%escapeControls takes a pattern and optionally {" + STACK_TRACE + "}, as in %escapeControls{%msg}");
            return null;
        }
        return new EscapeControlsConverter(PatternLayout.createPatternParser(config).parse(options[0]),
                options.length == 2);
    }

    @Override
    public void format(LogEvent event, StringBuilder toAppendTo) {
        int start = toAppendTo.length();
        for (PatternFormatter formatter : formatters) {
            formatter.format(event, toAppendTo);
        }
        if (stackTrace) {
            escapeStackTrace(toAppendTo, start);
        } else {
            ControlCharacters.escapeFrom(toAppendTo, start);
        }
    }

    /** A nested %throwable writes the event's exception: the layout must not add one of its own. */
    @Override
    public boolean handlesThrowable() {
        return formatters.stream().anyMatch(PatternFormatter::handlesThrowable);
    }

    private static void escapeStackTrace(StringBuilder buffer, int start) {
        String trace = buffer.substring(start);
        buffer.setLength(start);
        for (int i = 0; i < trace.length(); i++) {
            char c = trace.charAt(i);
            boolean layout = c == '\t' || c == '\n' && (i + 1 == trace.length() || trace.charAt(i + 1) == '\t'
                    || trace.startsWith(CAUSE, i + 1));
            if (layout) {
                buffer.append(c);
            } else {
                ControlCharacters.appendEscaped(c, buffer);
            }
        }
    }
}
