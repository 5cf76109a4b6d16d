-- Purpose: the validation gate's audit trail (edit checks, 审核): runs, the result of every
-- check, every failing row, and the quarantine that keeps critically failing rows out of core.
-- Created on every open, before any build: core's fact models anti-join audit.quarantine.
-- Written by expectations/ (gate.py, quarantine.py); read by core and reports.
create sequence if not exists audit.validation_run_seq start 1;

-- one row per `zonestat validate` (gate) run
create table if not exists audit.validation_runs (
    run_id          bigint primary key,
    period          date not null,
    status          varchar not null,   -- running | passed | failed (critical failures) | error
    config_version  varchar not null,
    started_at      timestamp not null,
    finished_at     timestamp,
    rows_checked    integer not null default 0,
    critical_failed integer not null default 0,   -- rows with at least one critical failure
    warning_flagged integer not null default 0,   -- rows or units with at least one warning
    quarantined     integer not null default 0,   -- rows newly quarantined by this run
    released        integer not null default 0,   -- quarantined rows released by this run
    provisional     boolean,                      -- coverage below the threshold for some form
    docs_path       varchar,                      -- the run's offline page (validation-run-<id>.html)
    message         varchar
);

-- one row per run x suite x check (a GX expectation or a SQL check, same shape)
create table if not exists audit.validation_results (
    run_id           bigint not null,
    suite            varchar not null,   -- the validated table, e.g. b204_1
    suite_version    varchar not null,
    check_name       varchar not null,   -- stable name from the suite's meta or config.yaml
    expectation_type varchar not null,   -- GX expectation type, or sql:<file>
    check_group      varchar,            -- structure | identity | values | plausibility | completeness
    column_name      varchar,
    severity         varchar not null,   -- critical | warning
    success          boolean not null,
    element_count    bigint,
    unexpected_count bigint not null default 0,
    observed_value   double,             -- e.g. the coverage share of a period-level check
    sample_keys      json,               -- up to N failing keys: load_id, source_row, unit_id
    reason_zh        varchar,
    reason_en        varchar
);

-- every failing row (or missing filing) of every check of a run: what follow-ups are made from
create table if not exists audit.validation_failures (
    run_id      bigint not null,
    suite       varchar not null,
    check_name  varchar not null,
    severity    varchar not null,
    load_id     bigint,                  -- null for a filing that is missing
    source_row  integer,
    unit_id     varchar,                 -- enterprise_id, or project_id for 206-1
    period      date not null,
    field       varchar,
    value       double,
    expected    double,
    detail      varchar
);

-- rows kept out of core until a corrected resubmission (or a fixed register) passes
create table if not exists audit.quarantine (
    form               varchar not null,  -- the validated table, e.g. b204_1
    load_id            bigint not null,
    source_row         integer not null,
    unit_id            varchar,
    period             date not null,
    reasons            varchar[] not null,  -- every critical check the row failed (latest run)
    first_run_id       bigint not null,
    last_run_id        bigint not null,
    quarantined_at     timestamp not null,
    released_at        timestamp,           -- null while the row is held out of core
    released_by_run    bigint,
    superseded_by_load bigint,              -- the load of the resubmission that replaced it
    primary key (form, load_id, source_row)
);
