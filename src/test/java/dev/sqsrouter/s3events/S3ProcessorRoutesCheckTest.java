package dev.sqsrouter.s3events;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A queue whose processor has no route is refused at start, not found missing at its first record. */
class S3ProcessorRoutesCheckTest {

    private DefaultCamelContext context;

    @BeforeEach
    void routes() throws Exception {
        context = new DefaultCamelContext();
        Properties properties = new Properties();
        properties.setProperty("s3events.image-index.processor", "thumbnial");
        context.getPropertiesComponent().setInitialProperties(properties);
        context.addRoutes(new S3RecordProcessorPolicy());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                routeTemplate("queue").templateParameter("queue").templateParameter("processor")
                        .from("direct:{{queue}}").to("log:record");
                from("direct:thumbnail").routeId("s3-record-thumbnail").routeConfigurationId(S3RecordProcessorPolicy.ID)
                        .to("log:thumbnail");
                from("direct://audit").routeId("s3-record-audit").routeConfigurationId(S3RecordProcessorPolicy.ID)
                        .to("log:audit");
            }
        });
        context.addStartupListener(new S3ProcessorRoutesCheck());
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void queuesWhoseProcessorsHaveRoutesStart() throws Exception {
        TemplatedRouteBuilder.builder(context, "queue").routeId("q1").parameter("queue", "q1").parameter("processor", "thumbnail").add();
        TemplatedRouteBuilder.builder(context, "queue").routeId("q2").parameter("queue", "q2").parameter("processor", "audit").add();
        context.start();
        assertTrue(context.isStarted());
    }

    @Test
    void aProcessorWithoutARouteIsRefusedAtStart() throws Exception {
        TemplatedRouteBuilder.builder(context, "queue").routeId("q1").parameter("queue", "q1").parameter("processor", "thumbnail").add();
        TemplatedRouteBuilder.builder(context, "queue").routeId("image-index").parameter("queue", "q3")
                .parameter("processor", "{{s3events.image-index.processor}}").add();

        Exception refused = assertThrows(Exception.class, context::start);
        String message = String.valueOf(refused.getMessage()) + " " + String.valueOf(refused.getCause());
        assertTrue(message.contains("route image-index names the processor 'thumbnial', but no route consumes direct:thumbnial"),
                message);
        assertTrue(message.contains("(the processor routes consume direct:audit, direct:thumbnail)"), message);
    }
}
