"""Scoring datasets: `depiction batch` reads JSONL or Parquet prompts in fixed-size parts, checks
each part on a pool of processes or a Dask cluster, and writes decisions in input order.

Parts are the unit of work, of parallelism and of recovery: each one is written atomically to a
folder next to the output, so a run that crashes resumes where it stopped.
"""

from depiction.batch.io import Source, open_source
from depiction.batch.runner import EngineSpec, Summary, run_batch

__all__ = ["EngineSpec", "Source", "Summary", "open_source", "run_batch"]
