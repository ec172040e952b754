package dev.cairn.web.catalog;

import java.util.List;
import java.util.Optional;
import org.springframework.data.repository.ListCrudRepository;

/** The catalog's volumes. */
public interface VolumeRepository extends ListCrudRepository<VolumeRow, Long> {
    List<VolumeRow> findByPoolIdOrderByNameAsc(long poolId);

    Optional<VolumeRow> findByPoolIdAndName(long poolId, String name);

    int countByPoolId(long poolId);
}
