package dev.sqsrouter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import dev.sqsrouter.deploy.Dockerfile.Instruction;
import org.junit.jupiter.api.Test;

/** The Dockerfile reader of the image check: the forms it understands, and a loud failure on any other. */
class DockerfileTest {

    private static final String TEXT = """
            # syntax=docker/dockerfile:1
            FROM maven:3 AS build
            WORKDIR /build
            COPY pom.xml ./
            RUN mvn package \\
             && echo done

            FROM eclipse-temurin:25-jre
            COPY --from=build /build/target/app.jar ./app.jar
            ENV A=1 JAVA_TOOL_OPTIONS="-Xmx1g -XX:Foo=/app/x"
            ENV LEGACY some value
            EXPOSE 8080 9876/tcp
            USER 10001:10001
            ENTRYPOINT ["java", "-cp", "app.jar:lib/*", "Main"]
            """;

    @Test
    void stagesAndInstructionsAsDockerReadsThem() {
        Dockerfile dockerfile = Dockerfile.parse(TEXT);
        assertEquals(2, dockerfile.stages().size());
        assertEquals("build", dockerfile.stages().get(0).name());
        assertNull(dockerfile.runtime().name());
        List<Instruction> build = dockerfile.stage("build").instructions();
        assertEquals(new Instruction(5, "RUN", "mvn package  && echo done"), build.get(2));
        List<Instruction> runtime = dockerfile.runtime().instructions();
        assertEquals(new Dockerfile.Copy("build", List.of("/build/target/app.jar"), "./app.jar"), Dockerfile.copy(runtime.get(0)));
        assertEquals(Map.of("A", "1", "JAVA_TOOL_OPTIONS", "-Xmx1g -XX:Foo=/app/x"), Dockerfile.env(runtime.get(1)));
        assertEquals(Map.of("LEGACY", "some value"), Dockerfile.env(runtime.get(2)));
        assertEquals(List.of(8080, 9876), Dockerfile.expose(runtime.get(3)));
        assertEquals("10001:10001", Dockerfile.word(runtime.get(4)));
        assertEquals(List.of("java", "-cp", "app.jar:lib/*", "Main"), Dockerfile.execForm(runtime.get(5)));
    }

    @Test
    void whatTheCheckDoesNotUnderstandFailsWithItsLine() {
        IllegalStateException arg = assertThrows(IllegalStateException.class, () -> Dockerfile.parse("FROM a\nARG VERSION=1\n"));
        assertEquals("Dockerfile line 2 (ARG VERSION=1): an instruction the image check does not understand; teach it "
                + "(dev.sqsrouter.deploy.Dockerfile, DockerBuild) before using it", arg.getMessage());
        Dockerfile dockerfile = Dockerfile.parse("""
                FROM a
                ENTRYPOINT java -jar app.jar
                COPY --chown=1:1 a b
                COPY $JAR app.jar
                RUN --mount=type=cache,target=/root/.m2 mvn package
                """);
        List<Instruction> instructions = dockerfile.runtime().instructions();
        assertEquals("Dockerfile line 2 (ENTRYPOINT java -jar app.jar): the shell form is not understood: write the exec form "
                + "[\"...\", ...]", assertThrows(IllegalStateException.class, () -> Dockerfile.execForm(instructions.get(0))).getMessage());
        assertThrows(IllegalStateException.class, () -> Dockerfile.copy(instructions.get(1)));
        assertThrows(IllegalStateException.class, () -> Dockerfile.copy(instructions.get(2)));
        assertThrows(IllegalStateException.class, () -> Dockerfile.run(instructions.get(3)));
    }
}
