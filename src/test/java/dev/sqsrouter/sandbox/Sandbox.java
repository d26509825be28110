package dev.sqsrouter.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.sqsrouter.Application;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.config.RelayTopology;
import dev.sqsrouter.config.S3EventsTopology;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * The local sandbox: in-process ElasticMQ, DynamoDB Local, S3Proxy whose buckets notify SNS as S3 does, an SNS that
 * delivers to ElasticMQ, the seed's response server, then the app itself with the sandbox profile, after creating
 * what it uses as the provision command does (relay queues, failure table, S3 events bucket, topic, queues and
 * subscriptions, the alert topic with the queue sqs-router-alerts-inbox subscribed to it, to read the alerts from). No
 * AWS account, no Docker. Ports come from system properties or environment variables (SANDBOX_SQS_PORT,
 * SANDBOX_SNS_PORT, ...).
 */
public final class Sandbox {

    private Sandbox() {
    }

    /** The keys of the configuration file the app reads (the working directory's, else the packaged one). */
    private static java.util.Set<String> declaredKeys() throws java.io.IOException {
        java.util.Properties properties = new java.util.Properties();
        Path file = Path.of("application.properties");
        try (java.io.InputStream in = Files.exists(file) ? Files.newInputStream(file)
                : Sandbox.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in != null) {
                properties.load(in);
            }
        }
        return properties.stringPropertyNames();
    }

    public static void main(String[] args) throws Exception {
        int sqsPort = port("sandbox.sqs-port", 9324);
        int dynamoDbPort = port("sandbox.dynamodb-port", 8001);
        int s3Port = port("sandbox.s3-port", 9000);
        int snsPort = port("sandbox.sns-port", SnsEmulator.DEFAULT_PORT);
        int responsePort = port("sandbox.response-port", 8000);
        Path log = Path.of("logs", "res_server.txt");
        Files.createDirectories(log.getParent());

        Emulators emulators = Emulators.start(sqsPort, dynamoDbPort, s3Port, snsPort, new TransientNio2BlobStore());
        SampleResponseServer responseServer = SampleResponseServer.start(responsePort, log);

        // system properties override every properties file: the app uses what was really started
        System.setProperty("camel.main.profile", "sandbox");
        System.setProperty("aws.endpoint.sqs", emulators.sqsEndpoint());
        System.setProperty("aws.endpoint.dynamodb", emulators.dynamoDbEndpoint());
        System.setProperty("aws.endpoint.s3", emulators.s3Endpoint());
        System.setProperty("aws.endpoint.sns", emulators.snsEndpoint());
        // every relay queue declared in the configuration answers through the sandbox's response server
        for (String key : declaredKeys()) {
            if (key.matches("relay\\.queues\\.[^.]+\\.url")) {
                setIfAbsent(key, responseServer.url());
            }
        }
        setIfAbsent("s3events.audit.url", responseServer.url());

        Main main = Application.newMain();
        Provisioner.AlertsProvisioned[] alerts = {null};
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeStart(BaseMainSupport starting) {
                CamelContext context = starting.getCamelContext();
                Provisioner provisioner = Application.provisioner(context);
                provisioner.provision(RelayTopology.from(context.getPropertiesComponent()));
                S3EventsTopology s3Topology = S3EventsTopology.from(context.getPropertiesComponent());
                Provisioner.S3EventsProvisioned s3Events = provisioner.provision(s3Topology);
                alerts[0] = Application.provisionAlerts(context, provisioner);
                provisioner.report().forEach(line -> System.out.println("sandbox: " + line));
                if (s3Events.notificationsOutcome() == Provisioner.NotificationsOutcome.UNSUPPORTED_BY_SANDBOX) {
                    // S3Proxy does not take PutBucketNotificationConfiguration: hand the same configuration to its emitter
                    emulators.s3Notifications().configure(s3Topology.bucket(), s3Events.notifications());
                    System.out.println("sandbox: notifications of bucket " + s3Topology.bucket() + " configured on the sandbox S3");
                }
            }

            @Override
            public void afterStart(BaseMainSupport started) {
                CamelContext context = started.getCamelContext();
                String port = context.getPropertiesComponent().resolveProperty("camel.server.port").orElse("8080");
                List<String> lines = new ArrayList<>();
                lines.add("ingress + admin   http://127.0.0.1:" + port + "   (X-API-Key: "
                        + context.getPropertiesComponent().resolveProperty("ingress.api-keys").orElse("?") + "; admin: "
                        + context.getPropertiesComponent().resolveProperty("admin.api-keys").orElse("?") + ")");
                lines.add("failures console  http://127.0.0.1:" + port + "/console/   (asks for the admin key)");
                String management = context.getPropertiesComponent().resolveProperty("camel.management.host").orElse("127.0.0.1")
                        + ":" + context.getPropertiesComponent().resolveProperty("camel.management.port").orElse("9876");
                lines.add("health + metrics  http://" + management + "/observe/health/ready, /observe/health/live,"
                        + " /observe/metrics   (no key)");
                for (RelayTopology.Queue queue : RelayTopology.from(context.getPropertiesComponent()).queues()) {
                    lines.add("  POST /" + queue.alias() + " -> " + queue.queue() + " -> " + queue.target()
                            + "   (dead letters: " + queue.deadLetterQueue() + ")");
                }
                S3EventsTopology s3Events = S3EventsTopology.from(context.getPropertiesComponent());
                lines.add("S3 events         s3://" + s3Events.bucket() + " " + s3Events.events() + " keys "
                        + (s3Events.prefix().isEmpty() ? "" : s3Events.prefix() + "...") + "*" + s3Events.suffixes()
                        + " -> SNS " + s3Events.topic() + " -> "
                        + s3Events.queues().stream().map(S3EventsTopology.Queue::queue).toList()
                        + "   (dead letters: " + s3Events.queues().stream().map(S3EventsTopology.Queue::deadLetterQueue).toList() + ")");
                lines.add("  try: aws --endpoint-url " + emulators.s3Endpoint() + " s3 cp cat.png s3://" + s3Events.bucket() + "/");
                if (alerts[0] != null && alerts[0].inbox() != null) {
                    lines.add("alerts            SNS " + alerts[0].topicArn() + " -> " + alerts[0].inbox().name());
                    lines.add("  read: aws --endpoint-url " + emulators.sqsEndpoint() + " --region us-east-1 sqs receive-message"
                            + " --queue-url " + alerts[0].inbox().url() + " --max-number-of-messages 10"
                            + " --message-attribute-names All");
                }
                lines.add("response server   " + responseServer.url() + "   (log: " + log + ")");
                lines.add("SQS (ElasticMQ)   " + emulators.sqsEndpoint());
                lines.add("SNS (sandbox)     " + emulators.snsEndpoint());
                lines.add("DynamoDB Local    " + emulators.dynamoDbEndpoint());
                lines.add("S3 (S3Proxy)      " + emulators.s3Endpoint());
                System.out.println("\nsqs-router sandbox is up:\n  " + String.join("\n  ", lines) + "\n");
            }
        });
        // the emulators stop after the app (run returns once Camel has shut down, also on Ctrl-C): stopping them
        // first would leave the app's last polls and acknowledgements failing until its shutdown timeout
        try {
            main.run(args);
        } finally {
            responseServer.close();
            emulators.close();
        }
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
