package dev.sqsrouter.http;

import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;

/**
 * Camel's Vert.x platform-http engine, told which server the routes are on. With the management server running as well
 * there are two Vert.x servers, and Camel 4.17's engine, finding no single one, mounts every platform-http route on the
 * server of port 8080: with camel.server.port set to anything else the routes would not start.
 */
public class ServerPortEngine extends VertxPlatformHttpEngine {

    private final int serverPort;

    public ServerPortEngine(int serverPort) {
        this.serverPort = serverPort;
    }

    @Override
    public int getServerPort() {
        // 0: a port the server picks, known only to the engine's own lookup
        return serverPort > 0 ? serverPort : super.getServerPort();
    }
}
