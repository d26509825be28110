package dev.sqsrouter.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

/**
 * Every YAML route the jar carries (src/main/resources/routes/) against the Camel YAML DSL schema that camel-yaml-dsl ships, so that a typo in a
 * route the integration team edits fails the build, not the deployment. Each file holds one flow whose id is the
 * file name. (Loading each into a CamelContext is done by every test that boots the app.)
 */
class RoutesSchemaTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void theSchemaRejectsAStepThatDoesNotExist() throws IOException {
        JsonNode broken = YAML.readTree("- route:\n    id: broken\n    from:\n      uri: direct:x\n      steps:\n        - tu: log:x\n");
        assertFalse(schema().validate(broken).isEmpty(), "a misspelt step must not pass");
    }

    @Test
    void everyRouteFileMatchesTheCamelYamlDslSchemaAndIsNamedAfterItsFlow() throws IOException {
        JsonSchema schema = schema();
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of("src/main/resources/routes"))) {
            files = listing.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no routes/*.yaml found");
        for (Path file : files) {
            JsonNode routes = YAML.readTree(file.toFile());
            Set<ValidationMessage> errors = schema.validate(routes);
            assertEquals(Set.of(), errors, file + " does not match the Camel YAML DSL schema");
            assertTrue(routes.isArray() && routes.size() == 1, file + " must hold exactly one flow");
            String expectedId = file.getFileName().toString().replaceFirst("\\.yaml$", "");
            assertEquals(expectedId, flowId(routes.get(0)), file + ": file name must be the flow's id");
        }
    }

    private static JsonSchema schema() throws IOException {
        try (InputStream in = RoutesSchemaTest.class.getResourceAsStream("/schema/camelYamlDsl.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
    }

    private static String flowId(JsonNode flow) {
        for (String kind : List.of("route", "routeTemplate", "routeConfiguration")) {
            if (flow.has(kind)) {
                return flow.get(kind).path("id").asText();
            }
        }
        if (flow.has("templatedRoute")) {
            return flow.get("templatedRoute").path("routeId").asText();
        }
        return "";
    }
}
