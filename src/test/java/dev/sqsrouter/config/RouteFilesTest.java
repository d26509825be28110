package dev.sqsrouter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the routes load from: the packaged files, each replaced by a local file of its name, plus local additions. */
class RouteFilesTest {

    @Test
    void withoutALocalDirectoryEveryPackagedRouteFileLoadsFromTheClassPath(@TempDir Path directory) throws Exception {
        List<String> expected = new ArrayList<>();
        for (String name : shipped()) {
            expected.add("classpath:routes/" + name);
        }
        assertEquals(String.join(",", expected), RouteFiles.includePattern(directory.resolve("routes")));
    }

    @Test
    void aLocalFileReplacesThePackagedFileOfItsNameAndALocalFileOfANewNameIsAdded(@TempDir Path directory) throws Exception {
        Path routes = Files.createDirectories(directory.resolve("routes"));
        Files.writeString(routes.resolve("fifo-relay.yaml"), "# the deployer's relay template\n");
        Files.writeString(routes.resolve("extra.yaml"), "# a route of the deployer's own\n");
        Files.writeString(routes.resolve("notes.txt"), "not a route file\n");
        List<String> expected = new ArrayList<>();
        for (String name : shipped()) {
            // in its place: the order routes load in is the order their HTTP paths are matched in
            expected.add(name.equals("fifo-relay.yaml") ? "file:" + routes.resolve(name) : "classpath:routes/" + name);
        }
        expected.add("file:" + routes.resolve("extra.yaml"));
        assertEquals(String.join(",", expected), RouteFiles.includePattern(routes));
    }

    /** The route files the build packages, in name order. */
    private static List<String> shipped() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/routes"))) {
            List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
            assertEquals(10, names.size(), "the routes the project ships: " + names);
            return names;
        }
    }
}
