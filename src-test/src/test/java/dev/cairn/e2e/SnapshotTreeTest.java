package dev.cairn.e2e;

import static dev.cairn.e2e.PoolApiTest.problem;
import static dev.cairn.e2e.SharedService.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot tree through REST, on a chunk pool: branching, revert, every delete mode, the namespace. */
class SnapshotTreeTest {
    private static final int MIB = 1 << 20;
    private static int pools;
    private String pool;
    private String base;

    @BeforeEach
    void chunkPoolWithAVolume(@TempDir Path dir) {
        pool = "tree" + ++pools;
        api().contentType(ContentType.JSON).body(Map.of("name", pool, "type", "chunk", "path",
                dir.resolve(pool).toString(), "capacity", 256 * MIB)).post("/api/v1/pools").then().statusCode(201);
        api().contentType(ContentType.JSON).body(Map.of("name", "vm", "capacity", 4 * MIB))
                .post("/api/v1/pools/" + pool + "/volumes").then().statusCode(201);
        base = "/api/v1/pools/" + pool + "/volumes/vm";
    }

    /** The shared service outlives the temporary directory, so the pool goes with the test. */
    @org.junit.jupiter.api.AfterEach
    void purgePool() {
        api().queryParam("purge", true).delete("/api/v1/pools/" + pool).then().statusCode(204);
    }

    @Test
    void revertingAndWritingMakesABranchAndEverySnapshotKeepsItsContent() {
        byte[] a = write(1);
        snapshot("A", "first");
        byte[] b = write(2);
        snapshot("B", null);
        api().post(base + "/snapshots/A/revert").then().statusCode(200).body("current", equalTo(true));
        assertThat(head()).isEqualTo(a);
        byte[] c = write(3);
        snapshot("C", null);

        api().get(base + "/snapshots/A").then().statusCode(200)
                .body("children", equalTo(List.of("B", "C"))).body("parent", nullValue())
                .body("description", equalTo("first")).body("current", equalTo(false));
        api().get(base + "/snapshots/current").then().statusCode(200).body("name", equalTo("C"))
                .body("parent", equalTo("A"));
        api().get(base).then().body("currentSnapshot", equalTo("C")).body("snapshotCount", equalTo(3));
        assertThat(content("A")).isEqualTo(a);
        assertThat(content("B")).isEqualTo(b);
        assertThat(content("C")).isEqualTo(c);
        assertThat(names(api().queryParam("roots", true).get(base + "/snapshots").jsonPath())).containsExactly("A");
        assertThat(names(api().queryParam("leaves", true).get(base + "/snapshots").jsonPath()))
                .containsExactly("B", "C");
        assertThat(names(api().queryParam("descendantsOf", "A").get(base + "/snapshots").jsonPath()))
                .containsExactly("B", "C");
        assertThat(names(api().queryParam("offset", 1).queryParam("limit", 1).get(base + "/snapshots").jsonPath()))
                .containsExactly("B");
        api().get("/api/v1/pools/" + pool + "/snapshots/B").then().statusCode(200).body("volume", equalTo("vm"));
        assertThat(names(api().get("/api/v1/pools/" + pool + "/snapshots").jsonPath())).containsExactly("A", "B", "C");
    }

    @Test
    void deleteRebasesChildrenByDefaultAndTheirContentStays() {
        write(1);
        snapshot("A", null);
        byte[] b = write(2);
        snapshot("B", null);
        byte[] c = write(3);
        snapshot("C", null);
        api().delete(base + "/snapshots/B").then().statusCode(204);
        api().get(base + "/snapshots/C").then().body("parent", equalTo("A")).body("current", equalTo(true));
        api().get(base + "/snapshots/A").then().body("children", equalTo(List.of("C")));
        assertThat(content("C")).isEqualTo(c);
        problem(api().get(base + "/snapshots/B"), 404, "NO_SNAPSHOT");
        problem(api().queryParam("snapshot", "B").get(base + "/content"), 404, "NO_SNAPSHOT");
        assertThat(b).isNotEqualTo(c);
    }

    @Test
    void deleteWithChildrenRemovesTheSubtreeAndTheParentBecomesCurrent() {
        write(1);
        snapshot("A", null);
        write(2);
        snapshot("B", null);
        write(3);
        snapshot("C", null);
        api().queryParam("children", "delete").delete(base + "/snapshots/B").then().statusCode(204);
        assertThat(names(api().get(base + "/snapshots").jsonPath())).containsExactly("A");
        api().get(base + "/snapshots/current").then().body("name", equalTo("A"));
    }

    @Test
    void deleteChildrenOnlyKeepsTheSnapshotAndMakesItCurrent() {
        write(1);
        snapshot("A", null);
        write(2);
        snapshot("B", null);
        api().queryParam("children", "only").delete(base + "/snapshots/A").then().statusCode(204);
        assertThat(names(api().get(base + "/snapshots").jsonPath())).containsExactly("A");
        api().get(base + "/snapshots/current").then().body("name", equalTo("A"));
    }

    @Test
    void deletingTheLastSnapshotLeavesNoCurrentOne() {
        snapshot("only-one", null);
        api().queryParam("metadataOnly", true).delete(base + "/snapshots/only-one").then().statusCode(204);
        problem(api().get(base + "/snapshots/current"), 404, "NO_SNAPSHOT");
        api().get(base).then().body("currentSnapshot", nullValue()).body("snapshotCount", equalTo(0));
    }

    @Test
    void namesAreUniqueAcrossThePoolAndGeneratedWhenAbsent() {
        snapshot("taken", null);
        problem(api().contentType(ContentType.JSON).body(Map.of("name", "taken"))
                .post(base + "/snapshots"), 409, "NAME_TAKEN");
        problem(api().contentType(ContentType.JSON).body(Map.of("name", "vm")).post(base + "/snapshots"),
                409, "NAME_TAKEN");
        problem(api().contentType(ContentType.JSON).body(Map.of("name", "taken", "capacity", MIB))
                .post("/api/v1/pools/" + pool + "/volumes"), 409, "NAME_TAKEN");
        problem(api().contentType(ContentType.JSON).body(Map.of("name", "current")).post(base + "/snapshots"),
                400, "INVALID_ARGUMENT");
        problem(api().contentType(ContentType.JSON).body(Map.of("name", "../up")).post(base + "/snapshots"),
                400, "INVALID_ARGUMENT");
        String first = api().contentType(ContentType.JSON).body(Map.of()).post(base + "/snapshots")
                .then().statusCode(201).extract().path("name");
        String second = api().contentType(ContentType.JSON).body(Map.of()).post(base + "/snapshots")
                .then().statusCode(201).extract().path("name");
        assertThat(first).startsWith("snap-").isNotEqualTo(second);
        problem(SharedService.invalidRequest().queryParam("children", "sideways").delete(base + "/snapshots/taken"),
                400, "INVALID_ARGUMENT");
        problem(api().get(base + "/snapshots/never"), 404, "NO_SNAPSHOT");
    }

    @Test
    void aVolumeWithSnapshotsIsDeletedOnlyWithThem() {
        write(1);
        snapshot("keep-me", null);
        problem(api().delete(base), 409, "HAS_SNAPSHOTS");
        api().get(base + "/snapshots/keep-me").then().statusCode(200);
        long before = api().get("/api/v1/pools/" + pool).jsonPath().getLong("allocation");
        api().queryParam("snapshots", "delete").delete(base).then().statusCode(204);
        problem(api().get("/api/v1/pools/" + pool + "/snapshots/keep-me"), 404, "NO_SNAPSHOT");
        assertThat(api().get("/api/v1/pools/" + pool).jsonPath().getLong("allocation")).isLessThan(before);
        api().post("/api/v1/pools/" + pool + "/refresh").then().body("ignored.size()", equalTo(0));
    }

    private byte[] write(int seed) {
        byte[] data = VolumeApiTest.random(MIB, seed);
        api().contentType(ContentType.BINARY).queryParam("offset", MIB).body(data).put(base + "/content")
                .then().statusCode(200);
        return data;
    }

    private void snapshot(String name, String description) {
        Map<String, String> body = description == null ? Map.of("name", name)
                : Map.of("name", name, "description", description);
        api().contentType(ContentType.JSON).body(body).post(base + "/snapshots").then().statusCode(201)
                .body("name", equalTo(name)).body("current", equalTo(true));
    }

    private byte[] head() {
        return api().header("Range", "bytes=" + MIB + "-" + (2 * MIB - 1)).get(base + "/content").asByteArray();
    }

    private byte[] content(String snapshot) {
        return api().queryParam("snapshot", snapshot).header("Range", "bytes=" + MIB + "-" + (2 * MIB - 1))
                .get(base + "/content").then().statusCode(206).extract().asByteArray();
    }

    private static List<String> names(io.restassured.path.json.JsonPath json) {
        return json.getList("name", String.class);
    }
}
