package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;

import dev.cairn.bench.CairnHttp;
import dev.cairn.bench.VolumeModel;
import dev.cairn.e2e.OperationClient.Family;
import dev.cairn.web.testing.CairnProcess;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL in the middle of snapshot create, delete (every children mode), revert, merge and clone, on
 * both engines, then a restart on the same data directory. Ten clients run at once, one per engine and
 * operation family, each on its own volume, so every kill interrupts all ten at some point of their work;
 * the kill comes after a seeded random delay, over {@code cairn.crash.kills} rounds (default 3; the long
 * mode is {@code -Dcairn.crash.kills=40}, seed {@code cairn.crash.seed}). After each restart:
 * <ul>
 *   <li>refresh finds nothing to fix: nothing adopted, nothing vanished, no snapshot adopted, nothing
 *       ignored (for a chunk pool that includes a clean store check and no unnamed device);</li>
 *   <li>each volume's tree, current snapshot and clones are those its acknowledged operations made, with
 *       the operation in flight either done or not (a merge may also stop after its revert, a state the
 *       user can merge again); every snapshot and clone holds exactly its content (SHA-256), and the
 *       volume holds its content (a write in flight may be torn, since an upload is durable only once
 *       answered);</li>
 *   <li>the tree is whole: every parent exists, at most one snapshot is current, none is adopted;</li>
 *   <li>qcow2 files pass {@code qemu-img check}, but for leaks, and for refcount mismatches under a set dirty
 *       bit, which the next writable open repairs ({@link Qcow2VolumeTest#qemuImgCheckAfterCrash}); a clone
 *       job that was running is {@code failed} and left no volume and no partial file.</li>
 * </ul>
 */
class CrashTest {
    private static final long SEED = Long.getLong("cairn.crash.seed", 20261210L);
    private static final int KILLS = Integer.getInteger("cairn.crash.kills", 3);
    private static final List<String> ENGINES = List.of("chunk", "qcow2");

    @Test
    void killedMidOperationTheServiceLosesNothingAcknowledged(@TempDir Path dir) throws Exception {
        Random random = new Random(SEED);
        CairnProcess service = CairnProcess.start(dir.resolve("data"));
        try {
            List<OperationClient> clients = new ArrayList<>();
            for (String engine : ENGINES) {
                createPool(service, engine, dir.resolve(engine));
                for (Family family : Family.values()) {
                    OperationClient client = new OperationClient(engine, engine + "-" + family.name().toLowerCase(),
                            family, random.nextLong());
                    SharedService.api(service).contentType(ContentType.JSON).body(Map.of("name", client.volume,
                            "capacity", OperationClient.CAPACITY, "format", engine.equals("chunk") ? "raw" : "qcow2"))
                            .post("/api/v1/pools/" + engine + "/volumes").then().statusCode(201);
                    clients.add(client);
                }
            }
            for (int round = 1; round <= KILLS; round++) {
                long started = System.nanoTime();
                runUntilKilled(service, clients, random);
                long killed = System.nanoTime();
                service = service.restart();
                System.out.printf("crash round %d: ran %d ms, restarted in %d ms; acknowledged %s%n", round,
                        (killed - started) / 1_000_000, (System.nanoTime() - killed) / 1_000_000,
                        clients.stream().map(c -> c.volume + "=" + c.acknowledged()).toList());
                for (String engine : ENGINES) {
                    refreshFindsNothingToFix(service, engine, dir.resolve(engine));
                }
                List<String> outcomes = new ArrayList<>();
                for (OperationClient client : clients) {
                    outcomes.add(client.volume + ": " + check(service, client, dir, "round " + round));
                }
                System.out.printf("crash round %d outcomes: %s; service tidied: %s%n", round, outcomes,
                        service.output().lines().filter(l -> l.contains("dropping snapshot")
                                || l.contains("interrupted clone") || l.contains("marked failed")).toList());
            }
        } finally {
            service.close();
        }
    }

    private static void createPool(CairnProcess service, String engine, Path path) {
        Map<String, Object> body = engine.equals("chunk")
                ? Map.of("name", engine, "type", "chunk", "path", path.toString(), "capacity", 512 << 20,
                        "chunkSize", 16384)
                : Map.of("name", engine, "type", "dir", "path", path.toString());
        SharedService.api(service).contentType(ContentType.JSON).body(body).post("/api/v1/pools").then().statusCode(201);
    }

    /** Runs every client until each has had a few answers, waits a seeded random while, then kills. */
    private static void runUntilKilled(CairnProcess service, List<OperationClient> clients, Random random)
            throws InterruptedException {
        CairnHttp http = new CairnHttp(service.baseUri());
        List<Thread> threads = new ArrayList<>();
        for (OperationClient client : clients) {
            client.connect(http);
            Thread thread = new Thread(client, "crash-" + client.volume);
            thread.start();
            threads.add(thread);
        }
        while (clients.stream().anyMatch(c -> c.acknowledged() < 3 && c.failure() == null)) {
            Thread.sleep(10); // waiting for every client to be in its stride before the kill
        }
        Thread.sleep(random.nextInt(500)); // the moment of the kill
        service.kill();
        for (Thread thread : threads) {
            thread.join(120_000);
            assertThat(thread.isAlive()).as(thread.getName() + " ended after the kill").isFalse();
        }
        assertThat(clients.stream().map(OperationClient::failure).filter(f -> f != null)).isEmpty();
    }

    /**
     * The explicit refresh after the start's own reconciliation must report nothing at all. For a chunk
     * pool, {@code ignored} also carries the store check and devices named by no volume or snapshot (what
     * an interrupted create or delete would leave), so an empty list means a clean store with no leak.
     */
    private static void refreshFindsNothingToFix(CairnProcess service, String pool, Path path) throws Exception {
        SharedService.api(service).post("/api/v1/pools/" + pool + "/refresh").then().statusCode(200)
                .body("adopted", empty()).body("vanished", empty()).body("adoptedSnapshots", empty())
                .body("ignored", empty());
        if (pool.equals("qcow2")) {
            try (Stream<Path> files = Files.list(path)) {
                assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".clone-part")))
                        .as("partial clone files left in " + path).isEmpty();
            }
        }
    }

    /**
     * The volume's state after a restart is one its client's outcomes allow; it becomes the next model.
     *
     * @return whether the operation in flight was done, or not, or that none was
     */
    private static String check(CairnProcess service, OperationClient client, Path dir, String round) throws Exception {
        String where = round + ", " + client.volume;
        JsonPath tree = SharedService.api(service).queryParam("limit", 10_000).get(client.path() + "/snapshots")
                .then().statusCode(200).extract().jsonPath();
        Map<String, String> parents = new java.util.LinkedHashMap<>();
        List<String> names = tree.getList("name", String.class);
        for (int i = 0; i < names.size(); i++) {
            parents.put(names.get(i), tree.getString("[" + i + "].parent"));
        }
        assertWhole(tree, parents, where);
        String current = SharedService.api(service).get(client.path()).then().statusCode(200).extract().jsonPath()
                .getString("currentSnapshot");
        List<String> clones = SharedService.api(service).get("/api/v1/pools/" + client.pool + "/volumes").jsonPath()
                .getList("name", String.class).stream().filter(v -> v.startsWith(client.volume + "-c")).toList();
        VolumeModel outcome = client.outcomes().stream().filter(m -> m.sameShape(parents, current, clones))
                .findFirst().orElseThrow(() -> new AssertionError(where + ": tree " + parents + ", current " + current
                        + ", clones " + clones + " is no outcome of the acknowledged operations; expected tree "
                        + client.model().parents() + ", current " + client.model().current() + ", clones "
                        + client.model().clones().keySet() + " or the operation in flight done"));
        CairnHttp http = new CairnHttp(service.baseUri());
        for (String snapshot : names) {
            assertThat(VolumeModel.sha256(http.read(client.path(), snapshot).body())).as(where + ": snapshot " + snapshot)
                    .isEqualTo(VolumeModel.sha256(outcome.snapshot(snapshot)));
        }
        for (String clone : clones) {
            assertThat(VolumeModel.sha256(http.read("/api/v1/pools/" + client.pool + "/volumes/" + clone, null)
                    .body())).as(where + ": clone " + clone).isEqualTo(VolumeModel.sha256(outcome.clones().get(clone)));
        }
        byte[] head = http.read(client.path(), null).body();
        assertThat(client.possibleHead(head)).as(where + ": the volume's content is that of no outcome").isTrue();
        if (client.jobInFlight() != null) {
            String state = SharedService.api(service).get(client.jobInFlight()).then().statusCode(200).extract()
                    .jsonPath().getString("state");
            assertThat(state).as(where + ": a clone job running at the kill").isIn("failed", "succeeded");
            assertThat(state.equals("succeeded")).as(where + ": the clone exists when its job succeeded")
                    .isEqualTo(clones.size() > client.model().clones().size());
        }
        if (client.pool.equals("qcow2")) {
            for (String volume : Stream.concat(Stream.of(client.volume), clones.stream()).toList()) {
                Qcow2VolumeTest.qemuImgCheckAfterCrash(dir.resolve("qcow2").resolve(volume));
            }
        }
        int index = client.outcomes().indexOf(outcome);
        VolumeModel next = outcome.copy();
        next.head(head);
        client.resume(next);
        return client.outcomes().size() == 1 ? "none in flight" : index == 0 ? "not done" : "done (" + index + ")";
    }

    /** Every parent exists, at most one snapshot is current, none was adopted from storage. */
    private static void assertWhole(JsonPath tree, Map<String, String> parents, String where) {
        assertThat(parents).as(where + ": snapshot names are unique").hasSameSizeAs(tree.getList("name"));
        parents.values().stream().filter(p -> p != null)
                .forEach(p -> assertThat(parents).as(where + ": parent " + p + " exists").containsKey(p));
        assertThat(tree.getList("current", Boolean.class).stream().filter(Boolean::booleanValue).count())
                .as(where + ": current snapshots").isLessThanOrEqualTo(1);
        assertThat(tree.getList("adopted", Boolean.class)).as(where + ": snapshots adopted from storage "
                + tree.getList("name")).doesNotContain(true);
    }
}
