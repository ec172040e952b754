package dev.cairn.e2e;

import static dev.cairn.e2e.PoolApiTest.problem;
import static dev.cairn.e2e.SharedService.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * qcow2 volumes of dir pools, checked by the real qemu-img: content, internal snapshots as the snapshot
 * tree, and images that QEMU accepts as its own after every step.
 */
class Qcow2VolumeTest {
    private static final int MIB = 1 << 20;

    @Test
    void qcow2VolumesKeepContentAndSnapshotsThatQemuImgReads(@TempDir Path dir) throws Exception {
        Path poolDir = dir.resolve("q");
        createQcow2Volume(poolDir, "qpool", "disk", 64 * MIB);
        Path image = poolDir.resolve("disk");
        String base = "/api/v1/pools/qpool/volumes/disk";

        byte[] a = write(base, 1);
        snapshot(base, "qa");
        byte[] b = write(base, 2);
        snapshot(base, "qb");
        api().post(base + "/snapshots/qa/revert").then().statusCode(200);
        assertThat(read(base, null)).isEqualTo(a);
        byte[] c = write(base, 3);
        snapshot(base, "qc");
        api().get(base + "/snapshots/qa").then().body("children", equalTo(List.of("qb", "qc")));

        assertThat(qemuImg("check", image.toString())).contains("No errors were found");
        assertThat(snapshotNames(image)).containsExactly("qa", "qb", "qc");
        assertThat(read(base, "qb")).isEqualTo(b);
        assertThat(convertedSnapshot(dir, image, "qb")).isEqualTo(b);
        assertThat(convertedSnapshot(dir, image, "qc")).isEqualTo(c);

        api().delete(base + "/snapshots/qb").then().statusCode(204);
        assertThat(snapshotNames(image)).containsExactly("qa", "qc");
        assertThat(qemuImg("check", image.toString())).contains("No errors were found");
        assertThat(read(base, "qa")).isEqualTo(a);

        problem(api().delete(base), 409, "HAS_SNAPSHOTS");
        api().queryParam("snapshots", "delete").delete(base).then().statusCode(204);
        assertThat(image).doesNotExist();
        api().queryParam("purge", true).delete("/api/v1/pools/qpool").then().statusCode(204);
    }

    /** QEMU's image locks: while a QEMU process writes a volume's image, the service's writes are refused. */
    @Test
    void aVolumeAQemuProcessWritesIsRefusedUntilItLetsGo(@TempDir Path dir) throws Exception {
        Path poolDir = dir.resolve("locked");
        createQcow2Volume(poolDir, "lockpool", "vmdisk", 16 * MIB);
        String base = "/api/v1/pools/lockpool/volumes/vmdisk";
        Path image = poolDir.resolve("vmdisk");
        Process qemu = qemuIoHolding(image);
        try {
            Response refused = api().contentType(ContentType.JSON).body(Map.of("name", "during"))
                    .post(base + "/snapshots");
            problem(refused, 409, "OPERATION_INVALID");
            assertThat(refused.jsonPath().getString("detail")).contains("in use by another process")
                    .contains("Failed to get \"write\" lock");
            api().get(base).then().statusCode(200).body("snapshotCount", equalTo(0));
        } finally {
            qemu.destroy();
            qemu.waitFor(10, TimeUnit.SECONDS);
        }
        snapshot(base, "after");
        assertThat(snapshotNames(image)).containsExactly("after");
        assertThat(qemuImg("check", image.toString())).contains("No errors were found");
        api().queryParam("snapshots", "delete").delete(base).then().statusCode(204);
        api().queryParam("purge", true).delete("/api/v1/pools/lockpool").then().statusCode(204);
    }

    @Test
    void imagesQemuImgMadeAreAdoptedAndHostileOrEscapingOnesIgnored(@TempDir Path dir) throws Exception {
        Path poolDir = dir.resolve("adopt");
        api().contentType(ContentType.JSON).body(Map.of("name", "adopting", "type", "dir", "path", poolDir.toString()))
                .post("/api/v1/pools").then().statusCode(201);
        qemuImg("create", "-q", "-f", "qcow2", poolDir.resolve("made-by-qemu").toString(), "8M");
        run("qemu-io", "-c", "write -P 0x5a 1M 64k", poolDir.resolve("made-by-qemu").toString());
        qemuImg("snapshot", "-c", "before update", poolDir.resolve("made-by-qemu").toString());
        qemuImg("snapshot", "-c", "golden", poolDir.resolve("made-by-qemu").toString());
        run("qemu-io", "-c", "write -P 0x77 1M 64k", poolDir.resolve("made-by-qemu").toString());
        byte[] hostile = new byte[4096];
        System.arraycopy(new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 3}, 0, hostile, 0, 8);
        Arrays.fill(hostile, 8, 4096, (byte) 0xff);
        Files.write(poolDir.resolve("hostile"), hostile);
        qemuImg("create", "-q", "-f", "qcow2", "-b", "made-by-qemu", "-F", "qcow2",
                poolDir.resolve("overlay").toString());
        qemuImg("create", "-q", "-f", "qcow2", "-b", "/etc/hostname", "-F", "raw",
                poolDir.resolve("escape").toString(), "1M");
        Files.createSymbolicLink(poolDir.resolve("linked"), Path.of("/etc/hostname"));
        qemuImg("create", "-q", "-f", "qcow2", "-b", "linked", "-F", "raw", poolDir.resolve("via-link").toString(),
                "1M");

        api().post("/api/v1/pools/adopting/refresh").then().statusCode(200)
                .body("adopted", equalTo(List.of("made-by-qemu", "overlay")))
                .body("ignored", org.hamcrest.Matchers.hasItems(
                        equalTo("escape: its backing file /etc/hostname lies outside the pool; refused"),
                        org.hamcrest.Matchers.startsWith("via-link: its backing file "),
                        org.hamcrest.Matchers.startsWith("hostile: ")))
                .body("ignored.size()", equalTo(4))
                .body("adoptedSnapshots", equalTo(List.of("made-by-qemu/made-by-qemu-snap1", "made-by-qemu/golden")));
        api().get("/api/v1/pools/adopting/snapshots/golden").then().statusCode(200)
                .body("adopted", equalTo(true)).body("parent", nullValue()).body("volume", equalTo("made-by-qemu"));
        api().post("/api/v1/pools/adopting/refresh").then().statusCode(200)
                .body("adoptedSnapshots", equalTo(List.of()));
        api().get("/api/v1/pools/adopting/volumes/made-by-qemu").then().body("format", equalTo("qcow2"))
                .body("capacity", equalTo(8 * MIB));
        byte[] golden = new byte[64 * 1024];
        Arrays.fill(golden, (byte) 0x5a);
        byte[] head = new byte[64 * 1024];
        Arrays.fill(head, (byte) 0x77);
        assertThat(api().header("Range", "bytes=" + MIB + "-" + (MIB + 65535))
                .get("/api/v1/pools/adopting/volumes/made-by-qemu/content").asByteArray()).isEqualTo(head);
        assertThat(api().header("Range", "bytes=" + MIB + "-" + (MIB + 65535)).queryParam("snapshot", "golden")
                .get("/api/v1/pools/adopting/volumes/made-by-qemu/content").asByteArray()).isEqualTo(golden);
        problem(api().delete("/api/v1/pools/adopting/volumes/made-by-qemu"), 409, "HAS_SNAPSHOTS");
        assertThat(api().header("Range", "bytes=" + MIB + "-" + (MIB + 65535))
                .get("/api/v1/pools/adopting/volumes/overlay/content").asByteArray()).isEqualTo(head);
        problem(api().get("/api/v1/pools/adopting/volumes/escape"), 404, "NO_STORAGE_VOL");
        api().queryParam("purge", true).delete("/api/v1/pools/adopting").then().statusCode(204);
    }

    @Test
    void aVolumeWithSnapshotsDeletedBehindCairnsBackVanishesOnRefresh(@TempDir Path dir) throws IOException {
        Path poolDir = dir.resolve("behind");
        api().contentType(ContentType.JSON).body(Map.of("name", "behind", "type", "dir", "path", poolDir.toString()))
                .post("/api/v1/pools").then().statusCode(201);
        api().contentType(ContentType.JSON).body(Map.of("name", "doomed", "capacity", MIB, "format", "qcow2"))
                .post("/api/v1/pools/behind/volumes").then().statusCode(201);
        snapshot("/api/v1/pools/behind/volumes/doomed", "d1");
        snapshot("/api/v1/pools/behind/volumes/doomed", "d2");
        Files.delete(poolDir.resolve("doomed"));
        api().post("/api/v1/pools/behind/refresh").then().statusCode(200).body("vanished", equalTo(List.of("doomed")));
        api().get("/api/v1/pools/behind/snapshots").then().statusCode(200).body("size()", equalTo(0));
        api().queryParam("purge", true).delete("/api/v1/pools/behind").then().statusCode(204);
    }

    /** A dir pool at {@code poolDir} with one qcow2 volume of {@code capacity} bytes. */
    private static void createQcow2Volume(Path poolDir, String pool, String volume, int capacity) {
        api().contentType(ContentType.JSON).body(Map.of("name", pool, "type", "dir", "path", poolDir.toString()))
                .post("/api/v1/pools").then().statusCode(201);
        api().contentType(ContentType.JSON).body(Map.of("name", volume, "capacity", capacity, "format", "qcow2"))
                .post("/api/v1/pools/" + pool + "/volumes").then().statusCode(201).body("format", equalTo("qcow2"))
                .body("capacity", equalTo(capacity));
    }

    private static byte[] write(String base, int seed) {
        byte[] data = VolumeApiTest.random(MIB, seed);
        api().contentType(ContentType.BINARY).queryParam("offset", 3 * MIB).body(data).put(base + "/content")
                .then().statusCode(200);
        return data;
    }

    private static void snapshot(String base, String name) {
        api().contentType(ContentType.JSON).body(Map.of("name", name)).post(base + "/snapshots").then().statusCode(201);
    }

    private static byte[] read(String base, String snapshot) {
        var request = api().header("Range", "bytes=" + 3 * MIB + "-" + (4 * MIB - 1));
        if (snapshot != null) {
            request = request.queryParam("snapshot", snapshot);
        }
        return request.get(base + "/content").then().statusCode(206).extract().asByteArray();
    }

    private static List<String> snapshotNames(Path image) throws Exception {
        return qemuImg("snapshot", "-l", image.toString()).lines().skip(2)
                .map(line -> line.trim().split("\\s+")[1]).toList();
    }

    private static byte[] convertedSnapshot(Path dir, Path image, String snapshot) throws Exception {
        Path raw = dir.resolve(snapshot + ".raw");
        qemuImg("convert", "-f", "qcow2", "-O", "raw", "-l", "snapshot.name=" + snapshot, image.toString(),
                raw.toString());
        return Arrays.copyOfRange(Files.readAllBytes(raw), 3 * MIB, 4 * MIB);
    }

    static String qemuImg(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "qemu-img";
        System.arraycopy(args, 0, command, 1, args.length);
        return run(command);
    }

    /**
     * {@code qemu-img check} of an image a crash may have cut short. Allowed, as QEMU allows them after a
     * crash: leaked clusters (space lost, no data at risk); and refcount or COPIED-flag mismatches in an
     * image whose dirty bit is set (qcow2.txt: refcounts may be wrong and are rebuilt by the next writable
     * open, as the engine and QEMU both do), provided a repair of a copy leaves it clean. Anything else fails.
     *
     * @return how many clusters leaked
     */
    static int qemuImgCheckAfterCrash(Path image) throws Exception {
        String output = run(List.of(0, 2, 3), "qemu-img", "check", "--output=json", image.toString());
        // The problems are also listed on stderr, which run() merges in before the JSON report.
        io.restassured.path.json.JsonPath report = io.restassured.path.json.JsonPath.from(
                output.substring(output.indexOf('{')));
        assertThat(report.getInt("check-errors")).as("check errors in %s: %s", image, output).isZero();
        if (report.get("corruptions") != null) { // qemu-img leaves out the counts that are zero
            String info = run("qemu-img", "info", "--output=json", image.toString());
            // qemu-img 7.2 reports the dirty bit at the top level of `info --output=json`.
            Object dirty = io.restassured.path.json.JsonPath.from(info).get("dirty-flag");
            assertThat(Boolean.TRUE.equals(dirty)).as("%s has mismatches but no dirty bit: %s %s", image, output, info)
                    .isTrue();
            Path copy = Files.createTempFile(image.getParent().getParent(), "repaired-", ".qcow2");
            try {
                Files.copy(image, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                run(List.of(0, 3), "qemu-img", "check", "-q", "-r", "all", copy.toString());
                run("qemu-img", "check", "-q", copy.toString());
            } finally {
                Files.delete(copy);
            }
        }
        return report.get("leaks") == null ? 0 : report.getInt("leaks");
    }

    /**
     * A qemu-io process that has written 4 KiB into {@code image} and holds it open, QEMU's locks taken, for
     * 30 s or until destroyed.
     */
    static Process qemuIoHolding(Path image) throws IOException {
        // stdbuf: qemu-io's stdout is a pipe here, which stdio would buffer until exit.
        Process qemu = new ProcessBuilder("stdbuf", "-oL", "qemu-io", "-f", "qcow2", "-c", "write -P 9 0 4k", "-c",
                "sleep 30000", image.toString()).redirectErrorStream(true).start();
        // qemu-io reports its write once it has the image open, locks taken.
        String first = new BufferedReader(new InputStreamReader(qemu.getInputStream())).readLine();
        assertThat(first).startsWith("wrote 4096/4096 bytes");
        return qemu;
    }

    /** Runs {@code command}; its output (stderr merged), which must come with exit code 0. */
    static String run(String... command) throws IOException, InterruptedException {
        return run(List.of(0), command);
    }

    /** Runs {@code command}; its output (stderr merged), which must come with one of {@code allowedExits}. */
    static String run(List<Integer> allowedExits, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), output).isIn(allowedExits);
        return output;
    }
}
