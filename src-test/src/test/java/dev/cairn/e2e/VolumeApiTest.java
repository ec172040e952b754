package dev.cairn.e2e;

import static dev.cairn.e2e.PoolApiTest.createVolume;
import static dev.cairn.e2e.PoolApiTest.problem;
import static dev.cairn.e2e.SharedService.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VolumeApiTest {
    private static final long MIB = 1 << 20;
    private static final long GIB = 1L << 30;

    @Test
    void uploadAtAnOffsetOfASparseVolumeReadsBackByRangeAndStaysSparse() {
        createVolume("default", "sparse", GIB);
        byte[] data = random(8 * MIB, 1);
        api().contentType(ContentType.BINARY).queryParam("offset", 100 * MIB).body(data)
                .put("/api/v1/pools/default/volumes/sparse/content").then().statusCode(200)
                .body("capacity", equalTo((int) GIB));
        Response range = api().header("Range", "bytes=" + 100 * MIB + "-" + (108 * MIB - 1))
                .get("/api/v1/pools/default/volumes/sparse/content");
        range.then().statusCode(206)
                .header("Content-Range", "bytes " + 100 * MIB + "-" + (108 * MIB - 1) + "/" + GIB)
                .header("Content-Length", String.valueOf(8 * MIB));
        assertThat(range.asByteArray()).isEqualTo(data);
        api().get("/api/v1/pools/default/volumes/sparse").then().statusCode(200)
                .body("allocation", lessThan((int) (16 * MIB)))
                .body("format", equalTo("raw"))
                .body("snapshotCount", equalTo(0));
        byte[] before = api().header("Range", "bytes=" + (100 * MIB - 16) + "-" + (100 * MIB + 15))
                .get("/api/v1/pools/default/volumes/sparse/content").asByteArray();
        assertThat(Arrays.copyOfRange(before, 0, 16)).isEqualTo(new byte[16]);
        assertThat(Arrays.copyOfRange(before, 16, 32)).isEqualTo(Arrays.copyOfRange(data, 0, 16));
    }

    @Test
    void rangesFollowHttpRules() {
        createVolume("default", "ranges", 1000);
        byte[] data = random(1000, 2);
        api().contentType(ContentType.BINARY).body(data).put("/api/v1/pools/default/volumes/ranges/content")
                .then().statusCode(200);
        assertThat(api().get("/api/v1/pools/default/volumes/ranges/content").then().statusCode(200)
                .header("Accept-Ranges", "bytes").extract().asByteArray()).isEqualTo(data);
        assertThat(api().header("Range", "bytes=-10").get("/api/v1/pools/default/volumes/ranges/content")
                .then().statusCode(206).header("Content-Range", "bytes 990-999/1000").extract().asByteArray())
                .isEqualTo(Arrays.copyOfRange(data, 990, 1000));
        assertThat(api().header("Range", "bytes=900-5000").get("/api/v1/pools/default/volumes/ranges/content")
                .then().statusCode(206).header("Content-Range", "bytes 900-999/1000").extract().asByteArray())
                .isEqualTo(Arrays.copyOfRange(data, 900, 1000));
        Response outside = api().header("Range", "bytes=1000-").get("/api/v1/pools/default/volumes/ranges/content");
        problem(outside, 416, "RANGE_NOT_SATISFIABLE");
        assertThat(outside.header("Content-Range")).isEqualTo("bytes */1000");
    }

    @Test
    void resizeGrowsFreelyAndShrinksOnlyWhenAllowed() {
        createVolume("default", "elastic", 4 * MIB);
        api().contentType(ContentType.JSON).body(Map.of("capacity", 8 * MIB))
                .post("/api/v1/pools/default/volumes/elastic/resize").then().statusCode(200)
                .body("capacity", equalTo((int) (8 * MIB)));
        problem(api().contentType(ContentType.JSON).body(Map.of("capacity", MIB))
                .post("/api/v1/pools/default/volumes/elastic/resize"), 409, "OPERATION_INVALID");
        problem(api().contentType(ContentType.JSON).body(Map.of("capacity", 0))
                .post("/api/v1/pools/default/volumes/elastic/resize"), 400, "INVALID_ARGUMENT");
        api().get("/api/v1/pools/default/volumes/elastic").then().body("capacity", equalTo((int) (8 * MIB)));
        api().contentType(ContentType.JSON).queryParam("allowShrink", true).body(Map.of("capacity", MIB))
                .post("/api/v1/pools/default/volumes/elastic/resize").then().statusCode(200)
                .body("capacity", equalTo((int) MIB));
    }

    @Test
    void deletedVolumesAreGoneFromCatalogAndDisk() {
        createVolume("default", "short-lived", MIB);
        Path file = SharedService.get().dataDir().resolve("pools/default/short-lived");
        assertThat(file).exists();
        problem(SharedService.invalidRequest().queryParam("snapshots", "keep").delete("/api/v1/pools/default/volumes/short-lived"),
                400, "INVALID_ARGUMENT");
        api().delete("/api/v1/pools/default/volumes/short-lived").then().statusCode(204);
        assertThat(file).doesNotExist();
        problem(api().get("/api/v1/pools/default/volumes/short-lived"), 404, "NO_STORAGE_VOL");
        problem(api().delete("/api/v1/pools/default/volumes/short-lived"), 404, "NO_STORAGE_VOL");
    }

    @Test
    void badVolumeRequestsAreRefusedAndChangeNothing() {
        createVolume("default", "taken", MIB);
        List<Map<String, Object>> bad = List.of(
                Map.of("name", "../x", "capacity", MIB),
                Map.of("name", "a/b", "capacity", MIB),
                Map.of("name", ".hidden", "capacity", MIB),
                Map.of("name", "%2e%2e", "capacity", MIB),
                Map.of("name", "nul\u0000", "capacity", MIB),
                Map.of("name", "", "capacity", MIB),
                Map.of("name", "v".repeat(129), "capacity", MIB),
                Map.of("name", "zero", "capacity", 0),
                Map.of("name", "negative", "capacity", -5),
                Map.of("name", "nocapacity"),
                Map.of("name", "textcapacity", "capacity", "lots"),
                Map.of("name", "vmdk", "capacity", MIB, "format", "vmdk"));
        String before = api().get("/api/v1/pools/default/volumes").asString();
        StorageSnapshot disk = StorageSnapshot.of(SharedService.get().dataDir());
        for (Map<String, Object> request : bad) {
            Response response = SharedService.invalidRequest().contentType(ContentType.JSON).body(request)
                    .post("/api/v1/pools/default/volumes");
            assertThat(response.statusCode()).as("%s", request).isEqualTo(400);
            assertThat(response.jsonPath().getString("code")).as("%s", request).isEqualTo("INVALID_ARGUMENT");
        }
        problem(api().contentType(ContentType.JSON).body(Map.of("name", "taken", "capacity", MIB))
                .post("/api/v1/pools/default/volumes"), 409, "NAME_TAKEN");
        problem(api().contentType(ContentType.BINARY).queryParam("offset", MIB - 10).body(new byte[11])
                .put("/api/v1/pools/default/volumes/taken/content"), 400, "INVALID_ARGUMENT");
        problem(api().contentType(ContentType.BINARY).queryParam("offset", -1).body(new byte[1])
                .put("/api/v1/pools/default/volumes/taken/content"), 400, "INVALID_ARGUMENT");
        problem(api().get("/api/v1/pools/default/volumes/a%2Fb"), 400, "INVALID_ARGUMENT");
        problem(api().get("/api/v1/pools/default/volumes/..hidden"), 400, "INVALID_ARGUMENT");
        problem(api().get("/api/v1/pools/default/volumes/missing"), 404, "NO_STORAGE_VOL");
        problem(api().queryParam("snapshot", "none").get("/api/v1/pools/default/volumes/taken/content"),
                404, "NO_SNAPSHOT");
        assertThat(api().get("/api/v1/pools/default/volumes").asString()).isEqualTo(before);
        assertThat(StorageSnapshot.of(SharedService.get().dataDir())).isEqualTo(disk);
    }

    static byte[] random(long length, long seed) {
        byte[] data = new byte[(int) length];
        new Random(seed).nextBytes(data);
        return data;
    }
}
