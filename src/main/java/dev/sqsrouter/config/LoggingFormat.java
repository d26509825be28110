package dev.sqsrouter.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The one property that picks the log layout, {@code logging.format} = text (the default) or json, read with the
 * app's precedence (-D, then the environment's LOGGING_FORMAT, then the working directory's application.properties,
 * then the packaged one) before the first logger exists: log4j2 reads its configuration once, from the system
 * property {@value #SYSTEM_PROPERTY} that this class sets.
 */
public final class LoggingFormat {

    public static final String PROPERTY = "logging.format";
    public static final String ENVIRONMENT = "LOGGING_FORMAT";
    /** What log4j2.properties reads. */
    public static final String SYSTEM_PROPERTY = "sqsrouter.log.format";

    private LoggingFormat() {
    }

    /** Sets the layout for this JVM; call before anything logs. */
    public static void apply() {
        System.setProperty(SYSTEM_PROPERTY, resolve(System.getProperties(), System.getenv(), Path.of("application.properties"),
                LoggingFormat.class.getClassLoader()));
    }

    /**
     * The layout the layers ask for.
     *
     * @throws IllegalArgumentException for a value that is neither text nor json
     */
    static String resolve(Properties system, Map<String, String> environment, Path workingFile, ClassLoader packaged) {
        String value = system.getProperty(PROPERTY);
        String from = "-D" + PROPERTY;
        if (value == null) {
            value = environment.get(ENVIRONMENT);
            from = ENVIRONMENT;
        }
        if (value == null && Files.isRegularFile(workingFile)) {
            value = read(workingFile);
            from = workingFile + "'s " + PROPERTY;
        }
        if (value == null) {
            value = readPackaged(packaged);
            from = "the packaged " + PROPERTY;
        }
        String format = value == null || value.isBlank() ? "text" : value.trim().toLowerCase(java.util.Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw new IllegalArgumentException(from + " is '" + value + "': write text (lines for people) or json (one"
                    + " JSON object per line, for CloudWatch Logs and other collectors)");
        }
        return format;
    }

    private static String read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in);
        } catch (IOException e) {
            return null;
        }
    }

    private static String readPackaged(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream("application.properties")) {
            return in == null ? null : load(in);
        } catch (IOException e) {
            return null;
        }
    }

    private static String load(InputStream in) throws IOException {
        Properties properties = new Properties();
        properties.load(in);
        return properties.getProperty(PROPERTY);
    }
}
