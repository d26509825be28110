package dev.sqsrouter;

import dev.sqsrouter.alerts.AlertBeans;
import dev.sqsrouter.aws.AwsClients;
import dev.sqsrouter.admin.AdminBeans;
import dev.sqsrouter.admin.FailuresCommand;
import dev.sqsrouter.http.HttpApiBeans;
import dev.sqsrouter.ingress.IngressBeans;
import dev.sqsrouter.relay.RelayBeans;
import dev.sqsrouter.failure.FailureBeans;
import dev.sqsrouter.observe.ObserveBeans;
import dev.sqsrouter.provision.DeploymentTemplate;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.config.LoggingFormat;
import dev.sqsrouter.config.RouteFiles;
import dev.sqsrouter.config.Topology;
import dev.sqsrouter.failure.DeadLetterRoutes;
import dev.sqsrouter.relay.RelayRoutes;
import dev.sqsrouter.s3events.S3EventRoutes;
import dev.sqsrouter.s3events.S3EventsBeans;
import java.io.PrintStream;
import java.util.Arrays;

import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;
import org.apache.camel.main.MainListenerSupport;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * sqs-router: declarative SQS routes on Apache Camel. Routes load from routes/*.yaml; application.properties in the
 * working directory overrides the packaged defaults; environment variables override both.
 */
public final class Application {

    /** The packaged defaults, then the working directory's file on top (the first location wins). */
    static final String PROPERTY_LOCATIONS = "file:application.properties;optional=true,classpath:application.properties";

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        try {
            // before the first logger: log4j2 reads its layout once
            LoggingFormat.apply();
        } catch (IllegalArgumentException e) {
            System.err.println("sqs-router cannot start: " + e.getMessage());
            System.exit(1);
        }
        if (args.length > 0 && "provision".equals(args[0])) {
            System.exit(provision());
        }
        if (args.length > 0 && FailuresCommand.COMMAND.equals(args[0])) {
            System.exit(failures(args));
        }
        if (args.length > 0 && (DeploymentTemplate.CLOUDFORMATION_COMMAND.equals(args[0])
                || DeploymentTemplate.IAM_POLICY_COMMAND.equals(args[0]))) {
            System.exit(deployment(args[0]));
        }
        for (String arg : args) {
            if (arg.startsWith("-D")) {
                // after -jar, Java hands it to the app, and Camel's runner would answer with its help screen and exit 0
                System.err.println(CANNOT_START + arg + " comes after the jar, where Java passes it to the app as an argument:"
                        + " put settings before -jar (java -Dname=value -jar sqs-router.jar), or in application.properties");
                System.exit(2);
            }
        }
        try {
            System.exit(newMain().run(args));
        } catch (Exception e) {
            // a configuration mistake found while the beans are made or the routes start: what to fix, on one line
            // (the whole chain at debug level, for a bug report)
            LoggerFactory.getLogger(Application.class).debug("the start failed", e);
            System.err.println(CANNOT_START + startFailure(e));
            System.exit(1);
        }
    }

    private static final String CANNOT_START = "sqs-router cannot start: ";

    /**
     * One line for a failed start: the configuration mistake (an IllegalArgumentException) behind it, else the first
     * and the deepest message of the chain.
     */
    static String startFailure(Throwable e) {
        String mistake = configurationMistake(e);
        if (mistake != null) {
            return mistake;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String first = String.valueOf(e.getMessage());
        String deepest = String.valueOf(root.getMessage());
        return (root == e || first.contains(deepest) ? first : first + " (" + deepest + ")").replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * The provision command: creates what the configuration names (the relay's queues, failure table and failure bodies
     * bucket, the S3 events bucket, topic, queues, subscriptions and notifications, the alert topic), prints what it
     * created and what existed.
     */
    static int provision() throws Exception {
        Main main = commandMain();
        int[] exitCode = {0};
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport started) {
                try {
                    CamelContext context = started.getCamelContext();
                    Provisioner provisioner = provisioner(context);
                    try {
                        Topology topology = Topology.of(context);
                        provisioner.provision(topology.relay());
                        if (topology.s3Events().isPresent()) {
                            provisioner.provision(topology.s3Events().get());
                        } else {
                            System.out.println("no S3 event queue is declared (s3events.queues.<name>.*): nothing of S3 events to create");
                        }
                        provisionAlerts(context, provisioner);
                    } finally {
                        provisioner.report().forEach(System.out::println);
                    }
                } catch (RuntimeException e) {
                    System.err.println("provision failed: " + e.getMessage());
                    exitCode[0] = 1;
                }
                ((Main) started).completed();
            }
        });
        try {
            int run = main.run(new String[0]);
            return exitCode[0] != 0 ? exitCode[0] : run;
        } catch (Exception e) {
            // a configuration mistake found while the beans are made: what to fix, not a stack trace
            System.err.println("provision failed: " + startFailure(e));
            return 1;
        }
    }

    /** The alert topic (alerts.topic), unless alerts.enabled=false; in the sandbox, with a queue subscribed to it. */
    public static Provisioner.AlertsProvisioned provisionAlerts(CamelContext context, Provisioner provisioner) {
        var properties = context.getPropertiesComponent();
        if (!Boolean.parseBoolean(properties.resolveProperty("alerts.enabled").orElse("true").trim())) {
            System.out.println("alerts.enabled=false: no alert topic to create");
            return null;
        }
        return provisioner.alerts(properties.resolveProperty("alerts.topic").orElse("sqs-router-alerts"));
    }

    /**
     * The failures command (see {@link FailuresCommand}): the failure store's operations from the command line, on the
     * app's configuration and AWS clients, with no routes and no server. Its answer alone goes to standard output;
     * whatever is logged goes to standard error, warnings and errors only.
     */
    static int failures(String[] args) {
        FailuresCommand.Invocation invocation;
        try {
            invocation = FailuresCommand.parse(Arrays.asList(args).subList(1, args.length));
        } catch (FailuresCommand.UsageException e) {
            System.err.println("failures: " + e.getMessage());
            System.err.print(FailuresCommand.USAGE_TEXT);
            return FailuresCommand.USAGE;
        }
        PrintStream out = System.out;
        // before anything logs: the console appender then writes to standard error, never into --json output
        System.setOut(System.err);
        org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.WARN);
        Main main = commandMain();
        int[] exitCode = {FailuresCommand.STORE_ERROR};
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport started) {
                try {
                    exitCode[0] = FailuresCommand.run(invocation, started.getCamelContext(), out, System.err);
                } finally {
                    ((Main) started).completed();
                }
            }
        });
        try {
            main.run(new String[0]);
            return exitCode[0];
        } catch (Exception e) {
            System.err.println("failures " + invocation.command() + " failed: " + startFailure(e));
            return FailuresCommand.STORE_ERROR;
        } finally {
            System.setOut(out);
        }
    }

    /** The message of the IllegalArgumentException (a configuration mistake) behind e, or null. */
    static String configurationMistake(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof IllegalArgumentException) {
                return cause.getMessage();
            }
        }
        return null;
    }

    /**
     * The cloudformation and iam-policy commands: the template, or the instance role's policy standalone, for the
     * topology the configuration declares, on standard output. Reads the configuration layers the app reads; starts
     * nothing and calls no AWS API.
     */
    static int deployment(String command) {
        try {
            CamelContext context = new DefaultCamelContext();
            context.getPropertiesComponent().setLocation(PROPERTY_LOCATIONS);
            DeploymentTemplate deployment = DeploymentTemplate.from(context.getPropertiesComponent());
            System.out.print(DeploymentTemplate.CLOUDFORMATION_COMMAND.equals(command)
                    ? deployment.templateYaml() : deployment.policyJson());
            System.out.flush();
            return 0;
        } catch (RuntimeException e) {
            System.err.println(command + " failed: " + e.getMessage());
            return 1;
        }
    }

    /**
     * A provisioner on the app's own AWS clients. provision.sandbox=true only against the local sandbox: its S3 does
     * not implement bucket notifications, which is then reported instead of failing.
     */
    public static Provisioner provisioner(CamelContext context) {
        return new Provisioner(
                context.getRegistry().lookupByNameAndType("sqsClient", SqsClient.class),
                context.getRegistry().lookupByNameAndType("dynamoDbClient", DynamoDbClient.class),
                context.getRegistry().lookupByNameAndType("s3Client", S3Client.class),
                context.getRegistry().lookupByNameAndType("snsClient", SnsClient.class),
                Boolean.parseBoolean(context.getPropertiesComponent().resolveProperty("provision.sandbox").orElse("false").trim()));
    }

    /**
     * A Camel main for a command (provision, failures): the configuration and the AWS clients only. No routes, no
     * server, no consumers, nor the management port, which a running app on the same machine holds.
     */
    static Main commandMain() {
        Main main = newMain();
        main.addOverrideProperty("camel.main.routes-include-pattern", "false");
        main.addOverrideProperty("camel.server.enabled", "false");
        main.addOverrideProperty("camel.management.enabled", "false");
        main.addOverrideProperty("relay.enabled", "false");
        main.addOverrideProperty("s3events.enabled", "false");
        return main;
    }

    /** A Camel main with the application's beans and configuration, not yet started. */
    public static Main newMain() {
        // no package scan: the Java parts are registered explicitly in configure()
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation(PROPERTY_LOCATIONS);
        configure(main.configure());
        return main;
    }

    /** Registers the Java parts of the app; shared with tests that boot the app another way. */
    public static void configure(org.apache.camel.main.MainConfigurationProperties configuration) {
        // the route files inside the jar, each replaced by a file of its name in routes/ beside the app (or added to);
        // camel.main.routes-include-pattern, where set, is applied after this and wins
        configuration.setRoutesIncludePattern(RouteFiles.includePattern(Path.of(RouteFiles.DIRECTORY)));
        configuration.addConfiguration(AwsClients.class);
        configuration.addConfiguration(FailureBeans.class);
        configuration.addConfiguration(RelayBeans.class);
        configuration.addConfiguration(HttpApiBeans.class);
        configuration.addConfiguration(IngressBeans.class);
        configuration.addConfiguration(AdminBeans.class);
        configuration.addConfiguration(S3EventsBeans.class);
        configuration.addConfiguration(AlertBeans.class);
        configuration.addConfiguration(ObserveBeans.class);
        // the routes of each declared queue, from the YAML route templates
        configuration.addRoutesBuilder(new RelayRoutes());
        configuration.addRoutesBuilder(new S3EventRoutes());
        configuration.addRoutesBuilder(new DeadLetterRoutes());
    }
}
