package dev.cairn.e2e;

import static dev.cairn.e2e.PoolApiTest.problem;
import static dev.cairn.e2e.SharedService.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunk pools through the same REST endpoints as dir pools. */
class ChunkPoolApiTest {
    private static final long MIB = 1 << 20;

    @Test
    void chunkPoolsServeVolumesThroughTheSameEndpoints(@TempDir Path dir) {
        Path path = dir.resolve("chunky");
        api().contentType(ContentType.JSON)
                .body(Map.of("name", "chunky", "type", "chunk", "path", path.toString(), "capacity", 512 * MIB,
                        "chunkSize", 65536))
                .post("/api/v1/pools").then().statusCode(201)
                .body("type", equalTo("chunk"))
                .body("capacity", equalTo((int) (512 * MIB)));
        assertThat(path.resolve("chunks.meta")).exists();
        int before = api().get("/api/v1/pools/chunky").jsonPath().getInt("allocation");

        api().contentType(ContentType.JSON).body(Map.of("name", "thin", "capacity", 1L << 30))
                .post("/api/v1/pools/chunky/volumes").then().statusCode(201)
                .body("format", equalTo("raw")).body("allocation", equalTo(0));
        byte[] data = VolumeApiTest.random(3 * MIB, 11);
        api().contentType(ContentType.BINARY).queryParam("offset", 100 * MIB).body(data)
                .put("/api/v1/pools/chunky/volumes/thin/content").then().statusCode(200)
                .body("allocation", equalTo((int) (3 * MIB)));
        assertThat(api().header("Range", "bytes=" + 100 * MIB + "-" + (103 * MIB - 1))
                .get("/api/v1/pools/chunky/volumes/thin/content").then().statusCode(206).extract().asByteArray())
                .isEqualTo(data);
        assertThat(api().get("/api/v1/pools/chunky").jsonPath().getInt("allocation"))
                .isGreaterThanOrEqualTo(before + (int) (3 * MIB));

        api().post("/api/v1/pools/chunky/refresh").then().statusCode(200)
                .body("ignored.size()", equalTo(0)).body("adopted.size()", equalTo(0));
        api().post("/api/v1/pools/chunky/stop").then().statusCode(200);
        api().post("/api/v1/pools/chunky/start").then().statusCode(200);
        assertThat(api().header("Range", "bytes=" + 100 * MIB + "-" + (103 * MIB - 1))
                .get("/api/v1/pools/chunky/volumes/thin/content").asByteArray()).isEqualTo(data);

        api().delete("/api/v1/pools/chunky/volumes/thin").then().statusCode(204);
        assertThat(api().get("/api/v1/pools/chunky").jsonPath().getInt("allocation")).isEqualTo(before);
        api().queryParam("purge", true).delete("/api/v1/pools/chunky").then().statusCode(204);
        assertThat(path).doesNotExist();
    }

    @Test
    void badChunkPoolOptionsAreRefused(@TempDir Path dir) {
        for (Map<String, Object> request : new Map[] {
                Map.of("name", "c1", "type", "chunk", "path", dir.resolve("c1").toString(), "chunkSize", 1000),
                Map.of("name", "c2", "type", "chunk", "path", dir.resolve("c2").toString(), "chunkSize", 4 << 20),
                Map.of("name", "c3", "type", "chunk", "path", dir.resolve("c3").toString(), "capacity", -1),
                Map.of("name", "c4", "type", "dir", "path", dir.resolve("c4").toString(), "chunkSize", 65536)}) {
            problem(SharedService.invalidRequest().contentType(ContentType.JSON).body(request).post("/api/v1/pools"),
                    400, "INVALID_ARGUMENT");
        }
        assertThat(dir).isEmptyDirectory();
        problem(api().get("/api/v1/pools/c1"), 404, "NO_STORAGE_POOL");
    }
}
