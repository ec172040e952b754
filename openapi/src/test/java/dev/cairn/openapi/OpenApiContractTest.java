package dev.cairn.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.web.testing.CairnProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed contract {@code openapi/openapi.yaml} is exactly what the service serves. When the API
 * changes on purpose, regenerate the file (see README) with {@code -Dcairn.openapi.write=true}.
 */
class OpenApiContractTest {

    @Test
    void committedContractEqualsTheServedOne(@TempDir Path dir) throws IOException, InterruptedException {
        Path committed = Path.of(System.getProperty("cairn.openapi", "openapi.yaml"));
        String served;
        try (CairnProcess service = CairnProcess.start(dir.resolve("data"))) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(service.baseUri() + "/v3/api-docs.yaml")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            served = response.body();
        }
        if (Boolean.getBoolean("cairn.openapi.write")) {
            Files.writeString(committed, served);
        }
        assertThat(Files.readString(committed))
                .as("openapi/openapi.yaml differs from what the service serves; if the change is intended, "
                        + "regenerate it: mvn -q install -DskipTests && mvn -pl openapi test -Dcairn.openapi.write=true")
                .isEqualTo(served);
    }
}
