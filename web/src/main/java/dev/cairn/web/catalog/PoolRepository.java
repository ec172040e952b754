package dev.cairn.web.catalog;

import java.util.List;
import java.util.Optional;
import org.springframework.data.repository.ListCrudRepository;

/** The catalog's pools. */
public interface PoolRepository extends ListCrudRepository<PoolRow, Long> {
    Optional<PoolRow> findByName(String name);

    List<PoolRow> findAllByOrderByNameAsc();
}
