package dev.cairn.web.catalog;

import java.util.List;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

/** Snapshot creates and deletes under way (see {@link SnapshotIntentRow}). */
public interface SnapshotIntentRepository extends ListCrudRepository<SnapshotIntentRow, Long> {
    List<SnapshotIntentRow> findByVolumeId(long volumeId);

    @Modifying
    @Query("DELETE FROM snapshot_intent WHERE volume_id = :volumeId")
    void deleteAllOfVolume(long volumeId);
}
