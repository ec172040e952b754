package dev.cairn.web.catalog;

import java.time.Instant;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.Table;

/** A long operation in the catalog: what it works on, its state, and why it failed. */
@Table("job")
public record JobRow(@Id UUID id, @Version Long version, String kind, String state, long bytesDone,
                     long bytesTotal, String pool, String volume, String snapshot, String targetPool,
                     String targetVolume, Instant createdAt, Instant finishedAt, String problemCode,
                     Integer problemStatus, String problemDetail) {

    public JobRow running() {
        return new JobRow(id, version, kind, "running", bytesDone, bytesTotal, pool, volume, snapshot, targetPool,
                targetVolume, createdAt, null, null, null, null);
    }

    public JobRow succeeded(long done, long total, String resultVolume) {
        return new JobRow(id, version, kind, "succeeded", done, total, pool, volume, snapshot, targetPool,
                resultVolume, createdAt, Instant.now(), null, null, null);
    }

    public JobRow failed(long done, long total, String code, int status, String detail) {
        return new JobRow(id, version, kind, "failed", done, total, pool, volume, snapshot, targetPool, targetVolume,
                createdAt, Instant.now(), code, status, detail);
    }
}
