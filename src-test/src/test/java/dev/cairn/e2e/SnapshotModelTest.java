package dev.cairn.e2e;

import static dev.cairn.e2e.SharedService.api;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded random walk of writes, snapshots, reverts and deletes (every children mode, with and without
 * metadataOnly) against the service and against a reference model of the tree; after every step the tree,
 * the current pointer, the head and every snapshot's content (by hash) must agree. Reproducible: the seed
 * is fixed and printed in the failure message.
 */
class SnapshotModelTest {
    private static final int CAPACITY = 256 * 1024;
    private static final long SEED = 20261122L;
    private static final int STEPS = 160;

    /** A snapshot in the model: its parent, its creation order and its frozen content. */
    private record Node(String parent, int order, byte[] content) {
    }

    private final Map<String, Node> model = new LinkedHashMap<>();
    private byte[] head = new byte[CAPACITY];
    private String current;
    private int created;
    private Map<String, Object> snapshotKind = Map.of();

    /**
     * A chunk pool (snapshots are store devices), a dir pool with a qcow2 volume (internal snapshots, or
     * external ones when asked), and a dir pool with a raw volume (external snapshots: frozen files and qcow2
     * overlays, deletes that stream).
     */
    @ParameterizedTest
    @ValueSource(strings = {"chunk", "qcow2", "qcow2-external", "raw-external"})
    void serviceFollowsTheReferenceModelStepByStep(String engine, @TempDir Path dir) throws Exception {
        Map<String, Object> pool = engine.equals("chunk")
                ? Map.of("name", "model", "type", "chunk", "path", dir.resolve("model").toString(),
                        "capacity", 64 << 20, "chunkSize", 4096)
                : Map.of("name", "model", "type", "dir", "path", dir.resolve("model").toString());
        api().contentType(ContentType.JSON).body(pool).post("/api/v1/pools").then().statusCode(201);
        String format = engine.startsWith("qcow2") ? "qcow2" : "raw";
        snapshotKind = engine.equals("qcow2-external") ? Map.of("kind", "external") : Map.of();
        api().contentType(ContentType.JSON).body(Map.of("name", "disk", "capacity", CAPACITY, "format", format))
                .post("/api/v1/pools/model/volumes").then().statusCode(201);
        Random random = new Random(SEED);
        for (int step = 0; step < STEPS; step++) {
            String action = step(random);
            verify(engine + ", seed " + SEED + ", step " + step + " (" + action + ")");
        }
        if (!engine.equals("chunk")) {
            assertThat(Qcow2VolumeTest.qemuImg("check", dir.resolve("model/disk").toString()))
                    .contains("No errors were found");
        }
        api().queryParam("snapshots", "delete").delete("/api/v1/pools/model/volumes/disk").then().statusCode(204);
        if (!engine.equals("chunk")) {
            try (var left = java.nio.file.Files.list(dir.resolve("model"))) {
                assertThat(left.map(p -> p.getFileName().toString())).as("files left in the pool")
                        .allMatch(name -> name.equals(".cairn"));
            }
        }
        api().post("/api/v1/pools/model/refresh").then().statusCode(200);
        api().queryParam("purge", true).delete("/api/v1/pools/model").then().statusCode(204);
    }

    private String step(Random random) {
        int dice = random.nextInt(10);
        List<String> names = new ArrayList<>(model.keySet());
        if (dice < 4 || names.isEmpty() && dice >= 6) {
            int length = 1 + random.nextInt(16 * 1024);
            int offset = random.nextInt(CAPACITY - length);
            byte[] data = new byte[length];
            random.nextBytes(data);
            if (random.nextInt(5) == 0) {
                Arrays.fill(data, (byte) 0);
            }
            api().contentType(ContentType.BINARY).queryParam("offset", offset).body(data)
                    .put("/api/v1/pools/model/volumes/disk/content").then().statusCode(200);
            System.arraycopy(data, 0, head, offset, length);
            return "write " + length + " at " + offset;
        }
        if (dice < 6) {
            String name = "s" + created;
            Map<String, Object> body = new java.util.HashMap<>(snapshotKind);
            body.put("name", name);
            api().contentType(ContentType.JSON).body(body)
                    .post("/api/v1/pools/model/volumes/disk/snapshots").then().statusCode(201);
            model.put(name, new Node(current, created++, head.clone()));
            current = name;
            return "create " + name;
        }
        String target = names.get(random.nextInt(names.size()));
        if (dice < 8) {
            api().post("/api/v1/pools/model/volumes/disk/snapshots/" + target + "/revert").then().statusCode(200);
            head = model.get(target).content().clone();
            current = target;
            return "revert " + target;
        }
        String mode = List.of("rebase", "delete", "only").get(random.nextInt(3));
        boolean metadataOnly = random.nextInt(4) == 0;
        api().queryParam("children", mode).queryParam("metadataOnly", metadataOnly)
                .delete("/api/v1/pools/model/volumes/disk/snapshots/" + target).then().statusCode(204);
        deleteInModel(target, mode);
        return "delete " + target + " children=" + mode + " metadataOnly=" + metadataOnly;
    }

    private void deleteInModel(String target, String mode) {
        Node node = model.get(target);
        List<String> below = descendants(target);
        List<String> removed = new ArrayList<>(mode.equals("rebase") ? List.of() : below);
        if (!mode.equals("only")) {
            removed.add(target);
        }
        if (mode.equals("rebase")) {
            for (String child : children(target)) {
                Node c = model.get(child);
                model.put(child, new Node(node.parent(), c.order(), c.content()));
            }
        }
        if (current != null && removed.contains(current)) {
            current = mode.equals("only") ? target : node.parent();
        }
        removed.forEach(model::remove);
    }

    private List<String> children(String name) {
        return model.entrySet().stream().filter(e -> name.equals(e.getValue().parent()))
                .sorted(java.util.Comparator.comparingInt(e -> e.getValue().order())).map(Map.Entry::getKey).toList();
    }

    private List<String> descendants(String name) {
        List<String> found = new ArrayList<>();
        for (String child : children(name)) {
            found.add(child);
            found.addAll(descendants(child));
        }
        return found;
    }

    private void verify(String where) {
        JsonPath listed = api().get("/api/v1/pools/model/volumes/disk/snapshots").then().statusCode(200).extract()
                .jsonPath();
        assertThat(listed.getList("name", String.class)).as(where).containsExactlyElementsOf(model.keySet());
        for (String name : model.keySet()) {
            Map<String, Object> got = listed.getMap("find { it.name == '" + name + "' }");
            assertThat(got.get("parent")).as(where + ": parent of " + name).isEqualTo(model.get(name).parent());
            assertThat(got.get("children")).as(where + ": children of " + name).isEqualTo(children(name));
            assertThat(got.get("current")).as(where + ": current flag of " + name).isEqualTo(name.equals(current));
            assertThat(hash(read(name))).as(where + ": content of " + name).isEqualTo(hash(model.get(name).content()));
        }
        assertThat(api().get("/api/v1/pools/model/volumes/disk").jsonPath().getString("currentSnapshot"))
                .as(where + ": current").isEqualTo(current);
        assertThat(hash(read(null))).as(where + ": head").isEqualTo(hash(head));
    }

    private static byte[] read(String snapshot) {
        var request = api();
        if (snapshot != null) {
            request = request.queryParam("snapshot", snapshot);
        }
        return request.get("/api/v1/pools/model/volumes/disk/content").then().statusCode(200).extract().asByteArray();
    }

    private static String hash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
