package dev.cairn.web.catalog;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

/** The catalog's snapshots. */
public interface SnapshotRepository extends ListCrudRepository<SnapshotRow, Long> {
    List<SnapshotRow> findByVolumeIdOrderByCreatedAtAscIdAsc(long volumeId);

    List<SnapshotRow> findByPoolIdOrderByNameAsc(long poolId);

    Optional<SnapshotRow> findByPoolIdAndName(long poolId, String name);

    Optional<SnapshotRow> findByVolumeIdAndUuid(long volumeId, java.util.UUID uuid);

    int countByVolumeId(long volumeId);

    boolean existsByVolumeId(long volumeId);

    List<SnapshotRow> findByParentIdOrderByCreatedAtAscIdAsc(long parentId);

    /**
     * Forgets every snapshot of a volume at once: parent links first, so that no row is ever left naming a
     * deleted parent. The caller clears the volume's current pointer first, in the same transaction.
     */
    default void forgetAllOfVolume(long volumeId) {
        detachParentsOfVolume(volumeId);
        deleteAllOfVolume(volumeId);
    }

    @Modifying
    @Query("UPDATE snapshot SET parent_id = NULL WHERE volume_id = :volumeId")
    void detachParentsOfVolume(long volumeId);

    @Modifying
    @Query("DELETE FROM snapshot WHERE volume_id = :volumeId")
    void deleteAllOfVolume(long volumeId);
}
