package dev.sqsrouter.sqs;

import org.slf4j.MDC;

/**
 * The message a thread is working on, in the logging context (MDC), so that every line logged about it carries the
 * route, the queue, the group and the message id: the text layout prints them, the JSON layout has them as fields.
 * Set by the ordered consumer before each message of a group and cleared when the group's run ends.
 */
public final class MessageLogContext {

    public static final String ROUTE = "route";
    public static final String QUEUE = "queue";
    public static final String GROUP = "group";
    public static final String MESSAGE_ID = "messageId";

    private MessageLogContext() {
    }

    /** The message the current thread works on from now on, for the route that consumes it. */
    public static void enter(String routeId, SqsMessage message) {
        put(ROUTE, routeId);
        put(QUEUE, message.queue());
        put(GROUP, message.groupId());
        put(MESSAGE_ID, message.messageId());
    }

    /** The current thread works on no message any more. */
    public static void leave() {
        MDC.remove(ROUTE);
        MDC.remove(QUEUE);
        MDC.remove(GROUP);
        MDC.remove(MESSAGE_ID);
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
