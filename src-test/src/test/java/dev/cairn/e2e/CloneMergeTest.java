package dev.cairn.e2e;

import static dev.cairn.e2e.PoolApiTest.problem;
import static dev.cairn.e2e.SharedService.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clones and merges through REST on both engines: a clone keeps its content whatever is deleted in whatever
 * order, clones are full volumes, merges fold a snapshot into its volume, copies run as jobs with progress.
 */
class CloneMergeTest {
    private static final int MIB = 1 << 20;
    private static final int CAPACITY = 4 * MIB;
    private static int pools;
    private final java.util.List<String> made = new java.util.ArrayList<>();
    private Path dir;

    @AfterEach
    void purgePools() {
        made.forEach(pool -> api().queryParam("purge", true).delete("/api/v1/pools/" + pool).then().statusCode(204));
    }

    /** A pool of {@code engine} ("chunk", or "qcow2": a dir pool) with volume "vm"; returns the pool name. */
    private String poolWithVolume(String engine, Path tmp) {
        dir = tmp;
        String pool = pool(engine);
        api().contentType(ContentType.JSON).body(Map.of("name", "vm", "capacity", CAPACITY,
                "format", engine.equals("chunk") ? "raw" : "qcow2"))
                .post("/api/v1/pools/" + pool + "/volumes").then().statusCode(201);
        return pool;
    }

    private String pool(String engine) {
        String pool = "clone" + ++pools;
        Map<String, Object> body = engine.equals("chunk")
                ? Map.of("name", pool, "type", "chunk", "path", dir.resolve(pool).toString(), "capacity", 256 * MIB,
                        "chunkSize", 16384)
                : Map.of("name", pool, "type", "dir", "path", dir.resolve(pool).toString());
        api().contentType(ContentType.JSON).body(body).post("/api/v1/pools").then().statusCode(201);
        made.add(pool);
        return pool;
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunk", "qcow2"})
    void cloneOutlivesItsSnapshotThenItsVolume(String engine, @TempDir Path tmp) throws Exception {
        String pool = poolWithVolume(engine, tmp);
        long baseline = allocation(pool);
        byte[] golden = write(pool, "vm", 1);
        snapshot(pool, "vm", "golden");
        write(pool, "vm", 2);
        cloneOf(pool, "/volumes/vm/snapshots/golden", "copy", null);
        assertThat(read(pool, "copy")).isEqualTo(golden);
        api().get(volume(pool, "copy")).then().body("snapshotCount", equalTo(0)).body("currentSnapshot", nullValue());

        api().delete(volume(pool, "vm") + "/snapshots/golden").then().statusCode(204);
        assertThat(read(pool, "copy")).isEqualTo(golden);
        api().delete(volume(pool, "vm")).then().statusCode(204);
        assertThat(read(pool, "copy")).isEqualTo(golden);
        checkImage(engine, pool, "copy");
        if (engine.equals("chunk")) {
            // Only the clone references the shared chunks now: the pool holds about one volume's worth.
            assertThat(allocation(pool) - baseline).isBetween((long) CAPACITY / 2, (long) CAPACITY + MIB);
            api().delete(volume(pool, "copy")).then().statusCode(204);
            assertThat(allocation(pool)).isEqualTo(baseline);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunk", "qcow2"})
    void cloneOutlivesItsVolumeDeletedWithItsSnapshots(String engine, @TempDir Path tmp) throws Exception {
        String pool = poolWithVolume(engine, tmp);
        byte[] golden = write(pool, "vm", 3);
        snapshot(pool, "vm", "golden");
        snapshot(pool, "vm", "later");
        cloneOf(pool, "/volumes/vm/snapshots/golden", "copy", null);
        api().queryParam("snapshots", "delete").delete(volume(pool, "vm")).then().statusCode(204);
        assertThat(read(pool, "copy")).isEqualTo(golden);
        checkImage(engine, pool, "copy");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunk", "qcow2"})
    void deletingTheCloneFirstLeavesTheOriginWhole(String engine, @TempDir Path tmp) throws Exception {
        String pool = poolWithVolume(engine, tmp);
        byte[] golden = write(pool, "vm", 4);
        snapshot(pool, "vm", "golden");
        byte[] head = write(pool, "vm", 5);
        cloneOf(pool, "/volumes/vm/snapshots/golden", "copy", null);
        write(pool, "copy", 6);
        api().delete(volume(pool, "copy")).then().statusCode(204);
        assertThat(read(pool, "vm")).isEqualTo(head);
        assertThat(content(pool, "vm", "golden")).isEqualTo(golden);
        checkImage(engine, pool, "vm");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunk", "qcow2"})
    void clonesAreFullVolumesAtAnyDepth(String engine, @TempDir Path tmp) throws Exception {
        String pool = poolWithVolume(engine, tmp);
        byte[] golden = write(pool, "vm", 7);
        snapshot(pool, "vm", "golden");
        cloneOf(pool, "/volumes/vm/snapshots/golden", "child", null);
        byte[] childWrite = write(pool, "child", 8);
        snapshot(pool, "child", "child-s1");
        write(pool, "child", 9);
        api().post(volume(pool, "child") + "/snapshots/child-s1/revert").then().statusCode(200);
        assertThat(read(pool, "child")).isEqualTo(childWrite);
        cloneOf(pool, "/volumes/child/snapshots/child-s1", "grandchild", null);
        api().queryParam("snapshots", "delete").delete(volume(pool, "child")).then().statusCode(204);
        assertThat(read(pool, "grandchild")).isEqualTo(childWrite);
        assertThat(content(pool, "vm", "golden")).isEqualTo(golden);
        checkImage(engine, pool, "grandchild");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunk", "qcow2"})
    void cloningTheVolumeTakesItsContentNowAndLeavesNoSnapshot(String engine, @TempDir Path tmp) throws Exception {
        String pool = poolWithVolume(engine, tmp);
        write(pool, "vm", 10);
        snapshot(pool, "vm", "s1");
        byte[] head = write(pool, "vm", 11);
        cloneOf(pool, "/volumes/vm", "now", null);
        assertThat(read(pool, "now")).isEqualTo(head);
        assertThat(names(api().get(volume(pool, "vm") + "/snapshots").jsonPath())).containsExactly("s1");
        api().get(volume(pool, "vm")).then().body("currentSnapshot", equalTo("s1"));
        checkImage(engine, pool, "vm");
        checkImage(engine, pool, "now");
    }

    @Test
    void cloneIntoAnotherPoolIsACopyJobWithProgress(@TempDir Path tmp) throws Exception {
        String source = poolWithVolume("chunk", tmp);
        String target = pool("qcow2");
        byte[] golden = write(source, "vm", 12);
        snapshot(source, "vm", "golden");
        JsonPath job = cloneOf(source, "/volumes/vm/snapshots/golden", "copy", target);
        assertThat(job.getString("kind")).isEqualTo("clone");
        assertThat(job.getLong("bytesDone")).isEqualTo(CAPACITY);
        assertThat(job.getLong("bytesTotal")).isEqualTo(CAPACITY);
        assertThat(job.getString("targetPool")).isEqualTo(target);
        assertThat(read(target, "copy")).isEqualTo(golden);
        api().queryParam("snapshots", "delete").delete(volume(source, "vm")).then().statusCode(204);
        assertThat(read(target, "copy")).isEqualTo(golden);
        assertThat(api().get("/api/v1/jobs").jsonPath().getList("id", String.class)).contains(job.getString("id"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunk", "qcow2"})
    void refusedClonesChangeNothing(String engine, @TempDir Path tmp) throws Exception {
        String pool = poolWithVolume(engine, tmp);
        snapshot(pool, "vm", "golden");
        String clone = volume(pool, "vm") + "/snapshots/golden/clone";
        problem(api().contentType(ContentType.JSON).body(Map.of("name", "golden")).post(clone), 409, "NAME_TAKEN");
        problem(api().contentType(ContentType.JSON).body(Map.of("name", "vm")).post(clone), 409, "NAME_TAKEN");
        problem(api().contentType(ContentType.JSON).body(Map.of("name", "x"))
                .post(volume(pool, "vm") + "/snapshots/nope/clone"), 404, "NO_SNAPSHOT");
        problem(api().contentType(ContentType.JSON).body(Map.of("name", "x", "pool", "no-such-pool")).post(clone),
                404, "NO_STORAGE_POOL");
        problem(api().contentType(ContentType.JSON).body(Map.of("name", ".bad")).post(clone), 400, "INVALID_ARGUMENT");
        assertThat(names(api().get("/api/v1/pools/" + pool + "/volumes").jsonPath())).containsExactly("vm");
        problem(api().get("/api/v1/jobs/" + java.util.UUID.randomUUID()), 404, "NO_JOB");
        problem(api().get("/api/v1/jobs/not-a-job"), 404, "NO_JOB");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunk", "qcow2"})
    void mergeFoldsTheSnapshotIntoTheVolumeAndRebasesItsChildren(String engine, @TempDir Path tmp) throws Exception {
        String pool = poolWithVolume(engine, tmp);
        write(pool, "vm", 13);
        snapshot(pool, "vm", "A");
        byte[] b = write(pool, "vm", 14);
        snapshot(pool, "vm", "B");
        byte[] c = write(pool, "vm", 15);
        snapshot(pool, "vm", "C");
        write(pool, "vm", 16);

        api().post(volume(pool, "vm") + "/snapshots/B/merge").then().statusCode(200)
                .body("currentSnapshot", equalTo("A")).body("snapshotCount", equalTo(2));
        assertThat(read(pool, "vm")).isEqualTo(b);
        problem(api().get(volume(pool, "vm") + "/snapshots/B"), 404, "NO_SNAPSHOT");
        api().get(volume(pool, "vm") + "/snapshots/C").then().body("parent", equalTo("A"));
        assertThat(content(pool, "vm", "C")).isEqualTo(c);

        // A root merged: the volume takes its content and has no current snapshot left.
        api().post(volume(pool, "vm") + "/snapshots/A/merge").then().statusCode(200)
                .body("currentSnapshot", nullValue()).body("snapshotCount", equalTo(1));
        api().get(volume(pool, "vm") + "/snapshots/C").then().body("parent", nullValue());
        assertThat(content(pool, "vm", "C")).isEqualTo(c);
        problem(api().post(volume(pool, "vm") + "/snapshots/A/merge"), 404, "NO_SNAPSHOT");
        checkImage(engine, pool, "vm");
    }

    // ---- helpers ----

    /** Asks for a clone and, when it runs as a job, waits for it; returns the job (or null when made at once). */
    private JsonPath cloneOf(String pool, String source, String name, String targetPool) throws InterruptedException {
        Map<String, Object> body = targetPool == null ? Map.of("name", name) : Map.of("name", name, "pool", targetPool);
        Response answer = api().contentType(ContentType.JSON).body(body)
                .post("/api/v1/pools/" + pool + source + "/clone");
        if (answer.statusCode() == 201) {
            assertThat(answer.jsonPath().getString("name")).isEqualTo(name);
            assertThat(targetPool).as("a copy into another pool runs as a job").isNull();
            return null;
        }
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(202);
        String location = answer.header("Location");
        assertThat(location).startsWith("/api/v1/jobs/");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (true) {
            JsonPath job = api().get(location).then().statusCode(200).extract().jsonPath();
            String state = job.getString("state");
            if (state.equals("succeeded")) {
                assertThat(job.getString("targetVolume")).isEqualTo(name);
                return job;
            }
            assertThat(state).as(job.prettify()).isNotEqualTo("failed");
            assertThat(Instant.now()).as("job still " + state).isBefore(deadline);
            Thread.sleep(20); // polling the job, as a client does
        }
    }

    private static String volume(String pool, String name) {
        return "/api/v1/pools/" + pool + "/volumes/" + name;
    }

    private static long allocation(String pool) {
        return api().get("/api/v1/pools/" + pool).then().extract().jsonPath().getLong("allocation");
    }

    private static byte[] write(String pool, String volume, int seed) {
        byte[] data = new byte[CAPACITY];
        Random random = new Random(seed);
        for (int i = 0; i < CAPACITY; i += 65536) {
            if (random.nextBoolean()) {
                byte[] block = new byte[65536];
                random.nextBytes(block);
                System.arraycopy(block, 0, data, i, block.length);
            }
        }
        api().contentType("application/octet-stream").body(data).put(volume(pool, volume) + "/content")
                .then().statusCode(200);
        return data;
    }

    private static void snapshot(String pool, String volume, String name) {
        api().contentType(ContentType.JSON).body(Map.of("name", name)).post(volume(pool, volume) + "/snapshots")
                .then().statusCode(201);
    }

    private static byte[] read(String pool, String volume) {
        return api().get(volume(pool, volume) + "/content").then().statusCode(200).extract().asByteArray();
    }

    private static byte[] content(String pool, String volume, String snapshot) {
        return api().queryParam("snapshot", snapshot).get(volume(pool, volume) + "/content").then().statusCode(200)
                .extract().asByteArray();
    }

    private void checkImage(String engine, String pool, String volume) throws Exception {
        if (engine.equals("qcow2")) {
            assertThat(Qcow2VolumeTest.qemuImg("check", dir.resolve(pool).resolve(volume).toString()))
                    .contains("No errors were found");
        }
    }

    private static List<String> names(JsonPath json) {
        return json.getList("name", String.class);
    }
}
