"""The validation gate (审核): GX suites and SQL edit checks over one period of staging, results in
audit.validation_*, critically failing rows quarantined out of core. Entry point: gate.run_gate."""
