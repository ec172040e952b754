package dev.cairn.e2e;

import static dev.cairn.e2e.SharedService.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cairn.web.testing.CairnProcess;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What survives the service going away: a clean stop, a SIGKILL mid-upload, a lost catalog. */
class RestartTest {
    private static final int MIB = 1 << 20;

    @Test
    void volumesAndTheirBytesSurviveARestart(@TempDir Path dir) {
        byte[] data = VolumeApiTest.random(3 * MIB, 7);
        CairnProcess service = CairnProcess.start(dir.resolve("data"));
        try {
            create(service, "default", "durable", 16L * MIB);
            SharedService.api(service).contentType(ContentType.BINARY).queryParam("offset", MIB).body(data)
                    .put("/api/v1/pools/default/volumes/durable/content").then().statusCode(200);
            service = service.restart();
            assertThat(service.output()).contains("Cairn data directory: " + dir.resolve("data"));
            SharedService.api(service).get("/api/v1/pools/default/volumes/durable").then().statusCode(200)
                    .body("capacity", equalTo(16 * MIB));
            assertThat(SharedService.api(service).header("Range", "bytes=" + MIB + "-" + (4 * MIB - 1))
                    .get("/api/v1/pools/default/volumes/durable/content").asByteArray()).isEqualTo(data);
        } finally {
            service.close();
        }
    }

    @Test
    void killedMidUploadTheServiceRestartsWithCatalogAndPoolInAgreement(@TempDir Path dir) throws Exception {
        CairnProcess service = CairnProcess.start(dir.resolve("data"));
        try {
            create(service, "default", "before-crash", MIB);
            create(service, "default", "uploading", 256L * MIB);
            CountDownLatch halfSent = new CountDownLatch(1);
            CountDownLatch never = new CountDownLatch(1);
            HttpRequest upload = HttpRequest.newBuilder(URI.create(service.baseUri()
                            + "/api/v1/pools/default/volumes/uploading/content"))
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                            () -> new StallingStream(64L * MIB, halfSent, never)), 256L * MIB))
                    .build();
            CompletableFuture<HttpResponse<String>> pending = HttpClient.newHttpClient()
                    .sendAsync(upload, HttpResponse.BodyHandlers.ofString());
            assertThat(halfSent.await(60, TimeUnit.SECONDS)).isTrue();
            service.kill();
            never.countDown();
            assertThat(pending).failsWithin(30, TimeUnit.SECONDS);

            service = service.restart();
            SharedService.api(service).get("/api/v1/pools/default/volumes").then().statusCode(200)
                    .body("name", equalTo(List.of("before-crash", "uploading")));
            SharedService.api(service).post("/api/v1/pools/default/refresh").then().statusCode(200)
                    .body("adopted", equalTo(List.of())).body("vanished", equalTo(List.of()));
            SharedService.api(service).get("/api/v1/pools/default/volumes/uploading").then().statusCode(200)
                    .body("capacity", equalTo(256 * MIB));
        } finally {
            service.close();
        }
    }

    @Test
    void aServiceThatDefinesAPoolOverExistingStorageAdoptsItsVolumes(@TempDir Path dir) {
        Path poolPath = dir.resolve("shared-pool");
        byte[] data = VolumeApiTest.random(MIB, 9);
        try (CairnProcess first = CairnProcess.start(dir.resolve("first"))) {
            SharedService.api(first).contentType(ContentType.JSON)
                    .body(Map.of("name", "moving", "type", "dir", "path", poolPath.toString()))
                    .post("/api/v1/pools").then().statusCode(201);
            create(first, "moving", "cargo", 2L * MIB);
            SharedService.api(first).contentType(ContentType.BINARY).body(data)
                    .put("/api/v1/pools/moving/volumes/cargo/content").then().statusCode(200);
        }
        try (CairnProcess second = CairnProcess.start(dir.resolve("second"))) {
            SharedService.api(second).contentType(ContentType.JSON)
                    .body(Map.of("name", "arrived", "type", "dir", "path", poolPath.toString()))
                    .post("/api/v1/pools").then().statusCode(201).body("volumeCount", equalTo(1));
            assertThat(SharedService.api(second).header("Range", "bytes=0-" + (MIB - 1))
                    .get("/api/v1/pools/arrived/volumes/cargo/content").asByteArray()).isEqualTo(data);
        }
    }

    @Test
    void aCopyKilledMidwayIsAFailedJobAfterRestartAndLeavesNoPartialVolume(@TempDir Path dir) throws Exception {
        CairnProcess service = CairnProcess.start(dir.resolve("data"));
        try {
            // Dense, so that the copy takes a while: it must still run when the service is killed.
            denseSnapshot(service, dir, "big", 1024L * MIB, "golden");
            String job = SharedService.api(service).contentType(ContentType.JSON)
                    .body(Map.of("name", "copy", "pool", "default"))
                    .post("/api/v1/pools/fast/volumes/big/snapshots/golden/clone").then().statusCode(202)
                    .extract().header("Location");
            long done = 0;
            while (done == 0) {
                io.restassured.path.json.JsonPath state = SharedService.api(service).get(job).jsonPath();
                assertThat(state.getString("state")).as("the copy must still run when killed").isIn("queued", "running");
                done = state.getLong("bytesDone");
            }
            service.kill();
            service = service.restart();
            SharedService.api(service).get(job).then().statusCode(200).body("state", equalTo("failed"))
                    .body("problem.code", equalTo("OPERATION_INVALID"));
            SharedService.api(service).get("/api/v1/pools/default/volumes/copy").then().statusCode(404);
            SharedService.api(service).post("/api/v1/pools/default/refresh").then().statusCode(200)
                    .body("adopted", equalTo(List.of())).body("vanished", equalTo(List.of()));
            SharedService.api(service).get("/api/v1/pools/fast/volumes/big/snapshots/golden").then().statusCode(200);
        } finally {
            service.close();
        }
    }

    /** On a qcow2 volume of the default dir pool and on a volume of a second chunk pool. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"qcow2", "chunk"})
    void aDeltaApplyKilledAfterStorageChangedIsUndoneAtTheNextStart(String engine, @TempDir Path dir)
            throws Exception {
        CairnProcess service = CairnProcess.start(dir.resolve("data"));
        try {
            denseSnapshot(service, dir, "source", 256L * MIB, "shipped");
            Path delta = dir.resolve("full.delta");
            HttpClient client = HttpClient.newHttpClient();
            client.send(HttpRequest.newBuilder(URI.create(service.baseUri()
                    + "/api/v1/pools/fast/volumes/source/snapshots/shipped/delta")).build(),
                    HttpResponse.BodyHandlers.ofFile(delta));

            String pool = engine.equals("chunk") ? "other" : "default";
            if (engine.equals("chunk")) {
                SharedService.api(service).contentType(ContentType.JSON).body(Map.of("name", "other", "type",
                        "chunk", "path", dir.resolve("other").toString())).post("/api/v1/pools").then().statusCode(201);
            }
            String target = "/api/v1/pools/" + pool + "/volumes/target";
            SharedService.api(service).contentType(ContentType.JSON).body(Map.of("name", "target", "capacity",
                    256L * MIB, "format", "qcow2")).post("/api/v1/pools/" + pool + "/volumes").then().statusCode(201);
            byte[] before = VolumeApiTest.random(MIB, 14);
            SharedService.api(service).contentType(ContentType.BINARY).body(before).put(target + "/content").then()
                    .statusCode(200);

            HttpRequest apply = HttpRequest.newBuilder(URI.create(service.baseUri() + target + "/delta"))
                    .header("Content-Type", "application/vnd.cairn.delta")
                    .POST(HttpRequest.BodyPublishers.ofFile(delta)).build();
            CompletableFuture<HttpResponse<String>> pending = client.sendAsync(apply,
                    HttpResponse.BodyHandlers.ofString());
            // The journal appears once the stream is verified and storage is about to change: kill then.
            Path staging = dir.resolve("data/staging");
            while (!journalIn(staging)) {
                assertThat(pending).as("the apply must still run when the service is killed").isNotDone();
                Thread.onSpinWait();
            }
            service.kill();
            assertThat(pending).failsWithin(30, TimeUnit.SECONDS);
            service = service.restart();
            if (engine.equals("chunk")) {
                // The second chunk pool is started again by the catalog; its journal is undone as it starts.
                SharedService.api(service).get("/api/v1/pools/other").then().statusCode(200);
            }
            assertThat(service.output()).contains("undoing the delta apply on " + pool + "/target");
            assertThat(journalIn(staging)).isFalse();
            SharedService.api(service).get(target).then().statusCode(200).body("snapshotCount", equalTo(0));
            assertThat(SharedService.api(service).header("Range", "bytes=0-" + (MIB - 1)).get(target + "/content")
                    .asByteArray()).isEqualTo(before);
            SharedService.api(service).post("/api/v1/pools/" + pool + "/refresh").then().statusCode(200)
                    .body("adopted", equalTo(List.of())).body("adoptedSnapshots", equalTo(List.of()))
                    .body("ignored", equalTo(List.of()));
            if (engine.equals("qcow2")) {
                Path file = dir.resolve("data/pools/default/target");
                assertThat(Qcow2VolumeTest.qemuImg("snapshot", "-l", file.toString())).doesNotContain("pre-delta");
                assertThat(Qcow2VolumeTest.qemuImg("check", file.toString())).contains("No errors were found");
            }
        } finally {
            service.close();
        }
    }

    private static boolean journalIn(Path staging) throws IOException {
        if (!java.nio.file.Files.isDirectory(staging)) {
            return false;
        }
        try (var files = java.nio.file.Files.list(staging)) {
            return files.anyMatch(file -> file.getFileName().toString().endsWith(".journal"));
        }
    }

    @Test
    void aLostCatalogBringsBackEveryTreeFromThePoolsOwnCopy(@TempDir Path dir) throws Exception {
        CairnProcess service = CairnProcess.start(dir.resolve("data"));
        Map<String, List<Map<String, Object>>> before = new java.util.LinkedHashMap<>();
        try {
            SharedService.api(service).contentType(ContentType.JSON).body(Map.of("name", "cp", "type", "chunk",
                    "path", dir.resolve("cp").toString(), "capacity", 64 * MIB)).post("/api/v1/pools").then()
                    .statusCode(201);
            for (String[] volume : new String[][] {{"default", "vm", "qcow2"}, {"default", "rv", "raw"},
                    {"cp", "cv", "raw"}}) {
                String base = "/api/v1/pools/" + volume[0] + "/volumes/" + volume[1];
                SharedService.api(service).contentType(ContentType.JSON).body(Map.of("name", volume[1],
                        "capacity", MIB, "format", volume[2])).post("/api/v1/pools/" + volume[0] + "/volumes")
                        .then().statusCode(201);
                String prefix = volume[1] + "-";
                for (String snapshot : List.of("A", "B")) {
                    SharedService.api(service).contentType(ContentType.BINARY).body(VolumeApiTest.random(4096,
                            snapshot.hashCode())).put(base + "/content").then().statusCode(200);
                    SharedService.api(service).contentType(ContentType.JSON).body(Map.of("name", prefix + snapshot,
                            "description", "taken as " + snapshot)).post(base + "/snapshots").then().statusCode(201);
                }
                SharedService.api(service).post(base + "/snapshots/" + prefix + "A/revert").then().statusCode(200);
                SharedService.api(service).contentType(ContentType.JSON).body(Map.of("name", prefix + "C"))
                        .post(base + "/snapshots").then().statusCode(201);
                SharedService.api(service).post(base + "/snapshots/" + prefix + "B/revert").then().statusCode(200);
                before.put(base, SharedService.api(service).get(base + "/snapshots").jsonPath().getList("$"));
            }
            service.stop();
            deleteRecursively(dir.resolve("data/catalog"));
            service = CairnProcess.start(dir.resolve("data"));
            SharedService.api(service).contentType(ContentType.JSON).body(Map.of("name", "cp", "type", "chunk",
                    "path", dir.resolve("cp").toString())).post("/api/v1/pools").then().statusCode(201);
            for (Map.Entry<String, List<Map<String, Object>>> tree : before.entrySet()) {
                assertThat(SharedService.api(service).get(tree.getKey() + "/snapshots").jsonPath().getList("$"))
                        .as(tree.getKey()).isEqualTo(tree.getValue());
            }
            SharedService.api(service).get("/api/v1/pools/default/volumes/vm").then().body("currentSnapshot",
                    equalTo("vm-B"));
            for (String pool : List.of("default", "cp")) {
                SharedService.api(service).post("/api/v1/pools/" + pool + "/refresh").then().statusCode(200)
                        .body("adopted", equalTo(List.of())).body("adoptedSnapshots", equalTo(List.of()));
            }
        } finally {
            service.close();
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (var walk = java.nio.file.Files.walk(root)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(path);
            }
        }
    }

    /** A chunk pool "fast" with a volume of random data throughout, snapshotted as {@code snapshot}. */
    private static void denseSnapshot(CairnProcess service, Path dir, String volume, long capacity, String snapshot) {
        SharedService.api(service).contentType(ContentType.JSON).body(Map.of("name", "fast", "type", "chunk",
                "path", dir.resolve("fast").toString())).post("/api/v1/pools").then().statusCode(201);
        create(service, "fast", volume, capacity);
        byte[] block = VolumeApiTest.random(32 * MIB, volume.hashCode());
        for (long offset = 0; offset < capacity; offset += block.length) {
            SharedService.api(service).contentType(ContentType.BINARY).queryParam("offset", offset).body(block)
                    .put("/api/v1/pools/fast/volumes/" + volume + "/content").then().statusCode(200);
        }
        SharedService.api(service).contentType(ContentType.JSON).body(Map.of("name", snapshot))
                .post("/api/v1/pools/fast/volumes/" + volume + "/snapshots").then().statusCode(201);
    }

    private static void create(CairnProcess service, String pool, String name, long capacity) {
        SharedService.api(service).contentType(ContentType.JSON).body(Map.of("name", name, "capacity", capacity))
                .post("/api/v1/pools/" + pool + "/volumes").then().statusCode(201);
    }

    /** Sends {@code beforeStall} bytes, signals, then blocks until released: an upload caught mid-way. */
    private static final class StallingStream extends InputStream {
        private final long beforeStall;
        private final CountDownLatch halfSent;
        private final CountDownLatch release;
        private long sent;

        StallingStream(long beforeStall, CountDownLatch halfSent, CountDownLatch release) {
            this.beforeStall = beforeStall;
            this.halfSent = halfSent;
            this.release = release;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (sent >= beforeStall) {
                halfSent.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("upload abandoned: the service was killed");
            }
            int n = (int) Math.min(len, beforeStall - sent);
            java.util.Arrays.fill(b, off, off + n, (byte) 0x5a);
            sent += n;
            return n;
        }
    }
}
