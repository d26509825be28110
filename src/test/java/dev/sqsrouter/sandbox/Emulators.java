package dev.sqsrouter.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * In-process emulators that speak the AWS wire protocols: ElasticMQ (SQS), DynamoDB Local, S3Proxy whose buckets
 * notify SNS as S3 does ({@link NotifyingBlobStore}), and an SNS that delivers to the ElasticMQ ({@link SnsEmulator}),
 * all on 127.0.0.1. Tests share one set on free ports ({@link #shared()}); the sandbox starts one on fixed ports.
 */
public final class Emulators implements AutoCloseable {

    private static Emulators shared;

    /** A forked test JVM's own ports: 1,000 from 20,000 + 1,000 x its fork number, below the ephemeral range. */
    private static final int FORK_PORTS_BASE = 20_000;
    private static final int FORK_PORTS = 1_000;
    private static final AtomicInteger NEXT_FORK_PORT = new AtomicInteger();

    private final SQSRestServer sqs;
    private final DynamoDBProxyServer dynamoDb;
    private final S3Proxy s3;
    private final SnsEmulator sns;
    private final SnsClient s3NotificationPublisher;
    private final NotifyingBlobStore s3Notifications;
    private final int sqsPort;
    private final int dynamoDbPort;
    private final int s3Port;

    private Emulators(int sqsPort, int dynamoDbPort, int s3Port, int snsPort, BlobStore blobStore) throws Exception {
        this.sqsPort = sqsPort;
        this.dynamoDbPort = dynamoDbPort;
        this.s3Port = s3Port;
        this.sqs = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(sqsPort).withAWSRegion("us-east-1").start();
        sqs.waitUntilStarted();
        this.sns = SnsEmulator.start(snsPort, sqsEndpoint());
        this.s3NotificationPublisher = AwsTestClients.sns(sns.endpoint());
        this.s3Notifications = new NotifyingBlobStore(blobStore, s3NotificationPublisher, SnsEmulator.REGION, SnsEmulator.ACCOUNT);
        this.dynamoDb = startDynamoDb(dynamoDbPort);
        this.s3 = S3Proxy.builder()
                .blobStore(s3Notifications)
                .endpoint(URI.create("http://127.0.0.1:" + s3Port))
                .awsAuthentication(AuthenticationType.NONE, null, null)
                .build();
        s3.start();
    }

    /** Starts the emulators on the given ports (snsPort 0 = any free port). */
    public static Emulators start(int sqsPort, int dynamoDbPort, int s3Port, int snsPort, BlobStore blobStore)
            throws Exception {
        return new Emulators(sqsPort, dynamoDbPort, s3Port, snsPort, blobStore);
    }

    /** Starts the emulators on the given ports, SNS on any free port. */
    public static Emulators start(int sqsPort, int dynamoDbPort, int s3Port, BlobStore blobStore) throws Exception {
        return start(sqsPort, dynamoDbPort, s3Port, 0, blobStore);
    }

    /** One set for the whole test JVM, on free ports, stopped when the JVM exits. */
    public static synchronized Emulators shared() {
        if (shared == null) {
            try {
                shared = start(freePort(), freePort(), freePort(), new TransientNio2BlobStore());
            } catch (Exception e) {
                throw new IllegalStateException("could not start the emulators", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    public String sqsEndpoint() {
        return "http://127.0.0.1:" + sqsPort;
    }

    public String dynamoDbEndpoint() {
        return "http://127.0.0.1:" + dynamoDbPort;
    }

    public String s3Endpoint() {
        return "http://127.0.0.1:" + s3Port;
    }

    public String snsEndpoint() {
        return sns.endpoint();
    }

    /** The S3 buckets' notification configurations (S3Proxy does not take PutBucketNotificationConfiguration). */
    public NotifyingBlobStore s3Notifications() {
        return s3Notifications;
    }

    /** A DynamoDB Local of its own, for a test that stops and restarts it (in memory: a restart loses the tables). */
    public static DynamoDBProxyServer startDynamoDb(int port) throws Exception {
        DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                new String[] {"-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)});
        bindToLoopback(server);
        server.start();
        return server;
    }

    /** DynamoDB Local has no option for the listen address; its Jetty connector is set to loopback before start. */
    private static void bindToLoopback(DynamoDBProxyServer server) throws ReflectiveOperationException {
        java.lang.reflect.Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        org.eclipse.jetty.server.Server jetty = (org.eclipse.jetty.server.Server) field.get(server);
        for (org.eclipse.jetty.server.Connector connector : jetty.getConnectors()) {
            if (connector instanceof org.eclipse.jetty.server.ServerConnector network) {
                network.setHost("127.0.0.1");
            }
        }
    }

    /**
     * A port that is free now, for a server the caller starts next. In a forked test JVM (surefire's and failsafe's
     * {@code fork.number}) the ports come in turn from a range of that fork's own, below the kernel's ephemeral
     * range: a port found free and closed here cannot then be taken by another fork (or by a client connection)
     * before the caller binds it. Elsewhere any free port.
     */
    public static int freePort() {
        String fork = System.getProperty("fork.number", "");
        if (!fork.matches("\\d+")) {
            return bindable(0);
        }
        int first = FORK_PORTS_BASE + (Integer.parseInt(fork) % 8) * FORK_PORTS;
        for (int tried = 0; tried < FORK_PORTS; tried++) {
            int port = first + Math.floorMod(NEXT_FORK_PORT.getAndIncrement(), FORK_PORTS);
            if (bindable(port) > 0) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + first + "-" + (first + FORK_PORTS - 1));
    }

    /** The port bound (0 = any free one), or -1 if it is taken. */
    private static int bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return socket.getLocalPort();
        } catch (IOException e) {
            if (port == 0) {
                throw new IllegalStateException("no free port", e);
            }
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            s3.stop();
        } catch (Exception ignored) {
            // stopping anyway
        }
        sns.close();
        s3NotificationPublisher.close();
        try {
            dynamoDb.stop();
        } catch (Exception ignored) {
            // stopping anyway
        }
        sqs.stopAndWait();
    }
}
