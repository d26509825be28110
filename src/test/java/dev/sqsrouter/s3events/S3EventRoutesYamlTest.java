package dev.sqsrouter.s3events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The S3 event route files against the YAML DSL's own schema, and the rule that a file is named after its route. */
class S3EventRoutesYamlTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @ParameterizedTest
    @ValueSource(strings = {"s3-event-queue", "s3events-image-thumbnails", "s3events-image-audit"})
    void routeFileIsValidAndNamedAfterItsRoute(String name) throws Exception {
        JsonNode routes = YAML.readTree(Files.readString(Path.of("routes", name + ".yaml")));
        JsonSchema schema;
        try (InputStream in = getClass().getResourceAsStream("/schema/camelYamlDsl.json")) {
            assertNotNull(in, "camel-yaml-dsl ships schema/camelYamlDsl.json");
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
        Set<ValidationMessage> errors = schema.validate(routes);
        assertTrue(errors.isEmpty(), () -> name + ".yaml: " + errors);

        assertEquals(1, routes.size(), "one flow per file");
        JsonNode entry = routes.get(0);
        String id = entry.has("routeTemplate") ? entry.get("routeTemplate").get("id").asText()
                : entry.get("templatedRoute").get("routeId").asText();
        assertEquals(name, id);
        if (entry.has("templatedRoute")) {
            assertEquals("s3-event-queue", entry.get("templatedRoute").get("routeTemplateRef").asText());
            List<String> parameters = entry.get("templatedRoute").get("parameters").findValuesAsText("name");
            assertTrue(parameters.containsAll(List.of("queue", "processor")), () -> name + ": " + parameters);
        }
    }
}
