package dev.cairn.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SDK's one way to the service: HTTP/1.1 requests on the JDK's {@link HttpClient}, JSON through
 * Jackson, every error answer turned into a {@link CairnException} (see {@link ServiceProblem}) and every
 * transport failure too.
 *
 * <p><b>Transport failures</b> (connection refused, reset, timeout, any {@link IOException} on the way)
 * become {@link ErrorCode#STORAGE_ERROR} with the {@code IOException} as cause and the base URI under
 * the context key {@code service}: the storage could not be reached. {@code INTERNAL} is kept for answers
 * this SDK cannot understand (a bug on one side or the other).
 *
 * <p><b>Long operations</b>: an answer 202 with a {@code Location} of a job is waited for by polling the
 * job until it succeeded (the call returns) or failed (its problem is thrown).
 *
 * <p>Thread-safe: the client is, and the only mutable state is the volatile closed flag.
 */
final class Transport {
    static final String JSON = "application/json";
    static final String OCTETS = "application/octet-stream";
    static final String DELTA = "application/vnd.cairn.delta";
    private static final String PROBLEM = "application/problem+json";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration JOB_POLL_INTERVAL = Duration.ofMillis(250);
    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

    private final URI base;
    private final String authorization;
    private final HttpClient http;
    private final JsonMapper json;
    private volatile boolean closed;

    /**
     * @param uri the service's base URI, {@code http} or {@code https}, e.g. {@code http://127.0.0.1:8080}
     * @param token bearer token, or null for a service without one
     * @throws CairnException {@link ErrorCode#INVALID_ARGUMENT} for a URI that is not an absolute http(s)
     *     URI without query, or a token that is blank or has control characters
     */
    Transport(String uri, String token) {
        this.base = baseUri(uri);
        this.authorization = token == null ? null : "Bearer " + requireToken(token);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.json = JsonMapper.builder()
                // Fields may grow (API.md) and an older service may lack newer ones: read what is there.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
                .build();
    }

    /** The base URI as given, without a trailing slash. */
    String baseUri() {
        return base.toString();
    }

    /** {@code GET path}, answered 200 with JSON read as {@code answer}. */
    <T> T get(ResourcePath path, Class<T> answer) {
        return send("GET", path, null, answer);
    }

    /**
     * {@code method path} with {@code body} as JSON (none when null), answered 200 or 201 with JSON read as
     * {@code answer}.
     */
    <T> T send(String method, ResourcePath path, Object body, Class<T> answer) {
        HttpResponse<InputStream> response = exchange(jsonRequest(method, path, body), method, path);
        expect(response, method, path, 200, 201);
        return read(response, answer, method, path);
    }

    /**
     * {@code method path} with {@code body} as JSON (none when null) whose answer carries nothing the caller
     * needs: 200, 201 or 204, or 202 for a job that is then waited for.
     */
    void call(String method, ResourcePath path, Object body) {
        HttpResponse<InputStream> response = exchange(jsonRequest(method, path, body), method, path);
        discard(response);
        if (response.statusCode() == 202) {
            awaitJob(response, method, path);
            return;
        }
        expect(response, method, path, 200, 201, 204);
    }

    /**
     * {@code GET path} streamed: the open body of a 200 or 206 answer; the caller closes it.
     *
     * @param range a {@code Range} header value, or null for the whole resource
     */
    InputStream download(ResourcePath path, String range, String mediaType) {
        HttpRequest.Builder request = request("GET", path, BodyPublishers.noBody(), null, mediaType);
        if (range != null) {
            request.header("Range", range);
        }
        HttpResponse<InputStream> response = exchange(request, "GET", path);
        expect(response, "GET", path, range == null ? 200 : 206);
        return response.body();
    }

    /**
     * {@code method path} with {@code data} streamed as the body, answered 200, 201 or 204 (or 202 for a job
     * that is waited for); a JSON answer is read as {@code answer}, otherwise null is returned.
     *
     * @param length bytes to send from {@code data} (sent as {@code Content-Length}), or -1 to send all of
     *     it chunked
     * @throws CairnException {@link ErrorCode#INVALID_ARGUMENT} when {@code data} ends before {@code length}
     *     bytes; {@link ErrorCode#STORAGE_ERROR} when reading it fails
     */
    <T> T upload(String method, ResourcePath path, String mediaType, InputStream data, long length, Class<T> answer) {
        ExactLengthStream body = new ExactLengthStream(data, length);
        BodyPublisher publisher = length == 0 ? BodyPublishers.noBody()
                : length < 0 ? BodyPublishers.ofInputStream(() -> body)
                : BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> body), length);
        HttpResponse<InputStream> response;
        try {
            response = exchange(request(method, path, publisher, mediaType, JSON), method, path);
        } catch (CairnException failure) {
            body.throwIfDataFailed();
            throw failure;
        }
        if (response.statusCode() == 202) {
            discard(response);
            awaitJob(response, method, path);
            return null;
        }
        expect(response, method, path, 200, 201, 204);
        if (response.statusCode() == 204 || !isJson(response)) {
            discard(response);
            return null;
        }
        return read(response, answer, method, path);
    }

    /** Makes every later request fail with {@link ErrorCode#OPERATION_INVALID}; streams already open stay open. */
    void close() {
        closed = true;
    }

    private HttpRequest.Builder jsonRequest(String method, ResourcePath path, Object body) {
        return body == null ? request(method, path, BodyPublishers.noBody(), null, JSON)
                : request(method, path, BodyPublishers.ofByteArray(json.writeValueAsBytes(body)), JSON, JSON);
    }

    private HttpRequest.Builder request(String method, ResourcePath path, BodyPublisher body, String contentType,
                                        String accept) {
        return request(method, URI.create(base + path.toString()), body, contentType, accept);
    }

    private HttpRequest.Builder request(String method, URI target, BodyPublisher body, String contentType,
                                        String accept) {
        if (closed) {
            throw new CairnException(ErrorCode.OPERATION_INVALID, "the connection to " + base + " is closed");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .method(method, body)
                .header("Accept", accept + ", " + PROBLEM);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request;
    }

    private HttpResponse<InputStream> exchange(HttpRequest.Builder request, String method, Object target) {
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORAGE_ERROR, "cannot reach the Cairn service at " + base + " ("
                    + method + " " + target + "): " + e, Map.of("service", base.toString()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.STORAGE_ERROR, "interrupted while waiting for " + base,
                    Map.of("service", base.toString()), e);
        }
        if (response.statusCode() >= 400) {
            throw ServiceProblem.toException(json, response.statusCode(), method + " " + target, errorBody(response));
        }
        return response;
    }

    private void awaitJob(HttpResponse<InputStream> accepted, String method, ResourcePath path) {
        String location = accepted.headers().firstValue("Location").orElseThrow(() -> new CairnException(
                ErrorCode.INTERNAL, method + " " + path + " was accepted (202) without a Location to follow"));
        URI job = base.resolve(location);
        while (true) {
            HttpResponse<InputStream> response = exchange(request("GET", job, BodyPublishers.noBody(), null, JSON),
                    "GET", job);
            expect(response, "GET", job, 200);
            JsonNode state = read(response, JsonNode.class, "GET", job);
            switch (state.path("state").asString("")) {
                case "succeeded":
                    return;
                case "failed":
                    if (!state.path("problem").path("code").isString()) {
                        throw new CairnException(ErrorCode.INTERNAL, "job " + job + " failed without a problem: "
                                + state);
                    }
                    throw ServiceProblem.fromProblem(state.path("problem"), 500);
                case "queued", "running":
                    pause(job);
                    break;
                default:
                    throw new CairnException(ErrorCode.INTERNAL, "job " + job + " is in an unknown state: " + state);
            }
        }
    }

    private void pause(URI job) {
        try {
            Thread.sleep(JOB_POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.STORAGE_ERROR, "interrupted while waiting for job " + job,
                    Map.of("service", base.toString()), e);
        }
    }

    private <T> T read(HttpResponse<InputStream> response, Class<T> answer, String method, Object target) {
        try (InputStream body = response.body()) {
            return json.readValue(body, answer);
        } catch (IOException | JacksonException e) {
            throw new CairnException(ErrorCode.INTERNAL, "unreadable answer to " + method + " " + target + ": " + e,
                    Map.of("service", base.toString()), e);
        }
    }

    private static void expect(HttpResponse<InputStream> response, String method, Object target, int... statuses) {
        for (int status : statuses) {
            if (response.statusCode() == status) {
                return;
            }
        }
        discard(response);
        throw new CairnException(ErrorCode.INTERNAL, "unexpected HTTP " + response.statusCode() + " answer to "
                + method + " " + target);
    }

    private static boolean isJson(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").map(type -> type.startsWith(JSON)).orElse(false);
    }

    private static byte[] errorBody(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            return body.readNBytes(MAX_ERROR_BODY_BYTES);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static void discard(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            body.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // Nothing of the answer is needed; a broken connection is the next request's problem.
        }
    }

    private static URI baseUri(String uri) {
        if (uri == null || uri.isBlank()) {
            throw CairnException.invalidArgument("the service URI is required, e.g. http://127.0.0.1:8080");
        }
        URI parsed;
        try {
            parsed = new URI(uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri);
        } catch (URISyntaxException e) {
            throw CairnException.invalidArgument("the service URI '" + uri + "' is not a URI: " + e.getMessage());
        }
        String scheme = parsed.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || parsed.getHost() == null
                || parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
            throw CairnException.invalidArgument("the service URI '" + uri
                    + "' must be an http or https URI without query, e.g. http://127.0.0.1:8080");
        }
        return parsed;
    }

    private static String requireToken(String token) {
        if (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw CairnException.invalidArgument("the token must be non-empty printable ASCII without spaces");
        }
        return token;
    }
}
