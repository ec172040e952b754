package dev.cairn.e2e;

import static dev.cairn.e2e.SharedService.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolApiTest {

    @Test
    void newServiceListsTheStartedDefaultPoolInItsDataDirectory() {
        Path dataDir = SharedService.get().dataDir();
        api().get("/api/v1/pools/default").then().statusCode(200)
                .body("type", equalTo("dir"))
                .body("state", equalTo("running"))
                .body("path", equalTo(dataDir.resolve("pools/default").toString()));
        api().get("/api/v1/pools").then().statusCode(200).body("name", hasItem("default"));
        assertThat(dataDir.resolve("pools/default")).isDirectory();
    }

    @Test
    void theServiceServesItsContractAndSwaggerUi() {
        String base = SharedService.get().baseUri();
        io.restassured.RestAssured.given().baseUri(base).get("/v3/api-docs").then().statusCode(200)
                .body("info.title", equalTo("Cairn"));
        io.restassured.RestAssured.given().baseUri(base).get("/swagger-ui/index.html").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("Swagger UI"));
    }

    @Test
    void poolLifecycleFromCreateToPurge(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("p1");
        api().contentType(ContentType.JSON).body(Map.of("name", "life", "type", "dir", "path", path.toString()))
                .post("/api/v1/pools").then().statusCode(201)
                .header("Location", "/api/v1/pools/life")
                .body("state", equalTo("running"))
                .body("uuid", org.hamcrest.Matchers.notNullValue());
        assertThat(path).isDirectory();

        api().post("/api/v1/pools/life/stop").then().statusCode(200).body("state", equalTo("inactive"));
        problem(api().get("/api/v1/pools/life/volumes"), 409, "OPERATION_INVALID");
        api().post("/api/v1/pools/life/start").then().statusCode(200).body("state", equalTo("running"));

        createVolume("life", "disk", 1 << 20);
        problem(api().delete("/api/v1/pools/life"), 409, "HAS_VOLUMES");
        api().queryParam("purge", true).delete("/api/v1/pools/life").then().statusCode(204);
        problem(api().get("/api/v1/pools/life"), 404, "NO_STORAGE_POOL");
        assertThat(path).doesNotExist();
    }

    @Test
    void refreshAdoptsCopiedFilesAndForgetsVanishedOnes(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("p2");
        api().contentType(ContentType.JSON).body(Map.of("name", "refreshing", "type", "dir", "path", path.toString()))
                .post("/api/v1/pools").then().statusCode(201);
        createVolume("refreshing", "kept", 4096);
        createVolume("refreshing", "doomed", 4096);
        Files.write(path.resolve("copied.img"), new byte[8192]);
        Files.delete(path.resolve("doomed"));
        Files.write(path.resolve("bad name"), new byte[10]);

        api().post("/api/v1/pools/refreshing/refresh").then().statusCode(200)
                .body("adopted", equalTo(List.of("copied.img")))
                .body("vanished", equalTo(List.of("doomed")))
                .body("ignored", equalTo(List.of("bad name: not a valid volume name")));
        api().get("/api/v1/pools/refreshing/volumes/copied.img").then().statusCode(200)
                .body("format", equalTo("raw")).body("capacity", equalTo(8192));
        problem(api().get("/api/v1/pools/refreshing/volumes/doomed"), 404, "NO_STORAGE_VOL");
        api().post("/api/v1/pools/refreshing/refresh").then().statusCode(200)
                .body("adopted", equalTo(List.of())).body("vanished", equalTo(List.of()));
        api().queryParam("purge", true).delete("/api/v1/pools/refreshing").then().statusCode(204);
    }

    @Test
    void aPoolWhoseDirectoryVanishedIsListedAsInaccessible(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("gone");
        api().contentType(ContentType.JSON).body(Map.of("name", "vanishing", "type", "dir", "path", path.toString()))
                .post("/api/v1/pools").then().statusCode(201);
        try (var tree = Files.walk(path)) {
            for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        api().get("/api/v1/pools").then().statusCode(200).body("find { it.name == 'vanishing' }.state",
                equalTo("inaccessible"));
        api().get("/api/v1/pools/vanishing").then().statusCode(200).body("state", equalTo("inaccessible"));
        api().delete("/api/v1/pools/vanishing").then().statusCode(204);
    }

    @Test
    void badPoolDefinitionsAreRefusedAndChangeNothing(@TempDir Path dir) throws IOException {
        Path aFile = Files.writeString(dir.resolve("a-file"), "x");
        List<Map<String, Object>> bad = List.of(
                Map.of("name", "../x", "type", "dir"),
                Map.of("name", "a/b", "type", "dir"),
                Map.of("name", ".hidden", "type", "dir"),
                Map.of("name", "%2e%2e", "type", "dir"),
                Map.of("name", "nul\u0000byte", "type", "dir"),
                Map.of("name", "", "type", "dir"),
                Map.of("name", "n".repeat(129), "type", "dir"),
                Map.of("name", "typeless"),
                Map.of("name", "weird", "type", "zfs"),
                Map.of("name", "onfile", "type", "dir", "path", aFile.toString()),
                Map.of("name", "relative", "type", "dir", "path", "relative/dir"),
                Map.of("name", "readonly", "type", "dir", "path", "/proc/cairn-pool"),
                Map.of("name", "under-a-file", "type", "dir", "path", aFile.resolve("sub").toString()));
        List<String> before = poolDefinitions();
        StorageSnapshot disk = StorageSnapshot.of(SharedService.get().dataDir());
        StorageSnapshot tmp = StorageSnapshot.of(dir);
        for (Map<String, Object> request : bad) {
            Response response = SharedService.invalidRequest().contentType(ContentType.JSON).body(request)
                    .post("/api/v1/pools");
            assertThat(response.statusCode()).as("%s", request).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.jsonPath().getString("code")).as("%s", request).isEqualTo("INVALID_ARGUMENT");
        }
        problem(api().contentType(ContentType.JSON).body(Map.of("name", "default", "type", "dir"))
                .post("/api/v1/pools"), 409, "NAME_TAKEN");
        problem(api().contentType(ContentType.JSON).body(Map.of("name", "nested", "type", "dir", "path",
                SharedService.get().dataDir().resolve("pools/default/inner").toString())).post("/api/v1/pools"),
                409, "OPERATION_INVALID");
        problem(SharedService.invalidRequest().contentType(ContentType.JSON).body("{\"name\":").post("/api/v1/pools"), 400, "INVALID_ARGUMENT");
        assertThat(poolDefinitions()).isEqualTo(before);
        assertThat(StorageSnapshot.of(SharedService.get().dataDir())).isEqualTo(disk);
        assertThat(StorageSnapshot.of(dir)).isEqualTo(tmp);
    }

    @Test
    void unknownPoolsAndPathsAnswerProblems() {
        problem(api().get("/api/v1/pools/nope"), 404, "NO_STORAGE_POOL");
        problem(api().post("/api/v1/pools/nope/refresh"), 404, "NO_STORAGE_POOL");
        problem(api().get("/api/v1/pools/nope/volumes"), 404, "NO_STORAGE_POOL");
    }

    /** What defines each pool (not its usage, which moves with anything else on the disk). */
    private static List<String> poolDefinitions() {
        return api().get("/api/v1/pools").jsonPath().getList("collect { it.name + ' ' + it.uuid + ' ' + it.path + ' ' "
                + "+ it.state + ' ' + it.volumeCount }", String.class);
    }

    static void createVolume(String pool, String name, long capacity) {
        api().contentType(ContentType.JSON).body(Map.of("name", name, "capacity", capacity))
                .post("/api/v1/pools/" + pool + "/volumes").then().statusCode(201);
    }

    static void problem(Response response, int status, String code) {
        response.then().statusCode(status).contentType("application/problem+json")
                .body("code", equalTo(code))
                .body("status", equalTo(status))
                .body("type", org.hamcrest.Matchers.startsWith("https://cairn.dev/problems/"));
    }
}
