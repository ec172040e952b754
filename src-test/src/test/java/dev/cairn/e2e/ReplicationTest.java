package dev.cairn.e2e;

import static dev.cairn.e2e.SharedService.api;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.web.testing.CairnProcess;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication between two services on loopback: the shared one (a chunk pool) sends to one of its own with a
 * token (its default dir pool, qcow2); later runs send only what the target lacks, also after a failed run.
 */
class ReplicationTest {
    private static final int MIB = 1 << 20;

    @Test
    void snapshotsReachTheOtherServiceIncrementallyAndResumeAfterAFailure(@TempDir Path dir) throws Exception {
        String source = "/api/v1/pools/rsrc/volumes/vm";
        api().contentType(ContentType.JSON).body(Map.of("name", "rsrc", "type", "chunk", "path",
                dir.resolve("rsrc").toString(), "capacity", 256 * MIB)).post("/api/v1/pools").then().statusCode(201);
        CairnProcess target = CairnProcess.start(dir.resolve("target"), "--cairn.security.token=s3cret");
        try {
            api().contentType(ContentType.JSON).body(Map.of("name", "vm", "capacity", 8 * MIB))
                    .post("/api/v1/pools/rsrc/volumes").then().statusCode(201);
            write(source, 0, 8 * MIB, 1);
            snapshot(source, "r1");
            write(source, 2 * MIB, 64 * 1024, 2);
            snapshot(source, "r2");

            JsonPath first = replicate(target, "s3cret", "succeeded");
            assertThat(remoteNames(target)).containsExactly("r1", "r2");
            assertSameContent(source, target, "r1");
            assertSameContent(source, target, "r2");
            assertThat(first.getLong("bytesDone")).isGreaterThan(8L * MIB);

            write(source, 4 * MIB, 64 * 1024, 3);
            snapshot(source, "r3");
            JsonPath second = replicate(target, "s3cret", "succeeded");
            assertThat(second.getLong("bytesDone")).as("only r2 -> r3 travels").isBetween(64L * 1024, 80L * 1024);
            assertThat(remoteNames(target)).containsExactly("r1", "r2", "r3");
            assertThat(remote(target).get("/api/v1/pools/default/volumes/vm-copy").jsonPath()
                    .getString("currentSnapshot")).isEqualTo("r3");

            JsonPath refused = replicate(target, "wrong", "failed");
            assertThat(refused.getString("problem.code")).isEqualTo("UNAUTHORIZED");

            write(source, 6 * MIB, 64 * 1024, 4);
            snapshot(source, "r4");
            target.stop();
            assertThat(replicate(target, "s3cret", "failed").getString("problem.code")).isEqualTo("STORAGE_ERROR");
            target = target.restart();
            JsonPath resumed = replicate(target, "s3cret", "succeeded");
            assertThat(resumed.getLong("bytesDone")).as("only r3 -> r4 travels").isBetween(64L * 1024, 80L * 1024);
            assertThat(remoteNames(target)).containsExactly("r1", "r2", "r3", "r4");
            assertSameContent(source, target, "r4");
            assertThat(remote(target).get("/api/v1/pools/default/volumes/vm-copy/snapshots/r4").jsonPath()
                    .getString("uuid")).isEqualTo(api().get(source + "/snapshots/r4").jsonPath().getString("uuid"));
        } finally {
            target.close();
            api().queryParam("purge", true).delete("/api/v1/pools/rsrc").then().statusCode(204);
        }
    }

    /** Starts a replication to the target service's vm-copy and waits for the job to end in {@code state}. */
    private static JsonPath replicate(CairnProcess target, String token, String state) throws InterruptedException {
        String job = api().contentType(ContentType.JSON).body(Map.of("url", target.baseUri(), "token", token,
                        "pool", "default", "volume", "vm-copy"))
                .post("/api/v1/pools/rsrc/volumes/vm/replicate").then().statusCode(202).extract().header("Location");
        while (true) {
            JsonPath now = api().get(job).jsonPath();
            if (!now.getString("state").equals("queued") && !now.getString("state").equals("running")) {
                assertThat(now.getString("state")).as(now.prettify()).isEqualTo(state);
                return now;
            }
            Thread.sleep(20); // polling the job, as a client does
        }
    }

    private static RequestSpecification remote(CairnProcess target) {
        return SharedService.api(target).header("Authorization", "Bearer s3cret");
    }

    private static List<String> remoteNames(CairnProcess target) {
        return remote(target).get("/api/v1/pools/default/volumes/vm-copy/snapshots").jsonPath()
                .getList("name", String.class);
    }

    private static void assertSameContent(String source, CairnProcess target, String snapshot) {
        byte[] here = api().queryParam("snapshot", snapshot).get(source + "/content").asByteArray();
        byte[] there = remote(target).queryParam("snapshot", snapshot)
                .get("/api/v1/pools/default/volumes/vm-copy/content").asByteArray();
        assertThat(there).as(snapshot).isEqualTo(here);
    }

    private static void write(String volume, int offset, int length, int seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        api().contentType(ContentType.BINARY).queryParam("offset", offset).body(data).put(volume + "/content")
                .then().statusCode(200);
    }

    private static void snapshot(String volume, String name) {
        api().contentType(ContentType.JSON).body(Map.of("name", name)).post(volume + "/snapshots").then()
                .statusCode(201);
    }
}
