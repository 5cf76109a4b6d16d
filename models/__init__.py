"""Forecasting models: data in, forecasts out (no database, no Prefect).

Entry points: `models.batch.forecast_series` (one series), `models.tables.forecast_batch` (a long
table of many series, pure: the one loop over series), `models.chunks` (the one batch runner:
chunks over processes, files for the pipeline, `forecast_parallel` for tables),
`models.target.full_year_outlook` (annual target from sample paths). See docs/forecasting.md.
"""
