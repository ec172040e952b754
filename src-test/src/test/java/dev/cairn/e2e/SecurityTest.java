package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.cairn.web.testing.CairnProcess;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security model: a token closes everything but health and the dashboard's own files (which hold no data);
 * no token, no listening beyond loopback; JSON request bodies are bounded.
 */
class SecurityTest {

    @Test
    void withATokenEveryApiCallNeedsItAndHealthStaysOpen(@TempDir Path dir) {
        try (CairnProcess service = CairnProcess.start(dir.resolve("data"), "--cairn.security.token=s3cret-token")) {
            for (String path : new String[] {"/api/v1/pools", "/api/v1/pools/default/volumes", "/v3/api-docs"}) {
                RestAssured.given().baseUri(service.baseUri()).get(path).then().statusCode(401)
                        .contentType("application/problem+json").body("code", equalTo("UNAUTHORIZED"))
                        .header("WWW-Authenticate", "Bearer realm=\"cairn\"");
            }
            RestAssured.given().baseUri(service.baseUri()).header("Authorization", "Bearer wrong")
                    .delete("/api/v1/pools/default").then().statusCode(401).body("code", equalTo("UNAUTHORIZED"))
                    .header("WWW-Authenticate", "Bearer realm=\"cairn\", error=\"invalid_token\"");
            RestAssured.given().baseUri(service.baseUri()).header("Authorization", "Basic czNjcmV0LXRva2Vu")
                    .get("/api/v1/pools").then().statusCode(401);
            SharedService.api(service).header("Authorization", "Bearer s3cret-token").get("/api/v1/pools")
                    .then().statusCode(200).body("name", hasItem("default"));
            RestAssured.given().baseUri(service.baseUri()).get("/actuator/health").then().statusCode(200);
            for (String dashboardFile : new String[] {"/", "/index.html", "/app.js", "/style.css"}) {
                RestAssured.given().baseUri(service.baseUri()).get(dashboardFile).then().statusCode(200);
            }
            RestAssured.given().baseUri(service.baseUri()).get("/actuator/env").then().statusCode(401);
        }
    }

    @Test
    void jsonBodiesAreBoundedAndAnOversizedOneChangesNothing() throws Exception {
        String huge = "{\"name\":\"huge\",\"capacity\":1048576,\"description\":\"" + "x".repeat(1 << 20) + "\"}";
        PoolApiTest.problem(SharedService.invalidRequest().contentType(ContentType.JSON).body(huge)
                .post("/api/v1/pools/default/volumes"), 413, "PAYLOAD_TOO_LARGE");
        // Without a Content-Length (chunked), the service stops reading at the bound.
        java.net.http.HttpResponse<String> chunked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(SharedService.get().baseUri() + "/api/v1/pools/default/volumes"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        huge.getBytes(StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(chunked.body()).contains("\"code\":\"PAYLOAD_TOO_LARGE\"");
        SharedService.api().get("/api/v1/pools/default/volumes/huge").then().statusCode(404);
        // A small chunked body is served as before.
        java.net.http.HttpResponse<String> small = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(SharedService.get().baseUri() + "/api/v1/pools/default/volumes"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        "{\"name\":\"chunked-json\",\"capacity\":4096}".getBytes(StandardCharsets.UTF_8))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(small.statusCode()).as(small.body()).isEqualTo(201);
        SharedService.api().delete("/api/v1/pools/default/volumes/chunked-json").then().statusCode(204);
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutAToken(@TempDir Path dir) {
        assertThatThrownBy(() -> CairnProcess.start(dir.resolve("open"), "--server.address=0.0.0.0"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refuses to listen on '0.0.0.0' without a token")
                .hasMessageContaining("--cairn.security.token");
        assertThat(dir.resolve("open/pools")).doesNotExist();
    }
}
