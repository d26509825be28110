package dev.sqsrouter.admin;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqsrouter.config.ControlCharacters;
import dev.sqsrouter.failure.FailureStore;
import dev.sqsrouter.http.HttpApiException;
import org.apache.camel.CamelContext;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The failures command: {@code java -jar sqs-router.jar failures list|show|replay|discard|stats [options] [--json]},
 * the admin API's failure operations ({@link FailureOperations}) on the failure store directly, with no app running.
 * Human-readable by default; {@code --json} prints what the REST API answers. Records hold text from producers and
 * response servers: its control characters are escaped before they reach the terminal (\n, backslash-u001b in the
 * human output; JSON escapes in --json, C1 controls included), so that a record can neither drive the terminal nor
 * pass for another line. Exit codes: 0 done, 1 AWS or the store
 * failed, 2 usage (with the usage on standard error), 3 not found, 4 conflict (the record is no longer OPEN).
 */
public final class FailuresCommand {

    public static final String COMMAND = "failures";
    public static final int OK = 0;
    public static final int STORE_ERROR = 1;
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    public static final int CONFLICT = 4;

    public static final String USAGE_TEXT = """
            usage: java -jar sqs-router.jar failures <command> [options] [--json]
              list     [--queue <alias>] [--group <group>] [--class BUSINESS|MALFORMED|POISON|REDRIVEN]
                       [--status OPEN|REPLAYING|REPLAYED|DISCARDED|ALL] [--from <ISO instant>] [--to <ISO instant>]
                       [--limit 1..500] [--cursor <next of the previous page>]
                                                     records newest first (default: OPEN, 50), then the next cursor
              show     <alias> <group> <key>         one record in full (key or sequence as list shows it)
              replay   <alias> <group>               send the group's OPEN records again, in order
              discard  <alias> <group> <key> --reason "<why>"
                                                     mark one OPEN record DISCARDED
              stats    [--status OPEN|REPLAYING|REPLAYED|DISCARDED]
                                                     records per queue and class (default: OPEN)
            <alias> is a relay alias or an S3 event queue's name (group "-" for its records).
            The configuration is the app's (application.properties, the environment, -D).
            exit codes: 0 done, 1 AWS or the store failed, 2 usage, 3 not found, 4 record not OPEN, or another replay of the group runs
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setCharacterEscapes(new TerminalSafeEscapes());
    }

    /** JSON's own escapes, and also DEL, the C1 controls and the Unicode line separators, which JSON may leave raw. */
    private static final class TerminalSafeEscapes extends CharacterEscapes {

        private final int[] ascii = standardAsciiEscapesForJSON();

        TerminalSafeEscapes() {
            ascii[0x7F] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int c) {
            return c <= Character.MAX_VALUE && ControlCharacters.isControl((char) c)
                    ? new SerializedString(ControlCharacters.escape(Character.toString(c))) : null;
        }
    }
    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "list", Set.of("queue", "group", "class", "status", "from", "to", "limit", "cursor"),
            "show", Set.of(), "replay", Set.of(), "discard", Set.of("reason"), "stats", Set.of("status"));
    private static final Map<String, Integer> POSITIONALS = Map.of("list", 0, "show", 3, "replay", 2, "discard", 3, "stats", 0);

    /** A parsed command line. */
    public record Invocation(String command, List<String> arguments, Map<String, String> options, boolean json) {
    }

    /** Not a command line this command takes: what is wrong, for standard error above the usage. */
    public static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private FailuresCommand() {
    }

    /** The arguments after "failures". */
    public static Invocation parse(List<String> args) throws UsageException {
        if (args.isEmpty()) {
            throw new UsageException("which failures command? list, show, replay, discard or stats");
        }
        String command = args.get(0);
        if (!OPTIONS.containsKey(command)) {
            throw new UsageException("'" + command + "' is not a failures command: use list, show, replay, discard or stats");
        }
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        boolean json = false;
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--json")) {
                json = true;
            } else if (arg.startsWith("--")) {
                String name = arg.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (!OPTIONS.get(command).contains(name)) {
                    throw new UsageException("--" + name + " is not an option of failures " + command);
                }
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                if (options.put(name, value) != null) {
                    throw new UsageException("--" + name + " was given twice");
                }
            } else {
                positional.add(arg);
            }
        }
        if (positional.size() != POSITIONALS.get(command)) {
            throw new UsageException("failures " + command + " takes " + POSITIONALS.get(command) + " arguments, not "
                    + positional.size() + ": " + positional);
        }
        if (command.equals("discard") && (options.get("reason") == null || options.get("reason").isBlank())) {
            throw new UsageException("failures discard needs --reason \"<why it is given up>\"");
        }
        return new Invocation(command, positional, options, json);
    }

    /** Runs a parsed command with the app's context (its failure store and SQS client); returns the exit code. */
    public static int run(Invocation invocation, CamelContext context, PrintStream out, PrintStream err) {
        FailureOperations operations = AdminBeans.failureOperations(context,
                context.getRegistry().lookupByNameAndType("failureStore", FailureStore.class),
                context.getRegistry().lookupByNameAndType("sqsClient", SqsClient.class));
        return run(invocation, operations, out, err);
    }

    static int run(Invocation invocation, FailureOperations operations, PrintStream out, PrintStream err) {
        List<String> a = invocation.arguments();
        Map<String, String> o = invocation.options();
        try {
            Object answer;
            int code = OK;
            Function<Object, String> human;
            switch (invocation.command()) {
                case "list" -> {
                    answer = operations.list(new FailureOperations.ListRequest(o.get("queue"), o.get("group"), o.get("class"),
                            o.get("status"), o.get("from"), o.get("to"), o.get("limit"), o.get("cursor")));
                    human = FailuresCommand::table;
                }
                case "show" -> {
                    answer = operations.record(a.get(0), a.get(1), a.get(2));
                    human = FailuresCommand::fields;
                }
                case "replay" -> {
                    FailureOperations.Outcome outcome = operations.replay(a.get(0), a.get(1));
                    answer = outcome.answer();
                    code = outcome.status() == 200 ? OK : outcome.status() == 409 ? CONFLICT : STORE_ERROR;
                    human = FailuresCommand::replayed;
                }
                case "discard" -> {
                    answer = operations.discard(a.get(0), a.get(1), a.get(2), o.get("reason"));
                    human = value -> "discarded " + safe(a.get(0)) + " " + safe(a.get(1)) + " " + safe(a.get(2)) + "\n";
                }
                default -> {
                    answer = operations.counts(o.get("status"));
                    human = FailuresCommand::stats;
                }
            }
            out.print(invocation.json() ? json(answer) + "\n" : human.apply(answer));
            out.flush();
            return code;
        } catch (HttpApiException refused) {
            if (invocation.json()) {
                err.println(json(Map.of("error", refused.error(), "message", refused.getMessage())));
            } else {
                err.println("failures " + invocation.command() + ": " + safe(refused.getMessage()));
            }
            return switch (refused.status()) {
                case 400, 405, 415 -> USAGE;
                case 404 -> NOT_FOUND;
                case 409 -> CONFLICT;
                default -> STORE_ERROR;
            };
        } catch (RuntimeException e) {
            err.println("failures " + invocation.command() + " failed: " + safe(e));
            return STORE_ERROR;
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static String table(Object answer) {
        Map<String, Object> page = (Map<String, Object>) answer;
        List<Map<String, Object>> records = (List<Map<String, Object>>) page.get("records");
        StringBuilder text = new StringBuilder();
        String format = "%-30s  %-16s  %-20s  %-20s  %-9s  %-9s  %4s  %s%n";
        text.append(String.format(format, "RECORDED AT", "QUEUE", "GROUP", "SEQUENCE/KEY", "CLASS", "STATUS", "HTTP", "REASON"));
        for (Map<String, Object> r : records) {
            Object sequence = r.get("sequence") != null ? r.get("sequence") : r.get("key");
            text.append(String.format(format, safe(r.get("recordedAt")), safe(r.get("alias")), safe(r.get("group")), safe(sequence),
                    safe(r.get("class")), safe(r.get("status")), r.get("httpStatus") == null ? "-" : safe(r.get("httpStatus")),
                    oneLine(r.get("reason"), 80)));
        }
        text.append(records.isEmpty() ? "no records\n" : records.size() + (records.size() == 1 ? " record\n" : " records\n"));
        text.append(page.get("next") == null ? "last page\n" : "next page: --cursor " + safe(page.get("next")) + "\n");
        return text.toString();
    }

    @SuppressWarnings("unchecked")
    private static String fields(Object answer) {
        Map<String, Object> record = (Map<String, Object>) answer;
        StringBuilder text = new StringBuilder();
        record.forEach((name, value) -> {
            if (!name.equals("body")) {
                text.append(String.format("%-16s %s%n", name, value == null ? "-" : safe(value)));
            }
        });
        text.append("body\n").append(record.get("body") == null ? "-" : safe(record.get("body"))).append('\n');
        return text.toString();
    }

    @SuppressWarnings("unchecked")
    private static String replayed(Object answer) {
        Map<String, Object> result = (Map<String, Object>) answer;
        List<FailureReplay.Replayed> replayed = (List<FailureReplay.Replayed>) result.get("replayed");
        List<FailureReplay.Skipped> skipped = (List<FailureReplay.Skipped>) result.get("skipped");
        StringBuilder text = new StringBuilder();
        for (FailureReplay.Replayed r : replayed) {
            text.append("replayed ").append(safe(r.sequence())).append(" as ").append(safe(r.replayMessageId())).append('\n');
        }
        for (FailureReplay.Skipped s : skipped) {
            text.append("skipped  ").append(safe(s.sequence())).append(": ").append(safe(s.reason())).append('\n');
        }
        text.append("replayed ").append(replayed.size()).append(", skipped ").append(skipped.size()).append('\n');
        if (result.get("message") != null) {
            text.append("stopped: ").append(safe(result.get("message"))).append('\n');
        }
        return text.toString();
    }

    @SuppressWarnings("unchecked")
    private static String stats(Object answer) {
        Map<String, Object> counts = (Map<String, Object>) answer;
        StringBuilder text = new StringBuilder();
        ((Map<String, Map<String, Object>>) counts.get("queues")).forEach((alias, queue) -> {
            text.append(String.format("%-24s %8s%n", safe(alias), queue.get("total")));
            ((Map<String, Object>) queue.get("classes")).forEach((failureClass, n) ->
                    text.append(String.format("  %-22s %8s%n", failureClass, n)));
        });
        text.append(String.format("%-24s %8s%n", "total " + counts.get("status"), counts.get("total")));
        return text.toString();
    }

    private static String oneLine(Object text, int chars) {
        if (text == null) {
            return "-";
        }
        String line = text.toString().replaceAll("\\s+", " ");
        return safe(line.length() <= chars ? line : line.substring(0, chars - 3) + "...");
    }

    /** A value as the terminal may show it: its control characters escaped. */
    private static String safe(Object value) {
        return ControlCharacters.escape(String.valueOf(value));
    }
}
