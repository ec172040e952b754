package dev.cairn.web.catalog;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

/** The catalog's volumes. */
public interface VolumeRepository extends ListCrudRepository<VolumeRow, Long> {
    List<VolumeRow> findByPoolIdOrderByNameAsc(long poolId);

    Optional<VolumeRow> findByPoolIdAndName(long poolId, String name);

    int countByPoolId(long poolId);

    @Modifying
    @Query("UPDATE volume SET current_snapshot_id = NULL WHERE id = :volumeId")
    void clearCurrentSnapshot(long volumeId);
}
