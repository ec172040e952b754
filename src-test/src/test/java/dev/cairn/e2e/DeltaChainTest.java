package dev.cairn.e2e;

import static dev.cairn.e2e.SharedService.api;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Long incremental chains between every pair of engines (and from and to raw volumes with external
 * snapshots, whose deltas come from the overlays' own allocation): 50 snapshots with random writes, zeroes and a
 * resize between them, shipped as one full image and 49 deltas, each applied on arrival; afterwards every
 * snapshot on the target reads exactly as on the source (SHA-256), with the same uuid. Also the size rule:
 * a 1% change of a 1 GiB volume travels in under 1.5% of 1 GiB.
 */
class DeltaChainTest {
    private static final String DELTA = "application/vnd.cairn.delta";
    private static final int MIB = 1 << 20;
    private static final int CAPACITY = 2 * MIB;
    private static final int SNAPSHOTS = 50;
    private static int runs;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"qcow2, qcow2", "qcow2, chunk", "chunk, qcow2", "chunk, chunk", "external, qcow2",
            "chunk, external"})
    void fiftySnapshotChainArrivesByteForByte(String from, String to, @TempDir Path dir) throws Exception {
        String source = pool(from, dir);
        String target = pool(to, dir);
        try {
            create(source, "vm", from, CAPACITY);
            create(target, "vm", to, CAPACITY);
            Random random = new Random(20261203L + runs);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < SNAPSHOTS; i++) {
                change(volume(source), random, i);
                String name = "c" + i;
                api().contentType(ContentType.JSON).body(Map.of("name", name)).post(volume(source) + "/snapshots")
                        .then().statusCode(201);
                var export = api();
                if (i > 0) {
                    export = export.queryParam("from", names.get(i - 1));
                }
                byte[] delta = export.get(volume(source) + "/snapshots/" + name + "/delta").then().statusCode(200)
                        .extract().asByteArray();
                api().contentType(DELTA).body(delta).post(volume(target) + "/delta").then().log().ifValidationFails()
                        .statusCode(201);
                names.add(name);
            }
            for (String name : names) {
                assertThat(sha(target, name)).as(from + " -> " + to + ", " + name).isEqualTo(sha(source, name));
                assertThat(uuid(target, name)).isEqualTo(uuid(source, name));
            }
            assertThat(sha(target, null)).isEqualTo(sha(source, null));
        } finally {
            purge(source);
            purge(target);
        }
    }

    @ParameterizedTest
    @CsvSource({"qcow2", "chunk", "external"})
    void onePercentOfAGibibyteTravelsInUnderOneAndAHalfPercent(String engine, @TempDir Path dir) {
        String pool = pool(engine, dir);
        try {
            long gib = 1024L * MIB;
            create(pool, "big", engine, gib);
            Random random = new Random(5);
            byte[] block = new byte[64 * 1024];
            for (int i = 0; i < 64; i++) {
                random.nextBytes(block);
                upload(volume(pool, "big"), (long) random.nextInt(16384) * block.length, block);
            }
            api().contentType(ContentType.JSON).body(Map.of("name", "before")).post(volume(pool, "big") + "/snapshots")
                    .then().statusCode(201);
            long changed = 0;
            for (int i = 0; i < 164; i++) { // 164 x 64 KiB = 1.0% of 1 GiB
                random.nextBytes(block);
                upload(volume(pool, "big"), (long) random.nextInt(16384) * block.length, block);
                changed += block.length;
            }
            api().contentType(ContentType.JSON).body(Map.of("name", "after")).post(volume(pool, "big") + "/snapshots")
                    .then().statusCode(201);
            long size = api().queryParam("from", "before").get(volume(pool, "big") + "/snapshots/after/delta").then()
                    .statusCode(200).extract().asByteArray().length;
            assertThat(changed).isGreaterThanOrEqualTo(gib / 100);
            assertThat(size).isLessThan(gib * 15 / 1000);
        } finally {
            purge(pool);
        }
    }

    /** Random writes, sometimes zeroes over data, once a growth: what a chain has to carry. */
    private static void change(String volume, Random random, int step) {
        if (step == 25) {
            api().contentType(ContentType.JSON).body(Map.of("capacity", CAPACITY + MIB)).post(volume + "/resize")
                    .then().statusCode(200);
        }
        int writes = 1 + random.nextInt(4);
        for (int w = 0; w < writes; w++) {
            byte[] data = new byte[4096 * (1 + random.nextInt(16))];
            if (random.nextInt(5) > 0) {
                random.nextBytes(data);
            }
            upload(volume, (long) random.nextInt(CAPACITY / 4096 - 16) * 4096, data);
        }
    }

    private static String pool(String engine, Path dir) {
        String name = "chain" + ++runs;
        Map<String, Object> body = engine.equals("chunk")
                ? Map.of("name", name, "type", "chunk", "path", dir.resolve(name).toString(), "capacity", 2048L * MIB)
                : Map.of("name", name, "type", "dir", "path", dir.resolve(name).toString());
        api().contentType(ContentType.JSON).body(body).post("/api/v1/pools").then().statusCode(201);
        return name;
    }

    private static void create(String pool, String name, String engine, long capacity) {
        api().contentType(ContentType.JSON).body(Map.of("name", name, "capacity", capacity, "format",
                engine.equals("qcow2") ? "qcow2" : "raw")).post("/api/v1/pools/" + pool + "/volumes").then()
                .statusCode(201);
    }

    private static void purge(String pool) {
        api().queryParam("purge", true).delete("/api/v1/pools/" + pool).then().statusCode(204);
    }

    private static void upload(String volume, long offset, byte[] data) {
        api().contentType(ContentType.BINARY).queryParam("offset", offset).body(data).put(volume + "/content").then()
                .statusCode(200);
    }

    private static String volume(String pool) {
        return volume(pool, "vm");
    }

    private static String volume(String pool, String name) {
        return "/api/v1/pools/" + pool + "/volumes/" + name;
    }

    private static String uuid(String pool, String snapshot) {
        return api().get(volume(pool) + "/snapshots/" + snapshot).jsonPath().getString("uuid");
    }

    private static String sha(String pool, String snapshot) throws Exception {
        var request = api();
        if (snapshot != null) {
            request = request.queryParam("snapshot", snapshot);
        }
        byte[] content = request.get(volume(pool) + "/content").asByteArray();
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
