package dev.cairn.web.catalog;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

/** The catalog's jobs. */
public interface JobRepository extends ListCrudRepository<JobRow, UUID> {

    @Query("SELECT * FROM job ORDER BY created_at DESC LIMIT :limit")
    List<JobRow> newestFirst(int limit);

    @Query("SELECT * FROM job WHERE state IN ('queued', 'running')")
    List<JobRow> unfinished();

    /** Marks every job that was queued or running as failed: the service stopped under it. */
    @Modifying
    @Query("UPDATE job SET state = 'failed', finished_at = :now, problem_code = 'OPERATION_INVALID', "
            + "problem_status = 409, problem_detail = 'the service stopped while the job ran; it did not finish' "
            + "WHERE state IN ('queued', 'running')")
    int failUnfinished(Instant now);
}
