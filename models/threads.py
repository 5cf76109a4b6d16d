"""One math thread per process, pinned before numpy loads: statsmodels fits are small, parallelism
comes from processes (or Dask workers), and results must not depend on how BLAS splits work.
The one place the variables are named: the CLI, the flows, the process pool and the Dask workers'
environment all use it (prefect.yaml sets the same for deployments). Standard library only, so
importing it costs nothing."""
from __future__ import annotations

import os

SINGLE_THREADED_MATH = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def single_threaded_math() -> None:
    """Pin BLAS/OpenMP to one thread unless the user set them (inherited by spawned workers)."""
    for var, value in SINGLE_THREADED_MATH.items():
        os.environ.setdefault(var, value)
