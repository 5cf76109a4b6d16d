-- Purpose: the rows of raw.f205_1 (energy purchase, use and stock) that passed the row checks,
-- typed; every revision. Energy is in tonnes of standard coal (吨标准煤) and electricity in 10^4
-- kWh: no money field, so no unit factor.
-- Filled when a file is loaded, from the load's rows typed once by the contract (temp table
-- _checked; warehouse/typing.py); re-derived from raw when this SQL changes (warehouse/staging.py).
-- Grain: one row per accepted raw row. Key: _load_id, _source_row.
-- Upstream: _checked (rows of raw.f205_1), audit.rejected_rows.
-- Parameters: $first_load, $last_load.
with received as (
    select r.*
    from _checked as r
    anti join audit.rejected_rows as x
        on x.load_id = r._load_id and x.source_row = r._source_row
    where r._load_id between $first_load and $last_load
),

typed as (
    select
        t_enterprise_id as enterprise_id,
        t_period as period,
        t_energy_tce_ytd as energy_tce_ytd,
        t_electricity_ytd as electricity_ytd,
        _load_id,
        _source_file,
        _source_row
    from received
)

select * from typed
