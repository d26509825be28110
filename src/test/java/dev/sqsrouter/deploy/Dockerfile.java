package dev.sqsrouter.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Dockerfile read the way Docker reads it, for the instructions and forms this project's Dockerfile uses: FROM ...
 * AS, WORKDIR, COPY [--from=stage], RUN (shell form), USER, ENV, EXPOSE, ENTRYPOINT/CMD and HEALTHCHECK in exec form.
 * Anything else (another instruction, flag, form or a variable) fails with the line, so that a check built on it
 * cannot silently pass over a line it does not understand.
 */
public final class Dockerfile {

    private static final Set<String> KEYWORDS = Set.of("FROM", "WORKDIR", "COPY", "RUN", "USER", "ENV", "EXPOSE",
            "ENTRYPOINT", "CMD", "HEALTHCHECK");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One instruction: its keyword (upper case), its arguments as written (continuations joined), its first line. */
    public record Instruction(int line, String keyword, String arguments) {

        IllegalStateException refused(String why) {
            return new IllegalStateException("Dockerfile line " + line + " (" + keyword + " " + arguments + "): " + why);
        }
    }

    /** A COPY: its sources, its destination and the stage it copies from (null: the build context). */
    public record Copy(String from, List<String> sources, String destination) {
    }

    /** A build stage: its base image, its name (null when it has none) and its instructions. */
    public record Stage(String image, String name, List<Instruction> instructions) {
    }

    private final List<Stage> stages;

    private Dockerfile(List<Stage> stages) {
        this.stages = stages;
    }

    public static Dockerfile parse(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    public static Dockerfile parse(String text) {
        List<Stage> stages = new ArrayList<>();
        List<Instruction> current = null;
        for (Instruction instruction : instructions(text)) {
            if (instruction.keyword().equals("FROM")) {
                List<String> words = List.of(instruction.arguments().split("\\s+"));
                if (words.get(0).startsWith("--") || !(words.size() == 1 || (words.size() == 3 && words.get(1).equalsIgnoreCase("AS")))) {
                    throw instruction.refused("only FROM <image> [AS <name>] is understood");
                }
                noVariables(instruction, instruction.arguments());
                current = new ArrayList<>();
                stages.add(new Stage(words.get(0), words.size() == 3 ? words.get(2).toLowerCase(Locale.ROOT) : null, current));
                continue;
            }
            if (current == null) {
                throw instruction.refused("an instruction before the first FROM");
            }
            current.add(instruction);
        }
        if (stages.isEmpty()) {
            throw new IllegalStateException("Dockerfile: no FROM");
        }
        return new Dockerfile(List.copyOf(stages));
    }

    public List<Stage> stages() {
        return stages;
    }

    /** The last stage: what the image is. */
    public Stage runtime() {
        return stages.get(stages.size() - 1);
    }

    public Stage stage(String name) {
        return stages.stream().filter(s -> name.equalsIgnoreCase(s.name())).findFirst()
                .orElseThrow(() -> new IllegalStateException("Dockerfile: no stage named " + name));
    }

    /** Logical lines: comments and empty lines dropped, continuations (a trailing backslash) joined. */
    static List<Instruction> instructions(String text) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        int start = 0;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("#")) {
                if (line.toLowerCase(Locale.ROOT).replace(" ", "").startsWith("#escape=") && instructions.isEmpty()) {
                    throw new IllegalStateException("Dockerfile line " + (i + 1) + ": the escape directive is not understood");
                }
                continue;
            }
            if (line.isEmpty()) {
                continue;
            }
            if (pending.isEmpty()) {
                start = i + 1;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String joined = pending.toString().strip();
            pending.setLength(0);
            int space = joined.indexOf(' ');
            String keyword = (space < 0 ? joined : joined.substring(0, space)).toUpperCase(Locale.ROOT);
            String arguments = space < 0 ? "" : joined.substring(space + 1).strip();
            Instruction instruction = new Instruction(start, keyword, arguments);
            if (!KEYWORDS.contains(keyword)) {
                throw instruction.refused("an instruction the image check does not understand; teach it "
                        + "(dev.sqsrouter.deploy.Dockerfile, DockerBuild) before using it");
            }
            instructions.add(instruction);
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException("Dockerfile line " + start + ": a continuation that never ends");
        }
        return instructions;
    }

    /** COPY [--from=stage] src... dest. */
    public static Copy copy(Instruction instruction) {
        noVariables(instruction, instruction.arguments());
        if (instruction.arguments().startsWith("[")) {
            throw instruction.refused("the JSON form of COPY is not understood");
        }
        List<String> words = new ArrayList<>(List.of(instruction.arguments().split("\\s+")));
        String from = null;
        while (words.get(0).startsWith("--")) {
            String flag = words.remove(0);
            if (!flag.startsWith("--from=")) {
                throw instruction.refused("COPY " + flag.split("=")[0] + " is not understood (only --from=<stage>)");
            }
            from = flag.substring("--from=".length()).toLowerCase(Locale.ROOT);
        }
        if (words.size() < 2) {
            throw instruction.refused("COPY needs a source and a destination");
        }
        List<String> sources = words.subList(0, words.size() - 1);
        for (String source : sources) {
            if (source.contains("*") || source.contains("?") || source.contains("[")) {
                throw instruction.refused("wildcards in COPY sources are not understood");
            }
        }
        String destination = words.get(words.size() - 1);
        if (sources.size() > 1 && !destination.endsWith("/")) {
            throw instruction.refused("COPY of several sources needs a destination ending in /");
        }
        return new Copy(from, List.copyOf(sources), destination);
    }

    /** The command of a RUN in shell form. */
    public static String run(Instruction instruction) {
        String command = instruction.arguments();
        if (command.startsWith("--")) {
            throw instruction.refused("RUN flags (--mount, --network, ...) are not understood");
        }
        if (command.startsWith("[")) {
            throw instruction.refused("RUN in exec form is not understood");
        }
        return command;
    }

    /** ENTRYPOINT, CMD, or HEALTHCHECK's CMD: exec form only (a shell form would make sh, not java, PID 1). */
    public static List<String> execForm(Instruction instruction) {
        String arguments = instruction.arguments();
        if (instruction.keyword().equals("HEALTHCHECK")) {
            Matcher cmd = Pattern.compile("(?:--\\S+\\s+)*CMD\\s+(.*)", Pattern.CASE_INSENSITIVE).matcher(arguments);
            if (!cmd.matches()) {
                throw instruction.refused("only HEALTHCHECK [options] CMD [\"exec\", \"form\"] is understood");
            }
            arguments = cmd.group(1);
        }
        if (!arguments.startsWith("[")) {
            throw instruction.refused("the shell form is not understood: write the exec form [\"...\", ...]");
        }
        try {
            List<String> words = JSON.readValue(arguments, new TypeReference<List<String>>() { });
            if (words.isEmpty()) {
                throw instruction.refused("an empty command");
            }
            return List.copyOf(words);
        } catch (IOException e) {
            throw instruction.refused("not a JSON array of strings: " + e.getMessage());
        }
    }

    /** ENV name=value ... (values quoted or not) or the legacy ENV name value. */
    public static Map<String, String> env(Instruction instruction) {
        String arguments = instruction.arguments();
        noVariables(instruction, arguments);
        Map<String, String> env = new LinkedHashMap<>();
        Matcher legacy = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s+([^=\"]*)").matcher(arguments);
        if (legacy.matches()) {
            env.put(legacy.group(1), legacy.group(2).strip());
            return env;
        }
        Matcher pair = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)=(\"([^\"\\\\]*)\"|([^\\s\"\\\\]*))").matcher(arguments);
        int at = 0;
        while (at < arguments.length() && pair.find(at) && pair.start() == at) {
            env.put(pair.group(1), pair.group(3) != null ? pair.group(3) : pair.group(4));
            at = pair.end();
        }
        if (at != arguments.length() || env.isEmpty()) {
            throw instruction.refused("ENV is understood as name=value or name=\"value\" pairs without escapes");
        }
        return env;
    }

    /** EXPOSE port[/tcp] ...: the ports. */
    public static List<Integer> expose(Instruction instruction) {
        List<Integer> ports = new ArrayList<>();
        for (String word : instruction.arguments().split("\\s+")) {
            Matcher port = Pattern.compile("(\\d+)(/tcp)?").matcher(word);
            if (!port.matches()) {
                throw instruction.refused("EXPOSE is understood as TCP port numbers");
            }
            ports.add(Integer.parseInt(port.group(1)));
        }
        return ports;
    }

    /** WORKDIR, USER: one word without variables. */
    public static String word(Instruction instruction) {
        noVariables(instruction, instruction.arguments());
        if (instruction.arguments().isEmpty() || instruction.arguments().contains(" ")) {
            throw instruction.refused(instruction.keyword() + " is understood with one argument");
        }
        return instruction.arguments();
    }

    private static void noVariables(Instruction instruction, String text) {
        if (text.contains("$")) {
            throw instruction.refused("variables are not understood outside RUN");
        }
    }
}
