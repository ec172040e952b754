package dev.cairn.e2e;

import static dev.cairn.e2e.SharedService.api;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many snapshots of one chunk volume through REST: created, listed page by page, and deleted; the store then
 * checks clean and the pool's allocation is back where it started. 500 in CI; the long mode
 * ({@code -Dcairn.scale.snapshots=100000}) runs the 100,000. Prints the time of each phase, and of
 * every {@value #REPORT_EVERY} creates and deletes, so a long run shows how the cost grows with the count.
 */
class SnapshotScaleTest {
    private static final int SNAPSHOTS = Integer.getInteger("cairn.scale.snapshots", 500);
    private static final int PAGE = 1_000;
    private static final int REPORT_EVERY = 5_000;

    @Test
    void manySnapshotsAreCreatedListedPageByPageAndDeleted(@TempDir Path dir) throws Exception {
        api().contentType(ContentType.JSON).body(Map.of("name", "scale", "type", "chunk", "path",
                dir.resolve("scale").toString(), "capacity", 1L << 30, "chunkSize", 4096)).post("/api/v1/pools")
                .then().statusCode(201);
        try {
            long baseline = allocation();
            api().contentType(ContentType.JSON).body(Map.of("name", "vm", "capacity", 1 << 20))
                    .post("/api/v1/pools/scale/volumes").then().statusCode(201);
            String base = SharedService.get().baseUri() + "/api/v1/pools/scale/volumes/vm";
            HttpClient client = HttpClient.newHttpClient();
            byte[] block = new byte[4096];
            Progress creates = new Progress("created");
            for (int i = 0; i < SNAPSHOTS; i++) {
                if (i % 10 == 0) { // some unique data now and then, so deletes have chunks to free
                    block[0] = (byte) i;
                    block[1] = (byte) (i >> 8);
                    expect(client, HttpRequest.newBuilder(URI.create(base + "/content?offset=" + (i % 256) * 4096L))
                            .header("Content-Type", "application/octet-stream")
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(block)).build(), 200);
                }
                expect(client, HttpRequest.newBuilder(URI.create(base + "/snapshots"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"s" + i + "\"}")).build(), 201);
                creates.step(i + 1);
            }
            long listing = System.nanoTime();
            List<String> listed = new ArrayList<>();
            for (int offset = 0; ; offset += PAGE) {
                List<String> page = api().queryParam("offset", offset).queryParam("limit", PAGE)
                        .get("/api/v1/pools/scale/volumes/vm/snapshots").then().statusCode(200).extract().jsonPath()
                        .getList("name", String.class);
                listed.addAll(page);
                if (page.size() < PAGE) {
                    break;
                }
            }
            System.out.printf("scale: listed %d in pages of %d in %.1f s%n", listed.size(), PAGE,
                    (System.nanoTime() - listing) / 1e9);
            assertThat(listed).hasSize(SNAPSHOTS).startsWith("s0", "s1").endsWith("s" + (SNAPSHOTS - 1));
            // Newest first: each is a leaf then, so every delete is a plain one.
            Progress deletes = new Progress("deleted");
            for (int i = SNAPSHOTS - 1; i >= 0; i--) {
                expect(client, HttpRequest.newBuilder(URI.create(base + "/snapshots/s" + i)).DELETE().build(), 204);
                deletes.step(SNAPSHOTS - i);
            }
            api().queryParam("snapshots", "delete").delete("/api/v1/pools/scale/volumes/vm").then().statusCode(204);
            api().post("/api/v1/pools/scale/refresh").then().statusCode(200)
                    .body("ignored", org.hamcrest.Matchers.empty());
            assertThat(allocation()).isEqualTo(baseline);
        } finally {
            api().queryParam("purge", true).delete("/api/v1/pools/scale").then().statusCode(204);
        }
    }

    /** Prints the phase's time so far and the time per snapshot of each {@value #REPORT_EVERY} steps. */
    private static final class Progress {
        private final String what;
        private final long started = System.nanoTime();
        private long lastReport = started;

        Progress(String what) {
            this.what = what;
        }

        void step(int done) {
            long now = System.nanoTime();
            if (done % REPORT_EVERY == 0 || done == SNAPSHOTS) {
                int steps = done % REPORT_EVERY == 0 ? REPORT_EVERY : done % REPORT_EVERY;
                System.out.printf("scale: %d %s, %.1f s so far, %.2f ms each over the last %d%n", done, what,
                        (now - started) / 1e9, (now - lastReport) / 1e6 / steps, steps);
                lastReport = now;
            }
        }
    }

    private static void expect(HttpClient client, HttpRequest request, int status) throws Exception {
        HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(request.method() + " " + request.uri() + ": " + answer.body())
                .isEqualTo(status);
    }

    private static long allocation() {
        return api().get("/api/v1/pools/scale").jsonPath().getLong("allocation");
    }
}
