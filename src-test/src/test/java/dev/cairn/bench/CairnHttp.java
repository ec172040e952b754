package dev.cairn.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A plain client of the REST API on the JDK's HttpClient, for tests and benchmarks that run many requests
 * from many threads (crash and load tests): no contract validation on the way, so it costs what a real
 * client costs, and a service that goes away shows as an {@link IOException}. Thread-safe.
 */
public final class CairnHttp {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUri;

    public CairnHttp(String baseUri) {
        this.baseUri = baseUri;
    }

    /** One answer: its status, its body and its {@code Location} header (null when absent). */
    public record Answer(int status, byte[] body, String location) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public boolean ok() {
            return status / 100 == 2;
        }
    }

    /** Sends {@code json} (none when null) to {@code path} below the base URI. */
    public Answer json(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return send(request);
    }

    /** Writes {@code data} into volume content at {@code offset}; {@code volumePath} is the volume's path. */
    public Answer write(String volumePath, long offset, byte[] data) throws IOException, InterruptedException {
        return send(request(volumePath + "/content?offset=" + offset)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data)));
    }

    /** Reads a volume's whole content, or a snapshot's when {@code snapshot} is not null. */
    public Answer read(String volumePath, String snapshot) throws IOException, InterruptedException {
        return send(request(volumePath + "/content" + (snapshot == null ? "" : "?snapshot=" + snapshot)).GET());
    }

    public Answer get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUri + path)).timeout(TIMEOUT);
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response.body(),
                response.headers().firstValue("Location").orElse(null));
    }
}
