package dev.cairn.web.catalog;

import java.util.List;
import java.util.Optional;
import org.springframework.data.repository.ListCrudRepository;

/** The catalog's snapshots. */
public interface SnapshotRepository extends ListCrudRepository<SnapshotRow, Long> {
    List<SnapshotRow> findByVolumeIdOrderByCreatedAtAscIdAsc(long volumeId);

    List<SnapshotRow> findByPoolIdOrderByNameAsc(long poolId);

    Optional<SnapshotRow> findByPoolIdAndName(long poolId, String name);

    int countByVolumeId(long volumeId);

    List<SnapshotRow> findByParentIdOrderByCreatedAtAscIdAsc(long parentId);
}
