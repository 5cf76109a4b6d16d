-- Purpose: the warehouse's fixed tables: layers as schemas, the audit trail and metadata.
-- raw tables are created from the input contract (warehouse/spec.py); staging, core and marts
-- are rebuilt from raw by warehouse/build.py.
create schema if not exists raw;
create schema if not exists staging;
create schema if not exists core;
create schema if not exists marts;
create schema if not exists audit;
create schema if not exists meta;

create sequence if not exists audit.load_seq start 1;

-- one row per file zonestat tried to load
create table if not exists audit.loads (
    load_id       bigint primary key,
    source_file   varchar not null,   -- path as given
    file_name     varchar not null,
    sha256        varchar not null,
    form          varchar,            -- form code, e.g. B204-1; null when not recognised
    encoding      varchar,
    status        varchar not null,   -- loaded | failed
    rows_read     integer not null default 0,
    rows_loaded   integer not null default 0,
    rows_rejected integer not null default 0,
    rows_warned   integer not null default 0,
    message       varchar,
    started_at    timestamp not null,
    finished_at   timestamp
);
-- how the file's lines were read (docs/input-format.md, "Lines"): the header's line (row), the
-- lines skipped above it as title or 单位 lines and below it as 合计, footer or repeated header rows (JSON list of
-- {line, kind, text}), blank lines after the header, and the decimal mark numbers were read by
alter table audit.loads add column if not exists header_line integer;
alter table audit.loads add column if not exists skipped_lines json;
alter table audit.loads add column if not exists blank_lines integer;
alter table audit.loads add column if not exists decimal_mark varchar;

-- how each column of each file was read: header -> field and unit
create table if not exists audit.load_columns (
    load_id       bigint not null,
    position      integer not null,
    source_header varchar not null,
    field         varchar,            -- null: the header matched no field (kept in raw._extra)
    unit          varchar,            -- money fields: the unit the header declared
    factor        double              -- money fields: multiply by this to get the form's unit
);
alter table audit.load_columns add column if not exists factor double;

-- each load's money factors as one map (field -> factor to the form's unit), for staging
create or replace view audit.load_factors as
select load_id, map(list(field), list(factor)) as units
from audit.load_columns
where factor is not null
group by load_id;

-- rows that could not be typed; they stay in raw but never reach staging
create table if not exists audit.rejected_rows (
    load_id     bigint not null,
    source_file varchar not null,
    source_row  integer not null,
    form        varchar not null,
    fields      varchar[] not null,
    reason      varchar not null,
    raw_values  json
);

-- rows loaded with a remark (e.g. a January filing of a form whose January is exempt)
create table if not exists audit.load_warnings (
    load_id     bigint not null,
    source_file varchar not null,
    source_row  integer not null,
    form        varchar not null,
    field       varchar,
    message     varchar not null
);

-- what each loaded file says about itself, for the precedence of its rows (warehouse/revisions.py):
-- revision 0 = original, 1.. = correction (更正) from the file name; the period it was received for
create table if not exists audit.load_precedence (
    load_id         bigint primary key,
    revision        integer not null,
    marker          varchar,            -- the revision marker as written in the file name
    received_period date,               -- from the file name, else the latest period of its rows
    received_from   varchar             -- name | rows
);

create table if not exists meta.builds (
    built_at    timestamp not null,
    max_load_id bigint not null,
    seconds     double not null
);
alter table meta.builds add column if not exists kind varchar;        -- full | incremental
alter table meta.builds add column if not exists fingerprint varchar; -- warehouse/build.py fingerprint()
alter table meta.builds add column if not exists periods integer;     -- incremental: fact tables rebuilt

-- core periods a build changed whose published figures are not yet refreshed: written in the
-- build's own transaction, cleared as warehouse/publication.py re-publishes them, so a run killed
-- between the build and the refresh of the marts still refreshes them next time
create table if not exists meta.pending_publication (
    period    date primary key,
    queued_at timestamp not null
);

-- which typing SQL the rows of staging.<form>_typed were typed with (re-typed from raw on change)
create table if not exists meta.staging_typing (
    table_name  varchar primary key,
    fingerprint varchar not null,
    typed_at    timestamp not null
);
