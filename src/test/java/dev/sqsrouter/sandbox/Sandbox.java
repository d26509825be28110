package dev.sqsrouter.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.sqsrouter.Application;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.provision.RelayTopology;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The local sandbox: in-process ElasticMQ, DynamoDB Local and S3Proxy, the seed's response server, then the app
 * itself with the sandbox profile, after creating the queues, dead-letter queues and failure table it uses. No AWS
 * account, no Docker. Ports come from system properties or environment variables (SANDBOX_SQS_PORT, ...).
 */
public final class Sandbox {

    private Sandbox() {
    }

    public static void main(String[] args) throws Exception {
        int sqsPort = port("sandbox.sqs-port", 9324);
        int dynamoDbPort = port("sandbox.dynamodb-port", 8001);
        int s3Port = port("sandbox.s3-port", 9000);
        int responsePort = port("sandbox.response-port", 8000);
        Path log = Path.of("logs", "res_server.txt");
        Files.createDirectories(log.getParent());

        Emulators emulators = Emulators.start(sqsPort, dynamoDbPort, s3Port, new TransientNio2BlobStore());
        SampleResponseServer responseServer = SampleResponseServer.start(responsePort, log);

        // system properties override every properties file: the app uses what was really started
        System.setProperty("camel.main.profile", "sandbox");
        System.setProperty("aws.endpoint.sqs", emulators.sqsEndpoint());
        System.setProperty("aws.endpoint.dynamodb", emulators.dynamoDbEndpoint());
        System.setProperty("aws.endpoint.s3", emulators.s3Endpoint());
        setIfAbsent("relay.queue-1.url", responseServer.url());
        setIfAbsent("relay.queue-2.url", responseServer.url());

        Main main = Application.newMain();
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeStart(BaseMainSupport starting) {
                CamelContext context = starting.getCamelContext();
                Provisioner provisioner = new Provisioner(
                        context.getRegistry().lookupByNameAndType("sqsClient", SqsClient.class),
                        context.getRegistry().lookupByNameAndType("dynamoDbClient", DynamoDbClient.class));
                RelayTopology.from(context.getPropertiesComponent()).provision(provisioner);
                provisioner.report().forEach(line -> System.out.println("sandbox: " + line));
            }

            @Override
            public void afterStart(BaseMainSupport started) {
                CamelContext context = started.getCamelContext();
                String port = context.getPropertiesComponent().resolveProperty("camel.server.port").orElse("8080");
                List<String> lines = new ArrayList<>();
                lines.add("ingress + admin   http://127.0.0.1:" + port + "   (X-API-Key: "
                        + context.getPropertiesComponent().resolveProperty("ingress.api-keys").orElse("?") + ")");
                for (RelayTopology.Queue queue : RelayTopology.from(context.getPropertiesComponent()).queues()) {
                    lines.add("  POST /" + queue.alias() + " -> " + queue.queue() + " -> " + queue.target()
                            + "   (dead letters: " + queue.deadLetterQueue() + ")");
                }
                lines.add("response server   " + responseServer.url() + "   (log: " + log + ")");
                lines.add("SQS (ElasticMQ)   " + emulators.sqsEndpoint());
                lines.add("DynamoDB Local    " + emulators.dynamoDbEndpoint());
                lines.add("S3 (S3Proxy)      " + emulators.s3Endpoint());
                System.out.println("\nsqs-router sandbox is up:\n  " + String.join("\n  ", lines) + "\n");
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            responseServer.close();
            emulators.close();
        }));
        main.run(args);
    }

    private static int port(String property, int fallback) {
        String env = System.getenv(property.toUpperCase().replaceAll("[.-]", "_"));
        String value = System.getProperty(property, env != null ? env : Integer.toString(fallback));
        return Integer.parseInt(value.trim());
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null && System.getenv(property.toUpperCase().replaceAll("[.-]", "_")) == null) {
            System.setProperty(property, value);
        }
    }
}
