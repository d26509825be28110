package dev.sqsrouter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment artifacts as operators get them: the CloudFormation template passes cfn-lint, the standalone IAM
 * policy grants nothing on "*" but what AWS allows no narrower and grants what the template's role grants, on the same
 * resources, the systemd unit runs the jar as a dedicated, confined user, and the Dockerfile builds on pinned images
 * and runs as non-root.
 */
class DeployArtifactsTest {

    private static final Path SHIPPED = Path.of("application.properties");
    private static final Path TEMPLATE = Path.of("deploy", "cloudformation.yaml");
    private static final Path IAM_POLICY = Path.of("deploy", "iam-policy.json");
    private static final Path UNIT = Path.of("deploy", "sqs-router.service");
    private static final Path DOCKERFILE = Path.of("Dockerfile");
    private static final Path DOCKERIGNORE = Path.of(".dockerignore");

    /** Actions without resource-level permissions, which IAM accepts on "*" only: none is needed (queue URLs come from GetQueueUrl). */
    private static final Set<String> ACTIONS_THAT_REQUIRE_ANY_RESOURCE = Set.of();

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads CloudFormation's short-form tags (!Ref, !Sub, ...) as the plain values they wrap. */
    private static final YAMLMapper YAML = new YAMLMapper();

    // --- CloudFormation -----------------------------------------------------------------------------------------

    @Test
    void templatePassesCfnLintWithoutErrorsOrWarnings(@TempDir Path temp) throws Exception {
        CfnLint.assertClean(TEMPLATE, temp);
    }

    @Test
    void relayQueuesTakeTheMessagesTheIngressSends() throws IOException {
        java.util.Properties shipped = new java.util.Properties();
        try (var in = Files.newInputStream(SHIPPED)) {
            shipped.load(in);
        }
        String maxMessageBytes = shipped.getProperty("ingress.max-message-bytes").trim();
        long relayQueues = shipped.stringPropertyNames().stream()
                .filter(key -> key.startsWith("relay.queues.") && key.endsWith(".queue")).count();
        Map<String, String> sizes = new TreeMap<>();
        YAML.readTree(TEMPLATE.toFile()).path("Resources").properties().forEach(resource -> {
            JsonNode properties = resource.getValue().path("Properties");
            if ("AWS::SQS::Queue".equals(resource.getValue().path("Type").asText()) && properties.path("FifoQueue").asBoolean()) {
                sizes.put(resource.getKey(), properties.path("MaximumMessageSize").asText("(SQS's default)"));
            }
        });
        // every FIFO queue of the template is a relay queue or its dead-letter queue
        assertEquals(2 * relayQueues, sizes.size(), "relay queues and dead-letter queues: " + sizes);
        sizes.forEach((queue, size) -> assertEquals(maxMessageBytes, size, queue + ": MaximumMessageSize"));
    }

    @Test
    void templateRoleGrantsWhatTheStandalonePolicyGrants() throws IOException {
        JsonNode resources = YAML.readTree(TEMPLATE.toFile()).path("Resources");
        Map<String, Map<String, Set<String>>> template = new TreeMap<>();
        for (JsonNode statement : roleStatements()) {
            Set<String> arns = new TreeSet<>();
            strings(statement.path("Resource")).forEach(resource -> arns.add(placeholderArn(resource, resources)));
            template.put(statement.path("Sid").asText(), Map.of("Action", new TreeSet<>(strings(statement.path("Action"))),
                    "Resource", arns));
        }
        Map<String, Map<String, Set<String>>> standalone = new TreeMap<>();
        for (JsonNode statement : JSON.readTree(IAM_POLICY.toFile()).path("Statement")) {
            standalone.put(statement.path("Sid").asText(), Map.of("Action", new TreeSet<>(strings(statement.path("Action"))),
                    "Resource", new TreeSet<>(strings(statement.path("Resource")))));
        }
        assertEquals(standalone, template, "the instance role in " + TEMPLATE + " and " + IAM_POLICY
                + " must grant the same actions on the same resources, statement by statement");
    }

    @Test
    void templateRoleUsesAnyResourceOnlyForActionsThatRequireIt() throws IOException {
        JsonNode statements = roleStatements();
        assertFalse(statements.isEmpty(), "no IAM role policy statements found in " + TEMPLATE);
        for (JsonNode statement : statements) {
            assertNoWildcardBeyondWhatAwsRequires(statement, TEMPLATE);
        }
    }

    // --- Standalone IAM policy ----------------------------------------------------------------------------------

    @Test
    void standalonePolicyIsValidAndUsesAnyResourceOnlyForActionsThatRequireIt() throws IOException {
        JsonNode policy = JSON.readTree(IAM_POLICY.toFile());
        assertEquals("2012-10-17", policy.path("Version").asText(), IAM_POLICY + ": Version");
        JsonNode statements = policy.path("Statement");
        assertTrue(statements.isArray() && !statements.isEmpty(), IAM_POLICY + ": Statement must be a non-empty array");
        Set<String> sids = new TreeSet<>();
        for (JsonNode statement : statements) {
            String sid = statement.path("Sid").asText();
            assertTrue(sids.add(sid), IAM_POLICY + ": duplicate or missing Sid '" + sid + "'");
            assertEquals("Allow", statement.path("Effect").asText(), IAM_POLICY + " " + sid + ": Effect");
            assertNoWildcardBeyondWhatAwsRequires(statement, IAM_POLICY);
            for (String resource : strings(statement.path("Resource"))) {
                if (!resource.equals("*")) {
                    assertPlaceholderArn(sid, resource);
                }
            }
        }
    }

    // --- systemd ------------------------------------------------------------------------------------------------

    @Test
    void unitRunsTheJarAsADedicatedConfinedUser() throws IOException {
        Map<String, Map<String, List<String>>> unit = parseUnit(Files.readString(UNIT));
        Map<String, List<String>> service = unit.getOrDefault("Service", Map.of());
        String user = single(service, "User");
        assertFalse(user.isBlank() || user.equals("root") || user.equals("0"), "User must be a dedicated user, not '" + user + "'");
        assertEquals("/opt/sqs-router", single(service, "WorkingDirectory"), "WorkingDirectory holds application.properties (and routes/, if any)");
        assertFalse(single(service, "EnvironmentFile").isBlank(), "EnvironmentFile carries INGRESS_API_KEYS");
        String exec = single(service, "ExecStart");
        assertTrue(exec.contains("java") && exec.contains("-jar") && exec.contains("sqs-router.jar"), "ExecStart runs the jar: " + exec);
        assertEquals("on-failure", single(service, "Restart"), "Restart");
        assertTrue(isYes(single(service, "NoNewPrivileges")), "NoNewPrivileges=yes");
        assertEquals("strict", single(service, "ProtectSystem"), "ProtectSystem");
        assertTrue(single(service, "ReadWritePaths").startsWith("/opt/sqs-router/"), "ReadWritePaths for the logs under /opt/sqs-router");
        assertTrue(isYes(single(service, "PrivateTmp")), "PrivateTmp=yes");
        assertTrue(isYes(single(service, "ProtectHome")), "ProtectHome=yes");
        assertEquals("", single(service, "CapabilityBoundingSet"), "no capabilities: port 8080 needs none");
        for (String environment : service.getOrDefault("Environment", List.of())) {
            assertFalse(environment.contains("INGRESS_API_KEYS"), "API keys belong in the EnvironmentFile, never in the unit");
        }
        // the class data archive that halves the start-up lives where the unit lets the service write it
        String javaOptions = String.join(" ", service.getOrDefault("Environment", List.of()));
        assertTrue(javaOptions.contains("-XX:SharedArchiveFile=/var/cache/" + single(service, "CacheDirectory") + "/"),
                "JAVA_OPTS writes its class data archive under the CacheDirectory: " + javaOptions);
        assertTrue(javaOptions.contains("-XX:+AutoCreateSharedArchive") && javaOptions.contains("-XX:+UseSerialGC"), javaOptions);
        assertEquals("multi-user.target", single(unit.getOrDefault("Install", Map.of()), "WantedBy"), "WantedBy");
    }

    /**
     * The JVM neither uses nor rewrites a class data archive an older jar left ("shared class paths mismatch"): after an
     * upgrade every start would take twice as long, for good. The unit's ExecStartPre drops such an archive; run here on
     * files of its own, with the unit's paths replaced.
     */
    @Test
    void aClassDataArchiveOlderThanTheJarIsDroppedBeforeTheStart(@TempDir Path temp) throws Exception {
        Map<String, List<String>> service = parseUnit(Files.readString(UNIT)).getOrDefault("Service", Map.of());
        String pre = single(service, "ExecStartPre");
        String archive = "/var/cache/" + single(service, "CacheDirectory") + "/sqs-router.jsa";
        String jar = single(service, "ExecStart").replaceAll(".*-jar\\s+(\\S+).*", "$1");
        assertTrue(String.join(" ", service.getOrDefault("Environment", List.of())).contains("-XX:SharedArchiveFile=" + archive),
                "ExecStartPre checks the archive JAVA_OPTS names");
        assertTrue(pre.startsWith("/bin/sh -c '") && pre.endsWith("'") && pre.contains(archive) && pre.contains(jar), pre);
        Path localArchive = temp.resolve("sqs-router.jsa");
        Path localJar = temp.resolve("sqs-router.jar");
        String script = pre.substring("/bin/sh -c '".length(), pre.length() - 1).replace(archive, localArchive.toString())
                .replace(jar, localJar.toString());

        Files.writeString(localJar, "the new jar");
        Files.writeString(localArchive, "an archive of the former jar");
        Files.setLastModifiedTime(localArchive, FileTime.fromMillis(Files.getLastModifiedTime(localJar).toMillis() - 60_000));
        assertEquals(0, new ProcessBuilder("/bin/sh", "-c", script).start().waitFor());
        assertFalse(Files.exists(localArchive), "an archive older than the jar is dropped");

        Files.writeString(localArchive, "the archive of this jar");
        Files.setLastModifiedTime(localArchive, FileTime.fromMillis(Files.getLastModifiedTime(localJar).toMillis() + 60_000));
        assertEquals(0, new ProcessBuilder("/bin/sh", "-c", script).start().waitFor());
        assertTrue(Files.exists(localArchive), "the archive of the jar that runs is kept");

        Files.delete(localArchive);
        assertEquals(0, new ProcessBuilder("/bin/sh", "-c", script).start().waitFor(), "no archive yet: the start goes on");
    }

    @Test
    void systemdAcceptsEveryDirectiveOfTheUnit(@TempDir Path temp) throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not on this machine");
        Path copy = Files.copy(UNIT, temp.resolve(UNIT.getFileName()));
        Run verify = run(temp, List.of("systemd-analyze", "verify", copy.toString()), 60, "systemd-analyze could not run");
        // verify exits 0 even for unknown keys or bad values; it names the file in each complaint
        List<String> complaints = verify.output().lines().filter(line -> line.contains(copy.getFileName().toString())).toList();
        assertEquals(List.of(), complaints, "systemd-analyze verify " + UNIT + ":\n" + verify.output());
    }

    // --- Docker -------------------------------------------------------------------------------------------------

    @Test
    void dockerfilePinsItsBaseImagesAndRunsAsNonRoot() throws IOException {
        List<String> instructions = dockerInstructions(Files.readString(DOCKERFILE));
        Set<String> stages = new TreeSet<>();
        List<String> images = new ArrayList<>();
        int finalStage = -1;
        for (int i = 0; i < instructions.size(); i++) {
            String[] words = instructions.get(i).split("\\s+");
            if (!words[0].equalsIgnoreCase("FROM")) {
                continue;
            }
            finalStage = i;
            List<String> args = new ArrayList<>(List.of(words).subList(1, words.length));
            args.removeIf(arg -> arg.startsWith("--"));
            String image = args.get(0);
            if (args.size() >= 3 && args.get(1).equalsIgnoreCase("AS")) {
                stages.add(args.get(2).toLowerCase(Locale.ROOT));
            }
            if (stages.contains(image.toLowerCase(Locale.ROOT)) && !image.contains(":")) {
                continue;
            }
            images.add(image);
            assertPinned(image);
        }
        assertTrue(finalStage >= 0, "no FROM in " + DOCKERFILE);
        assertTrue(images.get(images.size() - 1).startsWith("eclipse-temurin:25") && images.get(images.size() - 1).contains("jre"),
                "the runtime stage runs on a Temurin 25 JRE: " + images);

        List<String> runtime = instructions.subList(finalStage, instructions.size());
        String user = runtime.stream().filter(i -> i.toUpperCase(Locale.ROOT).startsWith("USER "))
                .reduce((first, last) -> last).map(i -> i.substring(5).trim().split(":")[0])
                .orElseThrow(() -> new AssertionError("the runtime stage sets no USER: it would run as root"));
        assertFalse(user.equals("root") || user.equals("0"), "USER must not be root: " + user);
        assertTrue(runtime.contains("EXPOSE 8080"), "EXPOSE 8080");
        assertTrue(runtime.contains("EXPOSE 9876"), "EXPOSE 9876 (the management port)");
        String entrypoint = runtime.stream().filter(i -> i.startsWith("ENTRYPOINT")).findFirst().orElse("");
        assertTrue(entrypoint.contains("app.jar:lib/*") && entrypoint.contains("dev.sqsrouter.Application"),
                "ENTRYPOINT runs dev.sqsrouter.Application with app.jar:lib/*: " + entrypoint);
        assertBefore(runtime, "COPY --from=build /build/target/lib/", "original-sqs-router.jar",
                "the dependencies layer (lib/) comes before the app layer");

        List<String> build = instructions.subList(0, finalStage);
        assertBefore(build, "COPY pom.xml", "RUN mvn", "pom.xml is copied before the dependencies are resolved");
        assertBefore(build, "RUN mvn", "COPY src", "dependencies are resolved (a layer of their own) before src/ is copied");
        // the pom packages the top-level application.properties as the jar's defaults: without it the image's jar
        // would run with no configuration at all
        int defaults = indexOf(build, "COPY application.properties");
        assertTrue(defaults >= 0 && build.get(build.size() - 1).contains(" package"),
                "the build stage copies application.properties (the jar's defaults), then packages the jar: " + build);

        // what DockerImageIT builds and runs; here only what the context may hold
        DockerIgnore ignore = DockerIgnore.read(DOCKERIGNORE);
        assertTrue(ignore.excludes("target/sqs-router.jar") && ignore.excludes(".git/config")
                && ignore.excludes("application.properties.local"), DOCKERIGNORE + " keeps target/, .git and local overrides out of the context");
        assertFalse(ignore.excludes("application.properties"),
                DOCKERIGNORE + " must let application.properties, the jar's defaults, into the build context");
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private record Run(int exitCode, String output) {
    }

    /** Runs a command with a deadline, its output (stdout and stderr) in a file so that it can never block. */
    private static Run run(Path temp, List<String> command, int timeoutSeconds, String whenMissing) throws Exception {
        File output = Files.createTempFile(temp, "out", ".txt").toFile();
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output).start();
        } catch (IOException e) {
            fail(whenMissing + " (" + e.getMessage() + ")");
            return null;
        }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
        }
        return new Run(process.exitValue(), Files.readString(output.toPath(), StandardCharsets.UTF_8));
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Pattern.compile(File.pathSeparator, Pattern.LITERAL).splitAsStream(path)
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
    }

    /** The statements of every policy of every IAM role in the template: inline, and the managed ones it attaches. */
    private static JsonNode roleStatements() throws IOException {
        JsonNode resources = YAML.readTree(TEMPLATE.toFile()).path("Resources");
        var statements = JSON.createArrayNode();
        resources.forEach(resource -> {
            if ("AWS::IAM::Role".equals(resource.path("Type").asText())) {
                resource.path("Properties").path("Policies")
                        .forEach(policy -> policy.path("PolicyDocument").path("Statement").forEach(statements::add));
                // "!Ref InstancePolicy" reads as the logical id
                resource.path("Properties").path("ManagedPolicyArns").forEach(arn -> {
                    JsonNode managed = resources.path(arn.asText());
                    assertEquals("AWS::IAM::ManagedPolicy", managed.path("Type").asText(), "the role attaches " + arn);
                    managed.path("Properties").path("PolicyDocument").path("Statement").forEach(statements::add);
                });
            }
        });
        return statements;
    }

    /**
     * A resource of the role's policy ("!GetAtt Queue.Arn" reads as "Queue.Arn", "!Sub ${Bucket.Arn}/key" as its
     * text) as the standalone policy writes it: the resource's configured name in an ARN with REGION and ACCOUNT_ID.
     */
    private static String placeholderArn(String expression, JsonNode resources) {
        if (resources.has(expression)) {
            // !Ref of a resource whose Ref is its ARN (a topic)
            return arnOf(expression, resources);
        }
        Matcher getAtt = Pattern.compile("([A-Za-z0-9]+)\\.Arn").matcher(expression);
        if (getAtt.matches()) {
            return arnOf(getAtt.group(1), resources);
        }
        Matcher sub = Pattern.compile("\\$\\{([A-Za-z0-9]+)\\.Arn}").matcher(expression);
        StringBuilder arn = new StringBuilder();
        while (sub.find()) {
            sub.appendReplacement(arn, Matcher.quoteReplacement(arnOf(sub.group(1), resources)));
        }
        sub.appendTail(arn);
        assertFalse(arn.toString().contains("${"), "an ARN of the role's policy that is not an app resource: " + expression);
        return arn.toString();
    }

    private static String arnOf(String logicalId, JsonNode resources) {
        JsonNode resource = resources.path(logicalId);
        JsonNode properties = resource.path("Properties");
        return switch (resource.path("Type").asText()) {
            case "AWS::SQS::Queue" -> "arn:aws:sqs:REGION:ACCOUNT_ID:" + properties.path("QueueName").asText();
            case "AWS::DynamoDB::Table" -> "arn:aws:dynamodb:REGION:ACCOUNT_ID:table/" + properties.path("TableName").asText();
            case "AWS::S3::Bucket" -> "arn:aws:s3:::" + properties.path("BucketName").asText();
            case "AWS::SNS::Topic" -> "arn:aws:sns:REGION:ACCOUNT_ID:" + properties.path("TopicName").asText();
            default -> throw new AssertionError("the role's policy names " + logicalId + ", not a queue, table, bucket or topic");
        };
    }

    private static void assertNoWildcardBeyondWhatAwsRequires(JsonNode statement, Path file) {
        String sid = statement.path("Sid").asText("(no Sid)");
        assertTrue(statement.path("NotAction").isMissingNode() && statement.path("NotResource").isMissingNode(),
                file + " " + sid + ": NotAction/NotResource grant more than they name");
        List<String> actions = strings(statement.path("Action"));
        assertFalse(actions.isEmpty(), file + " " + sid + ": no Action");
        for (String action : actions) {
            assertFalse(action.contains("*"), file + " " + sid + ": wildcard action " + action);
        }
        List<String> resources = strings(statement.path("Resource"));
        assertFalse(resources.isEmpty(), file + " " + sid + ": no Resource");
        if (resources.contains("*")) {
            assertTrue(ACTIONS_THAT_REQUIRE_ANY_RESOURCE.containsAll(actions), file + " " + sid
                    + ": Resource \"*\" is allowed only for actions without resource-level permissions "
                    + ACTIONS_THAT_REQUIRE_ANY_RESOURCE + ", not for " + actions);
        }
    }

    /** An ARN of this app's resources with REGION/ACCOUNT_ID placeholders; "*" only as S3's "any key under". */
    private static void assertPlaceholderArn(String sid, String arn) {
        String[] parts = arn.split(":", 6);
        assertEquals(6, parts.length, IAM_POLICY + " " + sid + ": not an ARN: " + arn);
        assertEquals("arn", parts[0], arn);
        assertEquals("aws", parts[1], IAM_POLICY + " " + sid + ": partition of " + arn);
        if (parts[2].equals("s3")) {
            assertTrue(parts[3].isEmpty() && parts[4].isEmpty(), "S3 ARNs have no region or account: " + arn);
            String path = parts[5].endsWith("/*") ? parts[5].substring(0, parts[5].length() - 2) : parts[5];
            assertFalse(path.contains("*"), IAM_POLICY + " " + sid + ": wildcard in " + arn);
        } else {
            assertEquals("REGION", parts[3], IAM_POLICY + " " + sid + ": region placeholder in " + arn);
            assertEquals("ACCOUNT_ID", parts[4], IAM_POLICY + " " + sid + ": account placeholder in " + arn);
            assertFalse(parts[5].contains("*"), IAM_POLICY + " " + sid + ": wildcard in " + arn);
        }
    }

    /** A string or an array of strings, as IAM allows for Action and Resource. */
    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(value -> values.add(value.asText()));
        } else if (!node.isMissingNode() && !node.isNull()) {
            values.add(node.asText());
        }
        return values;
    }

    /** Sections of a unit file, each key with all its values in order. */
    private static Map<String, Map<String, List<String>>> parseUnit(String text) {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        for (String raw : text.split("\n")) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1), s -> new LinkedHashMap<>());
                continue;
            }
            int equals = line.indexOf('=');
            assertTrue(current != null && equals > 0, UNIT + ": not a key=value line in a section: " + line);
            current.computeIfAbsent(line.substring(0, equals).trim(), k -> new ArrayList<>()).add(line.substring(equals + 1).trim());
        }
        return sections;
    }

    private static String single(Map<String, List<String>> section, String key) {
        List<String> values = section.get(key);
        assertTrue(values != null && !values.isEmpty(), UNIT + ": " + key + "= is missing");
        return values.get(values.size() - 1);
    }

    private static boolean isYes(String value) {
        return Set.of("yes", "true", "1", "on").contains(value.toLowerCase(Locale.ROOT));
    }

    /** Dockerfile instructions, continuation lines joined, comments dropped. */
    private static List<String> dockerInstructions(String text) {
        List<String> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            instructions.add(pending.toString().replaceAll("\\s+", " ").trim());
            pending.setLength(0);
        }
        return instructions;
    }

    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+");

    /** A release tag (with a version number, not latest) or a digest. */
    private static void assertPinned(String image) {
        if (image.contains("@sha256:")) {
            return;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.indexOf(':', slash + 1);
        assertTrue(colon > 0, DOCKERFILE + ": base image without a tag (that is :latest): " + image);
        String tag = image.substring(colon + 1);
        assertNotEquals("latest", tag, DOCKERFILE + ": " + image + " is not pinned");
        Matcher version = VERSION.matcher(tag);
        assertTrue(version.find(), DOCKERFILE + ": " + image + " floats; pin a release tag such as 25.0.3_9-jre-noble");
    }

    private static void assertBefore(List<String> instructions, String first, String second, String message) {
        int a = indexOf(instructions, first);
        int b = indexOf(instructions, second);
        assertTrue(a >= 0, DOCKERFILE + ": no instruction with '" + first + "'");
        assertTrue(b >= 0, DOCKERFILE + ": no instruction with '" + second + "'");
        assertTrue(a < b, DOCKERFILE + ": " + message);
    }

    private static int indexOf(List<String> instructions, String fragment) {
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }
}
