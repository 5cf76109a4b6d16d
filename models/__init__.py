"""Forecasting models: data in, forecasts out (no database, no Prefect).

Entry points: `models.batch.forecast_series` (one series), `models.tables.forecast_batch` (a long
table of many series, pure), `models.parallel.forecast_parallel` (chunks over processes),
`models.target.full_year_outlook` (annual target from sample paths). See docs/forecasting.md.
"""
