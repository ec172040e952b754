package dev.cairn.e2e;

import static dev.cairn.e2e.PoolApiTest.problem;
import static dev.cairn.e2e.SharedService.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External snapshots in dir pools, checked with qemu-img: raw volumes take them (and become qcow2 overlays),
 * qcow2 volumes on request; a branching tree, deletes that stream into every file that reads through the
 * deleted one, clones and merges of external snapshots, and nothing left behind.
 */
class ExternalSnapshotTest {
    private static final int MIB = 1 << 20;
    private static int runs;
    private String pool;
    private Path dir;

    @BeforeEach
    void dirPool(@TempDir Path tmp) {
        pool = "ext" + ++runs;
        dir = tmp.resolve(pool);
        api().contentType(ContentType.JSON).body(Map.of("name", pool, "type", "dir", "path", dir.toString()))
                .post("/api/v1/pools").then().statusCode(201);
    }

    @AfterEach
    void purge() {
        api().queryParam("purge", true).delete("/api/v1/pools/" + pool).then().statusCode(204);
    }

    @Test
    void aRawVolumeBranchesThroughOverlaysAndDeletesStreamIntoTheFilesThatReadThroughThem() throws Exception {
        create("vm", "raw");
        byte[] a = write("vm", 1);
        snapshot("vm", "A", null);
        api().get(volume("vm")).then().body("format", equalTo("qcow2")).body("currentSnapshot", equalTo("A"));
        assertThat(Qcow2VolumeTest.qemuImg("info", dir.resolve("vm").toString())).contains("backing file: .vm@A.raw");
        byte[] b = write("vm", 2);
        snapshot("vm", "B", null);
        api().post(volume("vm") + "/snapshots/A/revert").then().statusCode(200);
        assertThat(read("vm", null)).isEqualTo(a);
        byte[] c = write("vm", 3);
        snapshot("vm", "C", null);
        byte[] head = write("vm", 4);
        api().get(volume("vm") + "/snapshots/A").then().body("children", equalTo(List.of("B", "C")));

        // A is read through by B and by C (and C by the volume): deleting A streams it into B and C.
        api().delete(volume("vm") + "/snapshots/A").then().statusCode(204);
        assertThat(dir.resolve(".vm@A.raw")).doesNotExist();
        assertThat(read("vm", "B")).isEqualTo(b);
        assertThat(read("vm", "C")).isEqualTo(c);
        assertThat(read("vm", null)).isEqualTo(head);
        for (String file : List.of("vm", ".vm@B.qcow2", ".vm@C.qcow2")) {
            assertThat(Qcow2VolumeTest.qemuImg("check", dir.resolve(file).toString())).as(file)
                    .contains("No errors were found");
        }
        assertThat(Qcow2VolumeTest.qemuImg("info", dir.resolve(".vm@C.qcow2").toString()))
                .doesNotContain("backing file");

        // C is the volume's current snapshot and its backing file: merging it folds it in.
        api().post(volume("vm") + "/snapshots/C/merge").then().statusCode(200).body("snapshotCount", equalTo(1));
        assertThat(read("vm", null)).isEqualTo(c);
        assertThat(read("vm", "B")).isEqualTo(b);

        awaitClone(api().contentType(ContentType.JSON).body(Map.of("name", "copy"))
                .post(volume("vm") + "/snapshots/B/clone").then().extract().response());
        assertThat(read("copy", null)).isEqualTo(b);
        api().queryParam("snapshots", "delete").delete(volume("vm")).then().statusCode(204);
        assertThat(read("copy", null)).isEqualTo(b);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(".cairn", "copy");
        }
    }

    @Test
    void qcow2VolumesTakeExternalSnapshotsOnRequestAndKeepToOneKind() throws Exception {
        create("ext", "qcow2");
        byte[] a = write("ext", 5);
        snapshot("ext", "ext-a", "external");
        assertThat(Qcow2VolumeTest.qemuImg("info", dir.resolve("ext").toString()))
                .contains("backing file: .ext@ext-a.qcow2");
        problem(api().contentType(ContentType.JSON).body(Map.of("name", "inside", "kind", "internal"))
                .post(volume("ext") + "/snapshots"), 409, "OPERATION_INVALID");
        snapshot("ext", "ext-b", null);
        assertThat(read("ext", "ext-a")).isEqualTo(a);

        create("int", "qcow2");
        snapshot("int", "int-a", null);
        assertThat(Qcow2VolumeTest.qemuImg("snapshot", "-l", dir.resolve("int").toString())).contains("int-a");
        problem(api().contentType(ContentType.JSON).body(Map.of("name", "outside", "kind", "external"))
                .post(volume("int") + "/snapshots"), 409, "OPERATION_INVALID");
        problem(SharedService.invalidRequest().contentType(ContentType.JSON).body(Map.of("name", "odd", "kind",
                "sideways")).post(volume("int") + "/snapshots"), 400, "INVALID_ARGUMENT");

        create("plain", "raw");
        problem(api().contentType(ContentType.JSON).body(Map.of("name", "raw-inside", "kind", "internal"))
                .post(volume("plain") + "/snapshots"), 422, "OPERATION_UNSUPPORTED");
        api().get(volume("plain")).then().body("format", equalTo("raw")).body("snapshotCount", equalTo(0));
    }

    private void awaitClone(io.restassured.response.Response answer) throws InterruptedException {
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(202);
        String job = answer.header("Location");
        String state;
        while ((state = api().get(job).jsonPath().getString("state")).equals("queued") || state.equals("running")) {
            Thread.sleep(20); // polling the job, as a client does
        }
        assertThat(state).isEqualTo("succeeded");
    }

    private void create(String name, String format) {
        api().contentType(ContentType.JSON).body(Map.of("name", name, "capacity", 4 * MIB, "format", format))
                .post("/api/v1/pools/" + pool + "/volumes").then().statusCode(201);
    }

    private void snapshot(String volume, String name, String kind) {
        Map<String, Object> body = kind == null ? Map.of("name", name) : Map.of("name", name, "kind", kind);
        api().contentType(ContentType.JSON).body(body).post(volume(volume) + "/snapshots").then().statusCode(201);
    }

    /** Writes 1 MiB of seeded random bytes at a seeded MiB; returns the head as it now should be. */
    private byte[] write(String volume, int seed) {
        byte[] data = new byte[MIB];
        Random random = new Random(seed);
        random.nextBytes(data);
        api().contentType(ContentType.BINARY).queryParam("offset", (long) random.nextInt(4) * MIB).body(data)
                .put(volume(volume) + "/content").then().statusCode(200);
        return read(volume, null);
    }

    private byte[] read(String volume, String snapshot) {
        var request = api();
        if (snapshot != null) {
            request = request.queryParam("snapshot", snapshot);
        }
        return request.get(volume(volume) + "/content").then().statusCode(200).extract().asByteArray();
    }

    private String volume(String name) {
        return "/api/v1/pools/" + pool + "/volumes/" + name;
    }
}
