package dev.sqsrouter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Docker's .dockerignore rules, as the image check applies them to the build context. */
class DockerIgnoreTest {

    @Test
    void patternsAreRootedDirectoriesTakeTheirContentsAndTheLastMatchWins() {
        DockerIgnore ignore = DockerIgnore.parse("""
                # a comment
                *.md
                target/
                **/*.log
                docs/**
                !docs/keep.md
                /dist
                ./build/../out
                """);
        assertTrue(ignore.excludes("README.md"));
        assertFalse(ignore.excludes("deploy/README.md"), "*.md is the root's only, unlike .gitignore");
        assertTrue(ignore.excludes("target"));
        assertTrue(ignore.excludes("target/classes/A.class"), "what is under an excluded directory");
        assertTrue(ignore.excludes("app.log"), "**/ is any number of directories, none included");
        assertTrue(ignore.excludes("a/b/app.log"));
        assertTrue(ignore.excludes("docs/guide/page.html"));
        assertFalse(ignore.excludes("docs/keep.md"), "! takes a path back when it comes last");
        assertTrue(ignore.excludes("dist/app.jar"), "a leading slash is the root");
        assertTrue(ignore.excludes("out/x"), "patterns are cleaned (., ..)");
        assertFalse(ignore.excludes("src/main/java/App.java"));
        assertFalse(ignore.excludes("application.properties"));
        assertTrue(ignore.mayTakeBackUnder("docs"));
        assertFalse(ignore.mayTakeBackUnder("target"));
    }

    @Test
    void anAllowListTakesBackWholeDirectories() {
        DockerIgnore ignore = DockerIgnore.parse("*\n!pom.xml\n!src\n");
        assertFalse(ignore.excludes("pom.xml"));
        assertFalse(ignore.excludes("src/main/java/App.java"));
        assertTrue(ignore.excludes("README.md"));
        assertTrue(ignore.excludes("target/app.jar"));
        assertTrue(ignore.excludes("docs/src"));
        assertFalse(ignore.mayTakeBackUnder("target"));
    }

    @Test
    void syntaxTheCheckDoesNotUnderstandFailsWithItsLine() {
        IllegalStateException classes = assertThrows(IllegalStateException.class, () -> DockerIgnore.parse("target/\n[ab].txt\n"));
        assertEquals(".dockerignore line 2 ([ab].txt): character classes and escapes are not understood by the context check;"
                + " teach it (DockerIgnore)", classes.getMessage());
        assertThrows(IllegalStateException.class, () -> DockerIgnore.parse("a\\*b"));
    }
}
