package dev.cairn.e2e;

import static dev.cairn.e2e.SharedService.api;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients at once on one volume (snapshots, reverts, deletes, writes) and on a second volume: every
 * answer is a success or an expected refusal, and afterwards the tree is whole (one current snapshot at
 * most, every parent present, children lists matching parents) and every snapshot reads back.
 */
class SnapshotConcurrencyTest {
    private static final int CLIENTS = 8;
    private static final int OPERATIONS_EACH = 25;

    /** On a chunk pool, on qcow2 volumes (internal snapshots) and on raw volumes (external ones) of a dir pool. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"chunk", "qcow2", "raw-external"})
    void concurrentClientsLeaveAWholeTree(String engine, @TempDir Path dir) throws Exception {
        Map<String, Object> pool = engine.equals("chunk")
                ? Map.of("name", "busy", "type", "chunk", "path", dir.resolve("busy").toString(), "capacity", 128 << 20)
                : Map.of("name", "busy", "type", "dir", "path", dir.resolve("busy").toString());
        api().contentType(ContentType.JSON).body(pool).post("/api/v1/pools").then().statusCode(201);
        for (String volume : List.of("shared", "other")) {
            api().contentType(ContentType.JSON).body(Map.of("name", volume, "capacity", 1 << 20, "format",
                    engine.equals("qcow2") ? "qcow2" : "raw")).post("/api/v1/pools/busy/volumes").then().statusCode(201);
        }
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger names = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            long seed = 1000 + c;
            String volume = c == 0 ? "other" : "shared";
            done.add(clients.submit(() -> client(new Random(seed), volume, names, unexpected)));
        }
        for (Future<?> f : done) {
            f.get(5, TimeUnit.MINUTES);
        }
        clients.shutdown();
        assertThat(unexpected).isEmpty();
        for (String volume : List.of("shared", "other")) {
            assertWhole(volume);
            if (!engine.equals("chunk")) {
                assertThat(Qcow2VolumeTest.qemuImg("check", dir.resolve("busy").resolve(volume).toString()))
                        .as(volume).contains("No errors were found");
            }
        }
        for (String volume : List.of("shared", "other")) {
            api().queryParam("snapshots", "delete").delete("/api/v1/pools/busy/volumes/" + volume).then().statusCode(204);
        }
        api().post("/api/v1/pools/busy/refresh").then().statusCode(200)
                .body("ignored", org.hamcrest.Matchers.empty());
        api().queryParam("purge", true).delete("/api/v1/pools/busy").then().statusCode(204);
    }

    private static void client(Random random, String volume, AtomicInteger names, List<String> unexpected) {
        String base = "/api/v1/pools/busy/volumes/" + volume;
        for (int i = 0; i < OPERATIONS_EACH; i++) {
            List<String> existing = api().get(base + "/snapshots").jsonPath().getList("name", String.class);
            String any = existing.isEmpty() ? "none" : existing.get(random.nextInt(existing.size()));
            Response answer = switch (random.nextInt(4)) {
                case 0 -> api().contentType(ContentType.JSON).body(Map.of("name", "c" + names.incrementAndGet()))
                        .post(base + "/snapshots");
                case 1 -> api().post(base + "/snapshots/" + any + "/revert");
                case 2 -> api().queryParam("children", List.of("rebase", "delete", "only").get(random.nextInt(3)))
                        .delete(base + "/snapshots/" + any);
                default -> {
                    byte[] data = new byte[4096];
                    random.nextBytes(data);
                    yield api().contentType(ContentType.BINARY).queryParam("offset", random.nextInt(256) * 4096)
                            .body(data).put(base + "/content");
                }
            };
            int status = answer.statusCode();
            boolean expected = status / 100 == 2
                    || status == 404 && "NO_SNAPSHOT".equals(answer.jsonPath().getString("code"));
            if (!expected) {
                unexpected.add(status + " " + answer.asString());
            }
        }
    }

    private static void assertWhole(String volume) {
        String base = "/api/v1/pools/busy/volumes/" + volume;
        JsonPath tree = api().get(base + "/snapshots").jsonPath();
        List<String> names = tree.getList("name", String.class);
        Set<String> all = new HashSet<>(names);
        assertThat(all).hasSameSizeAs(names);
        List<Boolean> currentFlags = tree.getList("current", Boolean.class);
        assertThat(currentFlags.stream().filter(Boolean::booleanValue).count()).isLessThanOrEqualTo(1);
        for (String name : names) {
            Map<String, Object> node = tree.getMap("find { it.name == '" + name + "' }");
            Object parent = node.get("parent");
            if (parent != null) {
                assertThat(all).contains((String) parent);
                Map<String, Object> parentNode = tree.getMap("find { it.name == '" + parent + "' }");
                assertThat(parentNode.get("children")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).contains(name);
            }
            api().queryParam("snapshot", name).header("Range", "bytes=0-4095").get(base + "/content")
                    .then().statusCode(206);
        }
        String current = api().get(base).jsonPath().getString("currentSnapshot");
        if (current != null) {
            assertThat(all).contains(current);
        }
    }
}
