package dev.cairn.bench;

import dev.cairn.web.testing.CairnProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Snapshot latency through REST on a chunk pool, with 0, 100 and 1,000 snapshots already on the volume:
 * create, revert and delete (p50 and p99 of {@link #SAMPLES} each), and listing a 1,000-snapshot tree.
 * Beside it, in the same run, {@code qemu-img snapshot -c} on a qcow2 image holding as many snapshots
 * (a whole process per call, so it includes process start). Run with {@code bench/snapshot-latency.sh}.
 */
public final class SnapshotLatencyBenchmark {
    private static final int SAMPLES = 50;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private SnapshotLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("cairn-snapbench-");
        try (CairnProcess service = CairnProcess.start(work.resolve("data"))) {
            String api = service.baseUri() + "/api/v1/pools";
            send("POST", api, "{\"name\":\"bench\",\"type\":\"chunk\",\"path\":\"" + work.resolve("pool")
                    + "\",\"capacity\":1073741824}");
            warmUp(api);
            System.out.println("| snapshots before | create p50 / p99 (ms) | revert p50 / p99 (ms) | delete p50 / p99 (ms) "
                    + "| qemu-img snapshot -c p50 (ms) |");
            System.out.println("|---|---|---|---|---|");
            for (int existing : new int[] {0, 100, 1000}) {
                String volume = api + "/bench/volumes/v" + existing;
                send("POST", api + "/bench/volumes", "{\"name\":\"v" + existing + "\",\"capacity\":67108864}");
                send("PUT", volume + "/content", new byte[1 << 20]);
                for (int i = 0; i < existing; i++) {
                    send("POST", volume + "/snapshots", "{\"name\":\"v" + existing + "-pre" + i + "\"}");
                }
                List<Double> create = new ArrayList<>();
                List<Double> revert = new ArrayList<>();
                List<Double> delete = new ArrayList<>();
                for (int i = 0; i < SAMPLES; i++) {
                    create.add(timed("POST", volume + "/snapshots", "{\"name\":\"v" + existing + "-s" + i + "\"}"));
                }
                for (int i = 0; i < SAMPLES; i++) {
                    revert.add(timed("POST", volume + "/snapshots/v" + existing + "-s" + (i % SAMPLES) + "/revert", ""));
                }
                for (int i = 0; i < SAMPLES; i++) {
                    delete.add(timed("DELETE", volume + "/snapshots/v" + existing + "-s" + i, null));
                }
                System.out.printf("| %d | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %.1f |%n", existing,
                        p(create, 50), p(create, 99), p(revert, 50), p(revert, 99), p(delete, 50), p(delete, 99),
                        qemuImgSnapshotCreate(work, existing));
            }
            List<Double> list = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                list.add(timed("GET", api + "/bench/volumes/v1000/snapshots", null));
            }
            System.out.printf("%nlisting a 1,000-snapshot tree: p50 %.1f ms, p99 %.1f ms%n", p(list, 50), p(list, 99));
        }
    }

    /** Runs the same calls on a scratch volume first, so the JIT has compiled the paths that are measured. */
    private static void warmUp(String api) throws Exception {
        String volume = api + "/bench/volumes/warm";
        send("POST", api + "/bench/volumes", "{\"name\":\"warm\",\"capacity\":67108864}");
        for (int i = 0; i < 200; i++) {
            send("POST", volume + "/snapshots", "{\"name\":\"warm" + i + "\"}");
            send("POST", volume + "/snapshots/warm" + i + "/revert", "");
            send("GET", volume + "/snapshots", null);
        }
        for (int i = 0; i < 200; i++) {
            send("DELETE", volume + "/snapshots/warm" + i, null);
        }
    }

    /** p50 of {@code qemu-img snapshot -c} on a 64 MiB qcow2 image that already holds {@code existing}. */
    private static double qemuImgSnapshotCreate(Path work, int existing) throws IOException, InterruptedException {
        Path image = work.resolve("peer-" + existing + ".qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "64M");
        run("qemu-io", "-c", "write 0 1M", image.toString());
        for (int i = 0; i < existing; i++) {
            run("qemu-img", "snapshot", "-c", "pre" + i, image.toString());
        }
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            run("qemu-img", "snapshot", "-c", "s" + i, image.toString());
            times.add((System.nanoTime() - start) / 1e6);
        }
        return p(times, 50);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    private static double timed(String method, String uri, String json) throws Exception {
        long start = System.nanoTime();
        send(method, uri, json);
        return (System.nanoTime() - start) / 1e6;
    }

    private static void send(String method, String uri, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri));
        if (body instanceof byte[] bytes) {
            request.header("Content-Type", "application/octet-stream")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        } else if (body instanceof String text && !text.isEmpty()) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(text));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + uri + " -> " + response.statusCode() + " " + response.body());
        }
    }

    private static double p(List<Double> samples, int percentile) {
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }
}
