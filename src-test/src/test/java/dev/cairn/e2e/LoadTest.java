package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.bench.CairnHttp;
import dev.cairn.bench.LoadRun;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short bounded load on loopback ({@link LoadRun}): 16 clients for 15 s on four volumes of a chunk pool
 * and four qcow2 volumes of a dir pool, each volume written and snapshotted (create, revert, delete in every
 * mode) by one owner while the others read. No answer but 2xx, or 404 NO_SNAPSHOT for a snapshot read that
 * raced its deletion; afterwards every tree, snapshot and volume holds what its owner's answers imply. The
 * figures are printed; {@code bench/load.sh} is the longer benchmark.
 */
class LoadTest {

    @Test
    void manyClientsOnSeveralVolumesGetNoUnexpectedAnswerAndLoseNothing(@TempDir Path dir) throws Exception {
        LoadRun.Result result = LoadRun.run(new CairnHttp(SharedService.get().baseUri()), dir, "load", 4, 16,
                Duration.ofSeconds(15), 20261211L);
        System.out.println(result.table(16));
        assertThat(result.problems()).isEmpty();
        assertThat(result.nanosByOperation()).containsKeys("write", "snapshot create", "revert", "snapshot delete",
                "read content", "read snapshot", "list snapshots");
        for (String pool : new String[] {"load-chunk", "load-dir"}) {
            SharedService.api().post("/api/v1/pools/" + pool + "/refresh").then().statusCode(200)
                    .body("adopted", org.hamcrest.Matchers.empty()).body("ignored", org.hamcrest.Matchers.empty());
            SharedService.api().queryParam("purge", true).delete("/api/v1/pools/" + pool).then().statusCode(204);
        }
    }
}
