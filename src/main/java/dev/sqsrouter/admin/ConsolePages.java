package dev.sqsrouter.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.sqsrouter.http.HttpApiException;
import dev.sqsrouter.http.HttpCall;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The failures console: a few static files (classpath console/*) served under /console/ on the API's server. The page
 * itself holds no data and needs no key; it calls /admin with the key the operator types in.
 * <p>
 * Not camel.server.staticEnabled: that handler looks a path up in the working directory first, then anywhere on the
 * class path, so it would serve application.properties or any class; here only the files listed are served.
 */
public class ConsolePages {

    public static final String PATH = "/console";
    static final List<String> FILES = List.of("index.html", "console.js", "console.css");

    /**
     * The page runs only its own script and style, and connects only to its own origin: a failure body that slipped
     * into the markup still could not run or send anything anywhere.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final Map<String, byte[]> files = new LinkedHashMap<>();

    public ConsolePages() {
        for (String file : FILES) {
            files.put(file, read("console/" + file));
        }
    }

    /** GET /console redirects to /console/ (the page's relative links need the slash); /console/ is index.html. */
    public void serve(Exchange exchange) {
        HttpCall call = HttpCall.of(exchange);
        List<String> path = call.segments();
        if (!"GET".equals(call.method()) && !"HEAD".equals(call.method())) {
            throw HttpApiException.methodNotAllowed(call.method(), "GET", "/" + String.join("/", path));
        }
        String requested = exchange.getIn().getHeader(Exchange.HTTP_PATH, "", String.class);
        Message message = exchange.getMessage();
        // request headers (X-API-Key among them) would otherwise be copied into the response
        message.removeHeaders("*");
        if (path.size() == 1 && !requested.endsWith("/")) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 301);
            message.setHeader("Location", PATH + "/");
            message.setBody("");
            return;
        }
        String file = path.size() == 1 ? "index.html" : path.size() == 2 ? path.get(1) : null;
        byte[] content = file == null ? null : files.get(file);
        if (content == null) {
            throw new HttpApiException(404, "not_found", "the console has no file " + requested + ": open " + PATH + "/");
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, contentType(file));
        // small files, re-checked on every load so that a new version of the app is never shown with an old script
        message.setHeader("Cache-Control", "no-cache");
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        message.setHeader("Referrer-Policy", "no-referrer");
        message.setBody(content);
    }

    static String contentType(String file) {
        if (file.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (file.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (file.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        throw new IllegalArgumentException("no content type for " + file);
    }

    private static byte[] read(String resource) {
        try (InputStream in = ConsolePages.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the console file " + resource + " is not on the class path: the jar is incomplete");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + resource, e);
        }
    }
}
