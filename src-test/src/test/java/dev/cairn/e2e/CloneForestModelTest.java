package dev.cairn.e2e;

import static dev.cairn.e2e.SharedService.api;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A seeded random walk over a forest of volumes, snapshots and clones (writes, snapshots, clones of
 * snapshots and of heads, reverts, merges, deletes of snapshots and of whole volumes, in any order) against a
 * reference model of every volume's head and every snapshot's content, compared by hash after every step.
 * At the end everything is deleted: qcow2 files pass qemu-img check on the way, and a chunk pool's allocation
 * returns to what it was before the first volume.
 */
class CloneForestModelTest {
    private static final int CAPACITY = 256 * 1024;
    private static final int BLOCK = 16 * 1024;
    private static final long SEED = 20261203L;
    private static final int STEPS = 90;

    /** The model: each volume's head, and each snapshot's volume and content. */
    private final Map<String, byte[]> heads = new LinkedHashMap<>();
    private final Map<String, String> snapshotVolume = new LinkedHashMap<>();
    private final Map<String, byte[]> snapshotContent = new LinkedHashMap<>();
    private int names;
    private String pool;
    private String format;

    @ParameterizedTest
    @ValueSource(strings = {"chunk", "qcow2"})
    void forestFollowsTheReferenceModel(String engine, @TempDir Path dir) throws Exception {
        pool = "forest-" + engine;
        format = engine.equals("chunk") ? "raw" : "qcow2";
        Map<String, Object> body = engine.equals("chunk")
                ? Map.of("name", pool, "type", "chunk", "path", dir.resolve(pool).toString(),
                        "capacity", 64 << 20, "chunkSize", 4096)
                : Map.of("name", pool, "type", "dir", "path", dir.resolve(pool).toString());
        api().contentType(ContentType.JSON).body(body).post("/api/v1/pools").then().statusCode(201);
        try {
            long baseline = allocation();
            create("v0");
            Random random = new Random(SEED);
            for (int step = 0; step < STEPS; step++) {
                String action = step(random);
                verify(engine + ", seed " + SEED + ", step " + step + " (" + action + ")");
            }
            for (String volume : List.copyOf(heads.keySet())) {
                if (engine.equals("qcow2")) {
                    assertThat(Qcow2VolumeTest.qemuImg("check", dir.resolve(pool).resolve(volume).toString()))
                            .as(volume).contains("No errors were found");
                }
                api().queryParam("snapshots", "delete").delete(volume(volume)).then().statusCode(204);
            }
            if (engine.equals("chunk")) {
                assertThat(allocation()).isEqualTo(baseline);
            }
            // For a chunk pool, refresh runs the store's check: its problems and stray devices are "ignored".
            api().post("/api/v1/pools/" + pool + "/refresh").then().statusCode(200)
                    .body("ignored", org.hamcrest.Matchers.empty()).body("adopted", org.hamcrest.Matchers.empty());
        } finally {
            api().queryParam("purge", true).delete("/api/v1/pools/" + pool).then().statusCode(204);
        }
    }

    private String step(Random random) throws Exception {
        String volume = pick(random, new ArrayList<>(heads.keySet()));
        List<String> snapshots = new ArrayList<>(snapshotVolume.keySet());
        String snapshot = snapshots.isEmpty() ? null : pick(random, snapshots);
        int dice = random.nextInt(100);
        if (dice < 30) {
            int offset = random.nextInt(CAPACITY / BLOCK) * BLOCK;
            byte[] data = new byte[BLOCK];
            random.nextBytes(data);
            api().contentType(ContentType.BINARY).queryParam("offset", offset).body(data)
                    .put(volume(volume) + "/content").then().statusCode(200);
            System.arraycopy(data, 0, heads.get(volume), offset, BLOCK);
            return "write " + volume + " at " + offset;
        }
        if (dice < 50) {
            String name = "s" + ++names;
            api().contentType(ContentType.JSON).body(Map.of("name", name)).post(volume(volume) + "/snapshots")
                    .then().statusCode(201);
            snapshotVolume.put(name, volume);
            snapshotContent.put(name, heads.get(volume).clone());
            return "snapshot " + volume + " as " + name;
        }
        if (dice < 62 && heads.size() < 6) {
            String name = "v" + ++names;
            boolean ofSnapshot = snapshot != null && random.nextBoolean();
            String source = ofSnapshot ? volume(snapshotVolume.get(snapshot)) + "/snapshots/" + snapshot
                    : volume(volume);
            awaitClone(api().contentType(ContentType.JSON).body(Map.of("name", name)).post(source + "/clone"));
            heads.put(name, (ofSnapshot ? snapshotContent.get(snapshot) : heads.get(volume)).clone());
            return "clone " + (ofSnapshot ? snapshot : volume) + " as " + name;
        }
        if (snapshot != null && dice < 72) {
            api().post(volume(snapshotVolume.get(snapshot)) + "/snapshots/" + snapshot + "/revert").then()
                    .statusCode(200);
            heads.put(snapshotVolume.get(snapshot), snapshotContent.get(snapshot).clone());
            return "revert to " + snapshot;
        }
        if (snapshot != null && dice < 80) {
            api().post(volume(snapshotVolume.get(snapshot)) + "/snapshots/" + snapshot + "/merge").then()
                    .statusCode(200);
            heads.put(snapshotVolume.get(snapshot), snapshotContent.remove(snapshot));
            snapshotVolume.remove(snapshot);
            return "merge " + snapshot;
        }
        if (snapshot != null && dice < 90) {
            api().delete(volume(snapshotVolume.get(snapshot)) + "/snapshots/" + snapshot).then().statusCode(204);
            snapshotVolume.remove(snapshot);
            snapshotContent.remove(snapshot);
            return "delete snapshot " + snapshot;
        }
        if (heads.size() > 1) {
            api().queryParam("snapshots", "delete").delete(volume(volume)).then().statusCode(204);
            heads.remove(volume);
            snapshotVolume.entrySet().removeIf(entry -> {
                boolean gone = entry.getValue().equals(volume);
                if (gone) {
                    snapshotContent.remove(entry.getKey());
                }
                return gone;
            });
            return "delete volume " + volume;
        }
        return "nothing";
    }

    private void verify(String where) throws Exception {
        assertThat(api().get("/api/v1/pools/" + pool + "/volumes").jsonPath().getList("name", String.class))
                .as(where).containsExactlyInAnyOrderElementsOf(heads.keySet());
        for (Map.Entry<String, byte[]> head : heads.entrySet()) {
            assertThat(sha(api().get(volume(head.getKey()) + "/content").asByteArray())).as(where + ": head of "
                    + head.getKey()).isEqualTo(sha(head.getValue()));
        }
        for (Map.Entry<String, byte[]> snapshot : snapshotContent.entrySet()) {
            assertThat(sha(api().queryParam("snapshot", snapshot.getKey())
                    .get(volume(snapshotVolume.get(snapshot.getKey())) + "/content").asByteArray()))
                    .as(where + ": snapshot " + snapshot.getKey()).isEqualTo(sha(snapshot.getValue()));
        }
    }

    private static void awaitClone(Response answer) throws InterruptedException {
        if (answer.statusCode() == 201) {
            return;
        }
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(202);
        String job = answer.header("Location");
        String state;
        while ((state = api().get(job).jsonPath().getString("state")).equals("queued") || state.equals("running")) {
            Thread.sleep(10); // polling the job, as a client does
        }
        assertThat(state).as(api().get(job).asString()).isEqualTo("succeeded");
    }

    private void create(String name) {
        api().contentType(ContentType.JSON).body(Map.of("name", name, "capacity", CAPACITY, "format", format))
                .post("/api/v1/pools/" + pool + "/volumes").then().statusCode(201);
        heads.put(name, new byte[CAPACITY]);
    }

    private long allocation() {
        return api().get("/api/v1/pools/" + pool).jsonPath().getLong("allocation");
    }

    private String volume(String name) {
        return "/api/v1/pools/" + pool + "/volumes/" + name;
    }

    private static String pick(Random random, List<String> from) {
        return from.get(random.nextInt(from.size()));
    }

    private static String sha(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
