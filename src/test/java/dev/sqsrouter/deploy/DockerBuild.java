package dev.sqsrouter.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.sqsrouter.deploy.Dockerfile.Copy;
import dev.sqsrouter.deploy.Dockerfile.Instruction;
import dev.sqsrouter.deploy.Dockerfile.Stage;

/**
 * What {@code docker build} does with the Dockerfile, done without a Docker engine: the build context that
 * .dockerignore leaves, copied; each stage's file system as a directory, its COPY lines applied as Docker applies them
 * (a directory's contents, files owned by root with their modes); the build stages' RUN lines run by {@code sh -c} in
 * their WORKDIR (Maven offline, with this machine's local repository, the one thing that differs from the image's
 * build); the runtime stage's RUN lines, which set up users and directories, emulated command by command. Anything it
 * does not understand fails with the line.
 */
public final class DockerBuild {

    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<=^|[\\s=:,])/[^\\s:,=]*");

    private final Path work;
    private final Path context;
    private final Map<String, Path> stageRoots = new HashMap<>();
    private final Map<String, Integer> users = new LinkedHashMap<>();
    /** Paths of the runtime stage that RUN chown gave to a user, with the user's id; everything else is root's. */
    private final Map<Path, Integer> owners = new HashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<Integer> exposed = new ArrayList<>();
    private List<String> entrypoint = List.of();
    private List<String> cmd = List.of();
    private List<String> healthcheck;
    private String user = "root";
    private String workdir = "/";
    private Path runtimeRoot;
    private final Dockerfile dockerfile;

    private DockerBuild(Dockerfile dockerfile, Path work) {
        this.dockerfile = dockerfile;
        this.work = work;
        this.context = work.resolve("context");
    }

    /**
     * Builds {@code project}'s Dockerfile in {@code work}: the context, then every stage in order. {@code buildLog}
     * receives the build stages' RUN output.
     */
    public static DockerBuild build(Path project, Path work, Path buildLog) throws IOException, InterruptedException {
        DockerBuild build = new DockerBuild(Dockerfile.parse(project.resolve("Dockerfile")), work);
        build.copyContext(project, DockerIgnore.read(project.resolve(".dockerignore")));
        List<Stage> stages = build.dockerfile.stages();
        for (int i = 0; i < stages.size(); i++) {
            build.buildStage(stages.get(i), i, i == stages.size() - 1, buildLog);
        }
        return build;
    }

    public Dockerfile dockerfile() {
        return dockerfile;
    }

    /** The build context as Docker would send it. */
    public Path context() {
        return context;
    }

    /** The image's file system: where the runtime stage's absolute paths are on this machine. */
    public Path root() {
        return runtimeRoot;
    }

    /** The image's WORKDIR, on this machine. */
    public Path workdir() {
        return onDisk(runtimeRoot, workdir);
    }

    /** The image's ENV, its absolute paths of the image mapped to this machine. */
    public Map<String, String> env() {
        Map<String, String> mapped = new LinkedHashMap<>();
        env.forEach((name, value) -> mapped.put(name, mapPaths(value)));
        return mapped;
    }

    /** The files and directories of the image that its ENV names (a JVM option's path, say), on this machine. */
    public List<Path> envPaths() {
        List<Path> paths = new ArrayList<>();
        for (String value : env.values()) {
            Matcher path = ABSOLUTE_PATH.matcher(value);
            while (path.find()) {
                String first = path.group().substring(1).split("/")[0];
                if (!first.isEmpty() && Files.exists(runtimeRoot.resolve(first))) {
                    paths.add(onDisk(runtimeRoot, path.group()));
                }
            }
        }
        return paths;
    }

    /** The top-level names of the build context that COPY lines take from it. */
    public Set<String> copiedFromContext() {
        Set<String> names = new java.util.TreeSet<>();
        for (Stage stage : dockerfile.stages()) {
            for (Instruction instruction : stage.instructions()) {
                if (instruction.keyword().equals("COPY") && Dockerfile.copy(instruction).from() == null) {
                    Dockerfile.copy(instruction).sources().forEach(source -> names.add(onDisk(context, source)
                            .subpath(context.getNameCount(), context.getNameCount() + 1).toString()));
                }
            }
        }
        return names;
    }

    public List<Integer> exposed() {
        return List.copyOf(exposed);
    }

    /** USER as written. */
    public String user() {
        return user;
    }

    /** The numeric id USER runs as: a number, or a name that a RUN useradd created (root is 0). */
    public int uid() {
        String name = user.split(":")[0];
        if (name.matches("\\d+")) {
            return Integer.parseInt(name);
        }
        if (name.equals("root")) {
            return 0;
        }
        Integer uid = users.get(name);
        if (uid == null) {
            throw new IllegalStateException("USER " + user + ": no RUN useradd creates " + name);
        }
        return uid;
    }

    /** Users that RUN useradd created, by name, with their ids. */
    public Map<String, Integer> users() {
        return Map.copyOf(users);
    }

    /**
     * The command the container runs (ENTRYPOINT then CMD, both in exec form) with {@code java} in place of the
     * image's java and the image's absolute paths mapped to this machine.
     */
    public List<String> command(Path java) {
        List<String> command = new ArrayList<>(entrypoint);
        command.addAll(cmd);
        if (command.isEmpty()) {
            throw new IllegalStateException("the image has neither ENTRYPOINT nor CMD");
        }
        return withJava(command, java);
    }

    /** HEALTHCHECK's command, mapped as {@link #command}; null when the image has none. */
    public List<String> healthcheck(Path java) {
        return healthcheck == null ? null : withJava(healthcheck, java);
    }

    private List<String> withJava(List<String> command, Path java) {
        if (!command.get(0).equals("java")) {
            throw new IllegalStateException("the image's command starts with " + command.get(0)
                    + ": the check runs java (from the PATH of the JRE image) with this JDK and knows nothing else");
        }
        List<String> mapped = new ArrayList<>();
        mapped.add(java.toString());
        command.subList(1, command.size()).forEach(word -> mapped.add(mapPaths(word)));
        return mapped;
    }

    /** The image's absolute paths in a text (an ENV value, an argument) as paths of this machine. */
    public String mapPaths(String text) {
        Matcher path = ABSOLUTE_PATH.matcher(text);
        StringBuilder mapped = new StringBuilder();
        while (path.find()) {
            String first = path.group().substring(1).split("/")[0];
            String replacement = !first.isEmpty() && Files.exists(runtimeRoot.resolve(first))
                    ? onDisk(runtimeRoot, path.group()).toString() : path.group();
            path.appendReplacement(mapped, Matcher.quoteReplacement(replacement));
        }
        path.appendTail(mapped);
        return mapped.toString();
    }

    /** Whether USER may create files in this directory of the image, or change this file: chown gave it to USER. */
    public boolean ownedByUser(Path onDisk) {
        return owners.getOrDefault(onDisk.toAbsolutePath().normalize(), 0) == uid();
    }

    // --- the context ------------------------------------------------------------------------------------------------

    private void copyContext(Path project, DockerIgnore ignore) throws IOException {
        Files.createDirectories(context);
        Files.walkFileTree(project, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                String relative = relative(project, dir);
                if (relative.isEmpty() || !ignore.excludes(relative)) {
                    Files.createDirectories(context.resolve(relative));
                    return FileVisitResult.CONTINUE;
                }
                return ignore.mayTakeBackUnder(relative) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (!ignore.excludes(relative(project, file)) && attributes.isRegularFile()) {
                    Files.createDirectories(context.resolve(relative(project, file)).getParent());
                    Files.copy(file, context.resolve(relative(project, file)), StandardCopyOption.COPY_ATTRIBUTES);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static String relative(Path root, Path path) {
        return root.relativize(path).toString().replace(File.separatorChar, '/');
    }

    // --- the stages -------------------------------------------------------------------------------------------------

    private void buildStage(Stage stage, int index, boolean runtime, Path buildLog) throws IOException, InterruptedException {
        Path root = Files.createDirectories(work.resolve("stage-" + index + (stage.name() == null ? "" : "-" + stage.name())));
        if (stage.name() != null) {
            stageRoots.put(stage.name(), root);
        }
        String stageWorkdir = "/";
        Map<String, String> stageEnv = new LinkedHashMap<>();
        if (runtime) {
            runtimeRoot = root;
        }
        for (Instruction instruction : stage.instructions()) {
            switch (instruction.keyword()) {
                case "WORKDIR" -> {
                    String path = Dockerfile.word(instruction);
                    stageWorkdir = path.startsWith("/") ? path : stageWorkdir.replaceAll("/$", "") + "/" + path;
                    Files.createDirectories(onDisk(root, stageWorkdir));
                }
                case "COPY" -> copy(instruction, Dockerfile.copy(instruction), root, stageWorkdir);
                case "ENV" -> stageEnv.putAll(Dockerfile.env(instruction));
                case "RUN" -> {
                    if (runtime) {
                        emulate(instruction, root, stageWorkdir);
                    } else {
                        run(instruction, root, stageWorkdir, stageEnv, buildLog);
                    }
                }
                case "USER", "EXPOSE", "ENTRYPOINT", "CMD", "HEALTHCHECK" -> {
                    if (!runtime) {
                        throw instruction.refused(instruction.keyword() + " in a build stage is not understood");
                    }
                    switch (instruction.keyword()) {
                        case "USER" -> user = Dockerfile.word(instruction);
                        case "EXPOSE" -> exposed.addAll(Dockerfile.expose(instruction));
                        case "ENTRYPOINT" -> {
                            entrypoint = Dockerfile.execForm(instruction);
                            cmd = List.of();
                        }
                        case "CMD" -> cmd = Dockerfile.execForm(instruction);
                        default -> healthcheck = instruction.arguments().equalsIgnoreCase("NONE") ? null
                                : Dockerfile.execForm(instruction);
                    }
                }
                default -> throw instruction.refused("not understood");
            }
        }
        if (runtime) {
            workdir = stageWorkdir;
            env.putAll(stageEnv);
        }
    }

    private void copy(Instruction instruction, Copy copy, Path root, String stageWorkdir) throws IOException {
        Path sourceRoot;
        if (copy.from() == null) {
            sourceRoot = context;
        } else {
            sourceRoot = stageRoots.get(copy.from());
            if (sourceRoot == null) {
                throw instruction.refused("no earlier stage named " + copy.from());
            }
        }
        String destination = copy.destination().startsWith("/") ? copy.destination()
                : stageWorkdir.replaceAll("/$", "") + "/" + copy.destination();
        for (String source : copy.sources()) {
            Path from = onDisk(sourceRoot, source);
            if (!from.startsWith(sourceRoot)) {
                throw instruction.refused(source + " is outside the " + (copy.from() == null ? "context" : "stage"));
            }
            if (!Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                throw instruction.refused(source + " is not in the " + (copy.from() == null
                        ? "build context (no such file, or .dockerignore leaves it out)" : "stage " + copy.from()));
            }
            Path to = onDisk(root, destination);
            if (Files.isDirectory(from)) {
                copyTree(from, to);
            } else {
                if (copy.destination().endsWith("/") || Files.isDirectory(to)) {
                    to = to.resolve(from.getFileName().toString());
                }
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** A directory's contents (not the directory itself) into {@code to}, modes kept, as COPY does. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /**
     * A build stage's RUN: {@code sh -c} in the stage's WORKDIR with Docker's umask, the stage's ENV, and this JDK. The
     * one difference from the image's build: Maven runs offline (.mvn/maven.config), on this machine's local repository.
     */
    private void run(Instruction instruction, Path root, String stageWorkdir, Map<String, String> stageEnv, Path buildLog)
            throws IOException, InterruptedException {
        String command = Dockerfile.run(instruction);
        if (!stageWorkdir.equals("/") && command.contains(stageWorkdir)) {
            throw instruction.refused("names the stage's absolute path " + stageWorkdir + ", which the check cannot map in a shell");
        }
        Path directory = onDisk(root, stageWorkdir);
        if (command.matches("(?s).*\\bmvn\\b.*")) {
            Path config = Files.createDirectories(directory.resolve(".mvn")).resolve("maven.config");
            if (!Files.exists(config) || !Files.readString(config).contains("-o")) {
                Files.writeString(config, "-o\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            }
        }
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", "umask 022 && " + command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(buildLog.toFile()));
        builder.environment().putAll(stageEnv);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Files.writeString(buildLog, "\n$ " + command + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw instruction.refused("did not finish within 10 minutes");
        }
        if (process.exitValue() != 0) {
            List<String> lines = Files.readAllLines(buildLog);
            throw instruction.refused("exited with " + process.exitValue() + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
        }
    }

    /**
     * A runtime stage's RUN, which only sets up the image's users and directories: {@code groupadd}, {@code useradd},
     * {@code mkdir} and {@code chown}, joined by {@code &&}. Any other command fails: the check cannot run it here.
     */
    private void emulate(Instruction instruction, Path root, String stageWorkdir) throws IOException {
        String command = Dockerfile.run(instruction);
        if (Pattern.compile("[;|<>`$]|\\|\\|").matcher(command).find()) {
            throw instruction.refused("the runtime stage's RUN is emulated command by command; only && joins them");
        }
        Path directory = onDisk(root, stageWorkdir);
        for (String part : command.split("&&")) {
            List<String> words = new ArrayList<>(List.of(part.strip().split("\\s+")));
            String program = words.remove(0);
            Map<String, String> options = new TreeMap<>();
            List<String> operands = new ArrayList<>();
            for (int i = 0; i < words.size(); i++) {
                String word = words.get(i);
                if (word.startsWith("-")) {
                    boolean takesValue = Set.of("--gid", "-g", "--uid", "-u", "--shell", "-s").contains(word);
                    options.put(word, takesValue ? words.get(++i) : "");
                } else {
                    operands.add(word);
                }
            }
            switch (program) {
                case "groupadd" -> {
                    known(instruction, options, Set.of("--system", "-r", "--gid", "-g"));
                    single(instruction, operands);
                    Integer.parseInt(option(options, "--gid", "-g"));
                }
                case "useradd" -> {
                    known(instruction, options, Set.of("--system", "-r", "--uid", "-u", "--gid", "-g", "--no-create-home",
                            "-M", "--shell", "-s"));
                    users.put(single(instruction, operands), Integer.parseInt(option(options, "--uid", "-u")));
                }
                case "mkdir" -> {
                    known(instruction, options, Set.of("-p"));
                    for (String path : operands) {
                        Files.createDirectories(resolve(directory, root, path));
                    }
                }
                case "chown" -> {
                    known(instruction, options, Set.of());
                    String owner = operands.remove(0).split(":")[0];
                    int uid = owner.matches("\\d+") ? Integer.parseInt(owner) : users.getOrDefault(owner, -1);
                    if (uid < 0) {
                        throw instruction.refused("chown to " + owner + ", whom no useradd before it created");
                    }
                    for (String path : operands) {
                        Path target = resolve(directory, root, path);
                        if (!Files.exists(target)) {
                            throw instruction.refused("chown of " + path + ", which does not exist");
                        }
                        owners.put(target.toAbsolutePath().normalize(), uid);
                    }
                }
                default -> throw instruction.refused(program + " in the runtime stage cannot be emulated by the check; "
                        + "teach it (DockerBuild.emulate)");
            }
        }
    }

    private static void known(Instruction instruction, Map<String, String> options, Set<String> known) {
        for (String option : options.keySet()) {
            if (!known.contains(option)) {
                throw instruction.refused("the option " + option + " is not understood by the check");
            }
        }
    }

    private static String option(Map<String, String> options, String name, String shortName) {
        String value = options.getOrDefault(name, options.get(shortName));
        if (value == null) {
            throw new IllegalStateException("a fixed id is expected: " + name);
        }
        return value;
    }

    private static String single(Instruction instruction, List<String> operands) {
        if (operands.size() != 1) {
            throw instruction.refused("one name expected, not " + operands);
        }
        return operands.get(0);
    }

    private static Path resolve(Path directory, Path root, String path) {
        return path.startsWith("/") ? onDisk(root, path) : directory.resolve(path).normalize();
    }

    /** An absolute (or context-relative) path of a stage under that stage's directory. */
    private static Path onDisk(Path root, String path) {
        String relative = path.replaceAll("^/+", "");
        return relative.isEmpty() ? root : root.resolve(relative).normalize();
    }

    /** Read permission for others (and search, for directories): what a user who owns nothing here needs. */
    public static boolean readableByOthers(Path path) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        return permissions.contains(PosixFilePermission.OTHERS_READ)
                && (!Files.isDirectory(path) || permissions.contains(PosixFilePermission.OTHERS_EXECUTE));
    }
}
