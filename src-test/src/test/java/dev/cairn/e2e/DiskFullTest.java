package dev.cairn.e2e;

import static dev.cairn.e2e.PoolApiTest.problem;
import static dev.cairn.e2e.SharedService.api;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool on a small file system that fills up: the write that does not fit answers 507 INSUFFICIENT_SPACE,
 * what was written before stays, and writes work again once space is freed. The file system is a 16 MiB
 * tmpfs mounted for the test (CI runs as root).
 */
class DiskFullTest {
    private static final int MIB = 1 << 20;
    @TempDir
    Path dir;
    private Path mount;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        mount = dir.resolve("small-fs");
        Files.createDirectories(mount);
        run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount.toString());
    }

    @AfterEach
    void unmount() throws Exception {
        api().queryParam("purge", true).delete("/api/v1/pools/tiny");
        run("umount", mount.toString());
    }

    @Test
    void fillingThePoolAnswers507AndWritesResumeOnceSpaceIsFreed() {
        api().contentType(ContentType.JSON).body(Map.of("name", "tiny", "type", "dir", "path", mount.toString()))
                .post("/api/v1/pools").then().statusCode(201);
        for (String name : new String[] {"keeper", "hog"}) {
            api().contentType(ContentType.JSON).body(Map.of("name", name, "capacity", 64 * MIB))
                    .post("/api/v1/pools/tiny/volumes").then().statusCode(201);
        }
        byte[] kept = VolumeApiTest.random(4 * MIB, 21);
        api().contentType(ContentType.BINARY).body(kept).put("/api/v1/pools/tiny/volumes/keeper/content")
                .then().statusCode(200);

        problem(api().contentType(ContentType.BINARY).body(VolumeApiTest.random(24 * MIB, 22))
                .put("/api/v1/pools/tiny/volumes/hog/content"), 507, "INSUFFICIENT_SPACE");

        assertThat(api().header("Range", "bytes=0-" + (4 * MIB - 1)).get("/api/v1/pools/tiny/volumes/keeper/content")
                .asByteArray()).isEqualTo(kept);
        api().delete("/api/v1/pools/tiny/volumes/hog").then().statusCode(204);
        byte[] more = VolumeApiTest.random(4 * MIB, 23);
        api().contentType(ContentType.BINARY).queryParam("offset", 8 * MIB).body(more)
                .put("/api/v1/pools/tiny/volumes/keeper/content").then().statusCode(200);
        assertThat(api().header("Range", "bytes=" + 8 * MIB + "-" + (12 * MIB - 1))
                .get("/api/v1/pools/tiny/volumes/keeper/content").asByteArray()).isEqualTo(more);
        api().post("/api/v1/pools/tiny/refresh").then().statusCode(200);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), output).isZero();
    }
}
