package dev.sqsrouter.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A .dockerignore as Docker applies it to the build context: patterns relative to the context's root (no implicit
 * "any directory" as in .gitignore: {@code *.md} is the root's only), {@code *} and {@code ?} within a path segment,
 * {@code **} across any number of them, {@code !} to take a path back, the last matching line winning; a pattern
 * that matches a directory excludes what is under it. Character classes and escapes fail loudly: the context check
 * must not guess.
 */
public final class DockerIgnore {

    private record Rule(Pattern pattern, boolean exception, String cleaned) {
    }

    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = rules;
    }

    public static DockerIgnore read(Path file) throws IOException {
        return Files.exists(file) ? parse(Files.readString(file)) : new DockerIgnore(List.of());
    }

    public static DockerIgnore parse(String text) {
        List<Rule> rules = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean exception = line.startsWith("!");
            String pattern = exception ? line.substring(1).strip() : line;
            if (pattern.contains("[") || pattern.contains("\\")) {
                throw new IllegalStateException(".dockerignore line " + (i + 1) + " (" + line
                        + "): character classes and escapes are not understood by the context check; teach it (DockerIgnore)");
            }
            rules.add(new Rule(Pattern.compile(regex(clean(pattern))), exception, clean(pattern)));
        }
        return new DockerIgnore(List.copyOf(rules));
    }

    /** Whether a path of the context (relative, '/'-separated) stays out of it. */
    public boolean excludes(String path) {
        boolean excluded = false;
        for (Rule rule : rules) {
            if (matchesOrParentMatches(rule.pattern(), path)) {
                excluded = !rule.exception();
            }
        }
        return excluded;
    }

    /**
     * Whether a path under this excluded directory may be taken back by a {@code !} line, so that a walk of the
     * context cannot skip the directory whole.
     */
    public boolean mayTakeBackUnder(String directory) {
        for (Rule rule : rules) {
            if (rule.exception() && (rule.cleaned().contains("*") || rule.cleaned().contains("?")
                    || rule.cleaned().startsWith(directory + "/"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesOrParentMatches(Pattern pattern, String path) {
        if (pattern.matcher(path).matches()) {
            return true;
        }
        for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
            if (pattern.matcher(path.substring(0, slash)).matches()) {
                return true;
            }
        }
        return false;
    }

    /** filepath.Clean of the pattern, without its leading and trailing slashes. */
    private static String clean(String pattern) {
        List<String> segments = new ArrayList<>();
        for (String segment : pattern.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (!segments.isEmpty()) {
                    segments.remove(segments.size() - 1);
                }
                continue;
            }
            segments.add(segment);
        }
        return String.join("/", segments);
    }

    private static String regex(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                i++;
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '/') {
                    // "**/" : any number of directories, none included
                    i++;
                    regex.append("(?:.*/)?");
                } else {
                    regex.append(".*");
                }
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }
}
