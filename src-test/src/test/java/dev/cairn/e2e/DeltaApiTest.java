package dev.cairn.e2e;

import static dev.cairn.e2e.PoolApiTest.problem;
import static dev.cairn.e2e.SharedService.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cairn.pool.delta.DeltaHeader;
import dev.cairn.pool.delta.DeltaWriter;
import dev.cairn.pool.delta.SnapshotIdentity;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot deltas through REST: a chain exported from a qcow2 volume applies to a chunk volume and back with
 * identical bytes; every broken, foreign or mismatched stream is refused and changes nothing.
 */
class DeltaApiTest {
    private static final String DELTA = "application/vnd.cairn.delta";
    private static final int MIB = 1 << 20;
    private static final int CAPACITY = 4 * MIB;
    private static int runs;
    private String files;
    private String chunks;
    private String elsewhere;
    private Path dir;

    @BeforeEach
    void pools(@TempDir Path tmp) {
        dir = tmp;
        files = "dfiles" + ++runs;
        chunks = "dchunks" + runs;
        elsewhere = "delsewhere" + runs;
        api().contentType(ContentType.JSON).body(Map.of("name", elsewhere, "type", "dir", "path",
                tmp.resolve(elsewhere).toString())).post("/api/v1/pools").then().statusCode(201);
        api().contentType(ContentType.JSON).body(Map.of("name", files, "type", "dir", "path",
                tmp.resolve(files).toString())).post("/api/v1/pools").then().statusCode(201);
        api().contentType(ContentType.JSON).body(Map.of("name", chunks, "type", "chunk", "path",
                tmp.resolve(chunks).toString(), "capacity", 256 * MIB, "chunkSize", 4096))
                .post("/api/v1/pools").then().statusCode(201);
    }

    @AfterEach
    void purge() {
        for (String pool : List.of(files, chunks, elsewhere)) {
            api().queryParam("purge", true).delete("/api/v1/pools/" + pool).then().statusCode(204);
        }
    }

    @Test
    void aChainExportedFromQcow2AppliesToAChunkVolumeAndBackWithIdenticalBytes() throws Exception {
        create(files, "src", "qcow2");
        byte[] s1 = write(files, "src", 0, 3 * MIB, 1);
        snapshot(files, "src", "s1");
        byte[] s2 = write(files, "src", MIB, 64 * 1024, 2);
        snapshot(files, "src", "s2");
        // Zeroes over data, then a grown capacity: zero records and a resize record.
        upload(files, "src", 2 * MIB, new byte[MIB]);
        api().contentType(ContentType.JSON).body(Map.of("capacity", CAPACITY + MIB))
                .post(volume(files, "src") + "/resize").then().statusCode(200);
        snapshot(files, "src", "s3");
        byte[] s3 = read(files, "src", "s3");
        assertThat(read(files, "src", "s1")).isEqualTo(s1);

        byte[] full = export(files, "src", "s1", null);
        byte[] d12 = export(files, "src", "s2", "s1");
        byte[] d23 = export(files, "src", "s3", "s2");
        assertThat(d12.length).as("a 64 KiB change travels as about 64 KiB").isBetween(64 * 1024, 80 * 1024);
        assertThat(d23.length).as("a MiB of zeroes travels as a zero record, not bytes").isLessThan(4096);

        create(chunks, "copy", "raw");
        apply(chunks, "copy", full).body("name", equalTo("s1")).body("current", equalTo(true))
                .body("uuid", equalTo(uuid(files, "src", "s1")));
        assertThat(read(chunks, "copy", null)).isEqualTo(s1);
        apply(chunks, "copy", d12).body("parent", equalTo("s1"));
        assertThat(read(chunks, "copy", null)).isEqualTo(s2);
        apply(chunks, "copy", d23).body("parent", equalTo("s2"));
        assertThat(read(chunks, "copy", null)).isEqualTo(s3);
        assertThat(read(chunks, "copy", "s2")).isEqualTo(s2);
        api().get(volume(chunks, "copy")).then().body("capacity", equalTo(CAPACITY + MIB))
                .body("currentSnapshot", equalTo("s3"));

        // ... and back, from the chunk volume's own exports, into a fresh qcow2 volume of another dir pool
        // (snapshot names are unique per pool, so not into the pool of the source).
        create(elsewhere, "back", "qcow2");
        apply(elsewhere, "back", export(chunks, "copy", "s1", null));
        apply(elsewhere, "back", export(chunks, "copy", "s2", "s1"));
        apply(elsewhere, "back", export(chunks, "copy", "s3", "s2"));
        assertThat(read(elsewhere, "back", null)).isEqualTo(s3);
        assertThat(read(elsewhere, "back", "s1")).isEqualTo(s1);
        assertThat(uuid(elsewhere, "back", "s3")).isEqualTo(uuid(files, "src", "s3"));
        assertThat(Qcow2VolumeTest.qemuImg("check", dir.resolve(elsewhere).resolve("back").toString()))
                .contains("No errors were found");
    }

    @Test
    void brokenForeignOrMismatchedStreamsAreRefusedAndChangeNothing() throws Exception {
        create(chunks, "src", "raw");
        write(chunks, "src", 0, 2 * MIB, 3);
        snapshot(chunks, "src", "a1");
        write(chunks, "src", MIB, MIB, 4);
        snapshot(chunks, "src", "a2");
        write(chunks, "src", 0, 64 * 1024, 5);
        snapshot(chunks, "src", "a3");
        byte[] full = export(chunks, "src", "a1", null);
        byte[] d12 = export(chunks, "src", "a2", "a1");
        byte[] d23 = export(chunks, "src", "a3", "a2");

        create(files, "dst", "qcow2");
        apply(files, "dst", full);
        byte[] dirty = write(files, "dst", 0, 64 * 1024, 6);
        String before = state(files, "dst");

        problem(SharedService.invalidRequest().contentType(DELTA).body(new byte[0])
                .post(volume(files, "dst") + "/delta"), 400, "INVALID_DELTA");
        for (int cut : new int[] {10, d12.length / 2, d12.length - 1}) {
            problem(applying(files, "dst", Arrays.copyOf(d12, cut)), 400, "INVALID_DELTA");
        }
        Random random = new Random(7);
        for (int i = 0; i < 12; i++) {
            byte[] flipped = d12.clone();
            flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
            problem(applying(files, "dst", flipped), 400, "INVALID_DELTA");
        }
        problem(applying(files, "dst", d23), 404, "NO_SNAPSHOT");
        problem(applying(files, "dst", full), 409, "OPERATION_INVALID");
        problem(applying(files, "dst", mismatchedBase(files, "dst", "a1")), 400, "INVALID_DELTA");
        assertThat(state(files, "dst")).isEqualTo(before);
        assertThat(read(files, "dst", null)).isEqualTo(dirty);

        // A client that goes away mid-stream changes nothing either.
        HttpRequest cut = HttpRequest.newBuilder(URI.create(SharedService.get().baseUri() + volume(files, "dst")
                        + "/delta")).header("Content-Type", DELTA)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new BreakingStream(d12, d12.length / 2))).build();
        try {
            HttpClient.newHttpClient().send(cut, HttpResponse.BodyHandlers.ofString());
        } catch (IOException expected) {
            // the client's own stream failed: the request is abandoned half sent
        }
        assertThat(state(files, "dst")).isEqualTo(before);

        apply(files, "dst", d12).body("name", equalTo("a2"));
        problem(applying(files, "dst", d12), 409, "NAME_TAKEN");
        assertThat(read(files, "dst", null)).isEqualTo(read(chunks, "src", "a2"));
    }

    // ---- helpers ----

    /** A stream claiming {@code snapshot} as its base, with a base capacity that snapshot does not have. */
    private static byte[] mismatchedBase(String pool, String volume, String snapshot) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotIdentity base = new SnapshotIdentity(UUID.fromString(uuid(pool, volume, snapshot)), snapshot);
        DeltaWriter writer = new DeltaWriter(out, DeltaHeader.incremental(CAPACITY, 2L * CAPACITY, 65536, base,
                new SnapshotIdentity(UUID.randomUUID(), "odd")));
        writer.resize(CAPACITY);
        writer.data(0, new byte[] {1, 2, 3}, 0, 3);
        writer.finish();
        return out.toByteArray();
    }

    /** What must not change: the snapshot list with identities and the head's content, as one string. */
    private static String state(String pool, String volume) {
        JsonPath list = api().get(volume(pool, volume) + "/snapshots").jsonPath();
        return list.getList("name") + " " + list.getList("uuid") + " " + list.getList("current") + " "
                + Arrays.hashCode(read(pool, volume, null)) + " "
                + api().get(volume(pool, volume)).jsonPath().getString("currentSnapshot");
    }

    private static byte[] export(String pool, String volume, String to, String from) {
        var request = api();
        if (from != null) {
            request = request.queryParam("from", from);
        }
        return request.get(volume(pool, volume) + "/snapshots/" + to + "/delta").then().statusCode(200)
                .contentType(DELTA).extract().asByteArray();
    }

    private static io.restassured.response.ValidatableResponse apply(String pool, String volume, byte[] delta) {
        return applying(pool, volume, delta).then().statusCode(201);
    }

    private static io.restassured.response.Response applying(String pool, String volume, byte[] delta) {
        return api().contentType(DELTA).body(delta).post(volume(pool, volume) + "/delta");
    }

    private static String uuid(String pool, String volume, String snapshot) {
        return api().get(volume(pool, volume) + "/snapshots/" + snapshot).jsonPath().getString("uuid");
    }

    private static void create(String pool, String name, String format) {
        api().contentType(ContentType.JSON).body(Map.of("name", name, "capacity", CAPACITY, "format", format))
                .post("/api/v1/pools/" + pool + "/volumes").then().statusCode(201);
    }

    /** Writes {@code length} seeded random bytes at {@code offset}; returns the head as it should now be. */
    private static byte[] write(String pool, String volume, int offset, int length, int seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        upload(pool, volume, offset, data);
        return read(pool, volume, null);
    }

    private static void upload(String pool, String volume, int offset, byte[] data) {
        api().contentType(ContentType.BINARY).queryParam("offset", offset).body(data)
                .put(volume(pool, volume) + "/content").then().statusCode(200);
    }

    private static void snapshot(String pool, String volume, String name) {
        api().contentType(ContentType.JSON).body(Map.of("name", name)).post(volume(pool, volume) + "/snapshots")
                .then().statusCode(201);
    }

    private static byte[] read(String pool, String volume, String snapshot) {
        var request = api();
        if (snapshot != null) {
            request = request.queryParam("snapshot", snapshot);
        }
        return request.get(volume(pool, volume) + "/content").then().statusCode(200).extract().asByteArray();
    }

    private static String volume(String pool, String name) {
        return "/api/v1/pools/" + pool + "/volumes/" + name;
    }

    /** Gives {@code limit} bytes of {@code data}, then fails like a dropped connection. */
    private static final class BreakingStream extends InputStream {
        private final byte[] data;
        private final int limit;
        private int position;

        BreakingStream(byte[] data, int limit) {
            this.data = data;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            if (position >= limit) {
                throw new IOException("connection dropped on purpose");
            }
            return data[position++] & 0xff;
        }
    }
}
