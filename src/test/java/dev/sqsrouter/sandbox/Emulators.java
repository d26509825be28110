package dev.sqsrouter.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * In-process emulators that speak the AWS wire protocols: ElasticMQ (SQS), DynamoDB Local and S3Proxy, all on
 * 127.0.0.1. Tests share one set on free ports ({@link #shared()}); the sandbox starts one on fixed ports.
 */
public final class Emulators implements AutoCloseable {

    private static Emulators shared;

    private final SQSRestServer sqs;
    private final DynamoDBProxyServer dynamoDb;
    private final S3Proxy s3;
    private final int sqsPort;
    private final int dynamoDbPort;
    private final int s3Port;

    private Emulators(int sqsPort, int dynamoDbPort, int s3Port, BlobStore blobStore) throws Exception {
        this.sqsPort = sqsPort;
        this.dynamoDbPort = dynamoDbPort;
        this.s3Port = s3Port;
        this.sqs = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(sqsPort).withAWSRegion("us-east-1").start();
        sqs.waitUntilStarted();
        this.dynamoDb = startDynamoDb(dynamoDbPort);
        this.s3 = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + s3Port))
                .awsAuthentication(AuthenticationType.NONE, null, null)
                .build();
        s3.start();
    }

    /** Starts the emulators on the given ports. */
    public static Emulators start(int sqsPort, int dynamoDbPort, int s3Port, BlobStore blobStore) throws Exception {
        return new Emulators(sqsPort, dynamoDbPort, s3Port, blobStore);
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

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    @Override
    public void close() {
        try {
            s3.stop();
        } catch (Exception ignored) {
            // stopping anyway
        }
        try {
            dynamoDb.stop();
        } catch (Exception ignored) {
            // stopping anyway
        }
        sqs.stopAndWait();
    }
}
