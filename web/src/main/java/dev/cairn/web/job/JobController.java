package dev.cairn.web.job;

import dev.cairn.api.JobInfo;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/jobs}: long operations and their progress. */
@RestController
@RequestMapping(path = "/api/v1/jobs", produces = "application/json")
@Tag(name = "jobs", description = "Long operations (copying clones, deltas) and their progress")
class JobController {
    private final JobService jobs;

    JobController(JobService jobs) {
        this.jobs = jobs;
    }

    @GetMapping
    @Operation(operationId = "listJobs", summary = "List jobs, newest first")
    List<JobInfo> list(@Parameter(description = "at most this many, 1 to 1000")
                       @RequestParam(defaultValue = "100") int limit) {
        return jobs.list(limit);
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getJob", summary = "A job's state and progress",
            description = "NO_JOB (404) when there is none of that id.")
    JobInfo get(@PathVariable String id) {
        return jobs.get(id);
    }
}
