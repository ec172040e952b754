package dev.cairn.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A bounded load on one service: many clients at once on several volumes of a chunk pool and of a dir pool
 * (qcow2), for a fixed time. Each volume has one owner client, which alone writes it and changes its tree
 * (snapshot create, revert, delete in every children mode), so the owner knows exactly what the volume and
 * each snapshot must hold. The other clients read: volume content, snapshot content (checked against the
 * SHA-256 the owner published when the snapshot was made), snapshot listings and volume info.
 *
 * <p>Expected refusals, and only these: 404 {@code NO_SNAPSHOT} when a reader asks for a snapshot its owner
 * deleted meanwhile. Every other answer must be 2xx. Afterwards {@link Result#problems()} lists every
 * unexpected answer and every volume whose tree, current snapshot, snapshot content or content differs from
 * its owner's record.
 */
public final class LoadRun {
    /** Volume capacity; writes are {@link #BLOCK} bytes at block-aligned offsets. */
    public static final int CAPACITY = 256 * 1024;
    private static final int BLOCK = 16 * 1024;
    private static final int MAX_SNAPSHOTS = 16;
    private static final List<String> CHILDREN = List.of("rebase", "delete", "only");

    private final CairnHttp http;
    private final List<Owned> volumes = new ArrayList<>();
    private final ConcurrentMap<String, String> snapshotSha = new ConcurrentHashMap<>();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    /** One volume and what its owner knows of it. The model is touched only by its owner while the load runs. */
    private static final class Owned {
        final String path;
        final String prefix;
        final VolumeModel model = new VolumeModel(CAPACITY);
        volatile List<String> published = List.of();
        int names;

        Owned(String path, String prefix) {
            this.path = path;
            this.prefix = prefix;
        }
    }

    /** Latencies per operation, the run's length and the problems found. */
    public record Result(Map<String, List<Long>> nanosByOperation, double seconds, List<String> problems) {
        /** A Markdown table: operations, throughput, p50 / p99 / max latency. */
        public String table(int clients) {
            StringBuilder out = new StringBuilder();
            out.append("| clients | operation | count | ops/s | p50 (ms) | p99 (ms) | max (ms) |\n");
            out.append("|---|---|---|---|---|---|---|\n");
            long total = 0;
            for (Map.Entry<String, List<Long>> op : new TreeMap<>(nanosByOperation).entrySet()) {
                List<Long> sorted = new ArrayList<>(op.getValue());
                Collections.sort(sorted);
                total += sorted.size();
                out.append(String.format("| %d | %s | %d | %.0f | %.1f | %.1f | %.1f |%n", clients, op.getKey(),
                        sorted.size(), sorted.size() / seconds, ms(sorted, 50), ms(sorted, 99),
                        sorted.get(sorted.size() - 1) / 1e6));
            }
            out.append(String.format("| %d | all | %d | %.0f | | | |%n", clients, total, total / seconds));
            return out.toString();
        }

        private static double ms(List<Long> sorted, int percentile) {
            int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, index)) / 1e6;
        }
    }

    private LoadRun(CairnHttp http) {
        this.http = http;
    }

    /**
     * Makes pools {@code prefix}-chunk and {@code prefix}-dir under {@code dir}, each with
     * {@code volumesPerEngine} volumes, and runs {@code clients} clients (at least two) on them for
     * {@code duration}; then checks every volume against its owner's record.
     */
    public static Result run(CairnHttp http, Path dir, String prefix, int volumesPerEngine, int clients,
                             Duration duration, long seed) throws Exception {
        LoadRun load = new LoadRun(http);
        load.setUp(dir, prefix, volumesPerEngine);
        int owners = Math.max(1, Math.min(load.volumes.size(), clients / 2));
        List<Map<String, List<Long>>> perClient = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long deadline = System.nanoTime() + duration.toNanos();
        long started = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            Map<String, List<Long>> nanos = new TreeMap<>();
            perClient.add(nanos);
            Random random = new Random(seed + c);
            List<Owned> mine = new ArrayList<>();
            for (int v = c; c < owners && v < load.volumes.size(); v += owners) {
                mine.add(load.volumes.get(v));
            }
            Thread thread = new Thread(() -> load.client(mine, random, nanos, deadline), "load-" + c);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        for (Owned volume : load.volumes) {
            load.verify(volume);
        }
        Map<String, List<Long>> merged = new TreeMap<>();
        perClient.forEach(nanos -> nanos.forEach((op, list) -> merged.computeIfAbsent(op, k -> new ArrayList<>())
                .addAll(list)));
        return new Result(merged, seconds, List.copyOf(load.problems));
    }

    private void setUp(Path dir, String prefix, int volumesPerEngine) throws Exception {
        for (String engine : List.of("chunk", "dir")) {
            String pool = prefix + "-" + engine;
            String body = engine.equals("chunk")
                    ? "{\"name\":\"" + pool + "\",\"type\":\"chunk\",\"path\":\"" + dir.resolve(pool) + "\",\"capacity\":1073741824}"
                    : "{\"name\":\"" + pool + "\",\"type\":\"dir\",\"path\":\"" + dir.resolve(pool) + "\"}";
            expectOk("create pool", http.json("POST", "/api/v1/pools", body));
            for (int v = 0; v < volumesPerEngine; v++) {
                String name = pool + "-v" + v;
                expectOk("create volume", http.json("POST", "/api/v1/pools/" + pool + "/volumes", "{\"name\":\"" + name
                        + "\",\"capacity\":" + CAPACITY + ",\"format\":\"" + (engine.equals("chunk") ? "raw" : "qcow2")
                        + "\"}"));
                volumes.add(new Owned("/api/v1/pools/" + pool + "/volumes/" + name, name));
            }
        }
    }

    private void client(List<Owned> mine, Random random, Map<String, List<Long>> nanos, long deadline) {
        try {
            while (System.nanoTime() < deadline && problems.size() < 20) {
                if (mine.isEmpty()) {
                    read(volumes.get(random.nextInt(volumes.size())), random, nanos);
                } else {
                    own(mine.get(random.nextInt(mine.size())), random, nanos);
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add(Thread.currentThread().getName() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An owner's step: mostly writes and snapshots, some reverts and deletes, and a check of its content. */
    private void own(Owned volume, Random random, Map<String, List<Long>> nanos)
            throws IOException, InterruptedException {
        VolumeModel model = volume.model;
        List<String> snapshots = model.snapshotNames();
        int dice = random.nextInt(100);
        if (dice < 45) {
            byte[] data = new byte[BLOCK];
            random.nextBytes(data);
            int offset = random.nextInt(CAPACITY / BLOCK) * BLOCK;
            if (timed("write", nanos, () -> http.write(volume.path, offset, data)).ok()) {
                model.write(offset, data);
            }
        } else if (dice < 65 && snapshots.size() < MAX_SNAPSHOTS || snapshots.isEmpty()) {
            String name = volume.prefix + "-s" + ++volume.names;
            if (timed("snapshot create", nanos, () -> http.json("POST", volume.path + "/snapshots",
                    "{\"name\":\"" + name + "\"}")).ok()) {
                model.created(name);
                snapshotSha.put(name, VolumeModel.sha256(model.head()));
            }
        } else if (dice < 78) {
            String target = snapshots.get(random.nextInt(snapshots.size()));
            if (timed("revert", nanos, () -> http.json("POST", volume.path + "/snapshots/" + target + "/revert",
                    null)).ok()) {
                model.reverted(target);
            }
        } else if (dice < 92) {
            String target = snapshots.get(random.nextInt(snapshots.size()));
            String children = CHILDREN.get(random.nextInt(CHILDREN.size()));
            if (timed("snapshot delete", nanos, () -> http.json("DELETE", volume.path + "/snapshots/" + target
                    + "?children=" + children, null)).ok()) {
                model.deleted(target, children);
            }
        } else {
            CairnHttp.Answer answer = timed("read content", nanos, () -> http.read(volume.path, null));
            if (answer.ok() && !Arrays.equals(answer.body(), model.head())) {
                problems.add(volume.path + ": content differs from what its owner wrote");
            }
        }
        volume.published = List.copyOf(model.snapshotNames());
    }

    /** A reader's step: content, a snapshot's content (checked), a listing, or the volume's info. */
    private void read(Owned volume, Random random, Map<String, List<Long>> nanos)
            throws IOException, InterruptedException {
        int dice = random.nextInt(4);
        List<String> published = volume.published;
        if (dice == 0 || dice == 1 && published.isEmpty()) {
            timed("read content", nanos, () -> http.read(volume.path, null));
        } else if (dice == 1) {
            String snapshot = published.get(random.nextInt(published.size()));
            CairnHttp.Answer seen = timed("read snapshot", nanos, () -> http.read(volume.path, snapshot));
            if (seen.ok() && !VolumeModel.sha256(seen.body()).equals(snapshotSha.get(snapshot))) {
                problems.add(volume.path + ": snapshot " + snapshot + " does not hold what it was taken with");
            }
        } else if (dice == 2) {
            timed("list snapshots", nanos, () -> http.get(volume.path + "/snapshots"));
        } else {
            timed("volume info", nanos, () -> http.get(volume.path));
        }
    }

    private interface Call {
        CairnHttp.Answer send() throws IOException, InterruptedException;
    }

    /** Sends, records the latency under {@code operation}, and records an unexpected answer as a problem. */
    private CairnHttp.Answer timed(String operation, Map<String, List<Long>> nanos, Call call)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        CairnHttp.Answer answer = call.send();
        nanos.computeIfAbsent(operation, k -> new ArrayList<>()).add(System.nanoTime() - start);
        boolean raced = answer.status() == 404 && answer.text().contains("\"NO_SNAPSHOT\"")
                && operation.equals("read snapshot");
        if (!answer.ok() && !raced) {
            problems.add(operation + ": " + answer.status() + " " + answer.text());
        }
        return answer;
    }

    /** After the load: the tree, current snapshot, every snapshot's content and the content are the owner's. */
    private void verify(Owned volume) throws Exception {
        tools.jackson.databind.JsonNode tree = tools.jackson.databind.json.JsonMapper.builder().build()
                .readTree(http.get(volume.path + "/snapshots?limit=10000").body());
        Map<String, String> parents = new LinkedHashMap<>();
        String current = null;
        for (tools.jackson.databind.JsonNode node : tree) {
            String name = node.get("name").asString();
            parents.put(name, node.hasNonNull("parent") ? node.get("parent").asString() : null);
            if (node.get("current").asBoolean()) {
                if (current != null) {
                    problems.add(volume.path + ": two current snapshots, " + current + " and " + name);
                }
                current = name;
            }
        }
        parents.values().stream().filter(p -> p != null && !parents.containsKey(p))
                .forEach(p -> problems.add(volume.path + ": parent " + p + " is missing"));
        VolumeModel model = volume.model;
        if (!model.sameShape(parents, current, List.of())) {
            problems.add(volume.path + ": tree " + parents + " (current " + current + "), expected " + model.parents()
                    + " (current " + model.current() + ")");
        }
        for (String snapshot : model.snapshotNames()) {
            if (!Arrays.equals(http.read(volume.path, snapshot).body(), model.snapshot(snapshot))) {
                problems.add(volume.path + ": snapshot " + snapshot + " changed");
            }
        }
        if (!Arrays.equals(http.read(volume.path, null).body(), model.head())) {
            problems.add(volume.path + ": content differs from what its owner wrote");
        }
    }

    private void expectOk(String what, CairnHttp.Answer answer) {
        if (!answer.ok()) {
            throw new IllegalStateException(what + ": " + answer.status() + " " + answer.text());
        }
    }
}
