package dev.sqsrouter.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the YAML routes load from: the route files that ship inside the jar ({@code routes/*.yaml} on the class path),
 * and a {@code routes/} directory beside the app, whose files replace the packaged file of the same name or add to
 * them. The result is Camel's {@code camel.main.routes-include-pattern}; a deployer who sets that property chooses
 * the files alone.
 */
public final class RouteFiles {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFiles.class);
    public static final String DIRECTORY = "routes";

    private RouteFiles() {
    }

    /**
     * One entry per route file, in name order: {@code file:<local>/<name>} where the local directory has the file,
     * {@code classpath:routes/<name>} otherwise; then the local files of other names.
     *
     * @throws IllegalArgumentException when there is no route file at all
     */
    public static String includePattern(Path local) {
        List<String> entries = new ArrayList<>();
        TreeSet<String> localNames = yamlNames(local);
        // a replacement keeps the packaged file's place: the order routes load in is the order HTTP paths are matched in
        for (String name : packagedNames()) {
            if (localNames.remove(name)) {
                LOG.info("route file {} replaces the packaged routes/{}", local.resolve(name), name);
                entries.add("file:" + local.resolve(name));
            } else {
                entries.add("classpath:" + DIRECTORY + "/" + name);
            }
        }
        for (String name : localNames) {
            LOG.info("route file {} adds to the packaged routes", local.resolve(name));
            entries.add("file:" + local.resolve(name));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("no route file found: the jar carries none under routes/ and there is no "
                    + local.toAbsolutePath() + "/*.yaml; run the packaged sqs-router.jar, or set camel.main.routes-include-pattern");
        }
        return String.join(",", entries);
    }

    /** The names of the route files packaged with the app: from the jar, or from the classes directory in a build. */
    static TreeSet<String> packagedNames() {
        try {
            Path codeSource = Path.of(RouteFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(codeSource)) {
                return yamlNames(codeSource.resolve(DIRECTORY));
            }
            TreeSet<String> names = new TreeSet<>();
            try (ZipFile jar = new ZipFile(codeSource.toFile())) {
                jar.stream().map(entry -> entry.getName())
                        .filter(name -> name.startsWith(DIRECTORY + "/") && name.endsWith(".yaml")
                                && name.indexOf('/', DIRECTORY.length() + 1) < 0)
                        .forEach(name -> names.add(name.substring(DIRECTORY.length() + 1)));
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the packaged route files", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the app's jar", e);
        }
    }

    private static TreeSet<String> yamlNames(Path directory) {
        TreeSet<String> names = new TreeSet<>();
        if (!Files.isDirectory(directory)) {
            return names;
        }
        try (Stream<Path> files = Files.list(directory)) {
            files.filter(Files::isRegularFile).map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml")).forEach(names::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        return names;
    }
}
