package dev.cairn.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP mechanics of the SDK against the JDK's small HTTP server playing a service: headers, jobs,
 * failures. What the real service answers is checked by the end-to-end suite in {@code src-test}.
 */
class TransportTest {
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aTokenIsSentAsBearerAndErrorsAcceptProblems() {
        server.createContext("/api/v1/pools", exchange -> {
            requests.add(exchange.getRequestHeaders().getFirst("Authorization") + " | "
                    + exchange.getRequestHeaders().getFirst("Accept"));
            answer(exchange, 200, "application/json", "[{\"name\":\"default\",\"capacity\":1}]");
        });
        try (Connect connect = new Connect(uri(), "s3cret")) {
            assertThat(connect.listStoragePools()).containsExactly("default");
        }
        assertThat(requests).containsExactly("Bearer s3cret | application/json, application/problem+json");
    }

    @Test
    void anAcceptedJobIsPolledUntilItSucceeds() {
        AtomicInteger polls = new AtomicInteger();
        server.createContext("/api/v1/pools/p/volumes/v/snapshots/s/merge", exchange -> {
            exchange.getResponseHeaders().add("Location", "/api/v1/jobs/7");
            answer(exchange, 202, "application/json", "{\"id\":\"7\",\"state\":\"queued\"}");
        });
        server.createContext("/api/v1/jobs/7", exchange -> answer(exchange, 200, "application/json",
                polls.incrementAndGet() < 3 ? "{\"state\":\"running\"}" : "{\"state\":\"succeeded\"}"));
        try (Connect connect = new Connect(uri())) {
            snapshot(connect).merge();
        }
        assertThat(polls).hasValue(3);
    }

    @Test
    void aFailedJobThrowsItsProblem() {
        server.createContext("/api/v1/pools/p/volumes/v/snapshots/s/merge", exchange -> {
            exchange.getResponseHeaders().add("Location", "/api/v1/jobs/8");
            answer(exchange, 202, "application/json", "{}");
        });
        server.createContext("/api/v1/jobs/8", exchange -> answer(exchange, 200, "application/json",
                "{\"state\":\"failed\",\"problem\":{\"status\":507,\"title\":\"Insufficient space\","
                        + "\"detail\":\"pool p is full\",\"code\":\"INSUFFICIENT_SPACE\",\"pool\":\"p\"}}"));
        try (Connect connect = new Connect(uri())) {
            assertThatThrownBy(() -> snapshot(connect).merge()).isInstanceOf(CairnException.class)
                    .hasMessage("pool p is full")
                    .satisfies(e -> assertThat(((CairnException) e).getCode()).isEqualTo("INSUFFICIENT_SPACE"));
        }
    }

    @Test
    void anUploadWhoseDataEndsEarlyIsAnInvalidArgument() {
        server.createContext("/api/v1/pools/p/volumes/v/content", exchange -> {
            exchange.getRequestBody().readAllBytes();
            answer(exchange, 200, "application/json", "{\"name\":\"v\"}");
        });
        try (Connect connect = new Connect(uri())) {
            StorageVol volume = new StorageVol(new StoragePool(connect, "p"), "v");
            InputStream threeBytes = new ByteArrayInputStream(new byte[3]);
            assertThatThrownBy(() -> volume.upload(threeBytes, 0, 10)).isInstanceOf(CairnException.class)
                    .hasMessageContaining("ended after 3 of 10 bytes")
                    .satisfies(e -> assertThat(((CairnException) e).getCode()).isEqualTo("INVALID_ARGUMENT"));
        }
    }

    @Test
    void aRefusedConnectionIsAStorageErrorNamingTheService() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String uri = "http://127.0.0.1:" + closedPort;
        try (Connect connect = new Connect(uri)) {
            assertThatThrownBy(connect::listStoragePools).isInstanceOf(CairnException.class)
                    .hasMessageStartingWith("cannot reach the Cairn service at " + uri)
                    .hasCauseInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(((CairnException) e).getCode()).isEqualTo("STORAGE_ERROR"))
                    .satisfies(e -> assertThat(((CairnException) e).context()).containsEntry("service", uri));
        }
    }

    @Test
    void aClosedConnectionRefusesEveryCall() {
        Connect connect = new Connect(uri());
        connect.close();
        assertThatThrownBy(connect::listStoragePools).isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).getCode()).isEqualTo("OPERATION_INVALID"));
    }

    @Test
    void anUnexpectedSuccessStatusIsNotMistakenForAnAnswer() {
        server.createContext("/api/v1/pools", exchange -> answer(exchange, 204, null, ""));
        try (Connect connect = new Connect(uri())) {
            assertThatThrownBy(connect::listStoragePools).isInstanceOf(CairnException.class)
                    .hasMessageContaining("unexpected HTTP 204")
                    .satisfies(e -> assertThat(((CairnException) e).getCode()).isEqualTo("INTERNAL"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "127.0.0.1:8080", "ftp://host/", "http:///x", "http://h/?q=1", "not a uri"})
    void badServiceUrisAreRefused(String uri) {
        assertThatThrownBy(() -> new Connect(uri)).isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).getCode()).isEqualTo("INVALID_ARGUMENT"));
    }

    @Test
    void aPathPrefixAndTrailingSlashOfTheBaseUriAreKept() {
        server.createContext("/cairn/api/v1/pools", exchange ->
                answer(exchange, 200, "application/json", "[{\"name\":\"behind-a-proxy\"}]"));
        try (Connect connect = new Connect(uri() + "/cairn/")) {
            assertThat(connect.getURI()).isEqualTo(uri() + "/cairn");
            assertThat(connect.listStoragePools()).containsExactly("behind-a-proxy");
        }
    }

    private static StorageVolSnapshot snapshot(Connect connect) {
        return new StorageVolSnapshot(new StorageVol(new StoragePool(connect, "p"), "v"), "s");
    }

    private String uri() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            exchange.getResponseHeaders().add("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
