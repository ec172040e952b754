-- Long operations (copying clones, deltas, replication). A job the service was running when it stopped
-- is marked failed at the next start: none stays running across a restart.
CREATE TABLE job (
    id             UUID          PRIMARY KEY,
    version        BIGINT        NOT NULL,
    kind           VARCHAR(32)   NOT NULL,
    state          VARCHAR(16)   NOT NULL,
    bytes_done     BIGINT        NOT NULL,
    bytes_total    BIGINT        NOT NULL,
    pool           VARCHAR(128)  NOT NULL,
    volume         VARCHAR(128)  NOT NULL,
    snapshot       VARCHAR(128),
    target_pool    VARCHAR(128),
    target_volume  VARCHAR(128),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at    TIMESTAMP WITH TIME ZONE,
    problem_code   VARCHAR(64),
    problem_status INT,
    problem_detail VARCHAR(4096)
);

CREATE INDEX job_created ON job (created_at);
