"""DaskDimArray vs raw Dask on the same expressions, same run.

Expressions (float64, default 8000×8000 in 1000×1000 chunks, inputs persisted
in memory first): ``sqrt(sum(v**2, axis=1))`` and the molar density
``P.to(Pa) / (R * T.to(K))``. For each, against the raw-Dask expression that
computes the same numbers:

- graph build time (best of repeats) and task count;
- compute time on the threaded and synchronous schedulers;
- peak memory added during ``compute()`` (tracemalloc, which sees NumPy's
  allocations).

Prints a markdown table of ratios (dimtensor / raw dask), writes JSON to
``benchmarks/results/dask_density.json``. No pass/fail.

    python benchmarks/dask_density.py [--size 8000] [--chunks 1000] [--quick]
"""

from __future__ import annotations

import argparse
import functools
import json
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dask.array as da
import numpy as np
from dimtensor import constants
from dimtensor.dask import DaskDimArray

RESULTS = Path(__file__).parent / "results"


def best_time(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def peak_during(fn: Callable[[], object]) -> int:
    """Bytes allocated at the peak of ``fn()`` beyond what was live before."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    before, _ = tracemalloc.get_traced_memory()
    result = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return peak - before


def measure(
    name: str, ours: Callable[[], Any], raw: Callable[[], Any], repeat: int
) -> dict[str, Any]:
    """Build time, tasks, compute times and peak memory of both expressions."""
    row: dict[str, Any] = {"case": name}
    # Building includes making the graph (a fused chain makes its one layer then).
    row["build_s"] = best_time(lambda: ours().__dask_graph__(), repeat * 4)
    row["raw_build_s"] = best_time(lambda: raw().__dask_graph__(), repeat * 4)
    row["tasks"] = len(dict(ours().__dask_graph__()))
    row["raw_tasks"] = len(dict(raw().__dask_graph__()))
    # x.compute() is what users call (for a fused chain on a local scheduler
    # it writes chunks straight into the result); raw dask's the same way.
    for scheduler in ("threads", "sync"):
        for prefix, expr in (("", ours), ("raw_", raw)):
            run = functools.partial(lambda e, s: e.compute(scheduler=s), expr(), scheduler)
            row[f"{prefix}{scheduler}_s"] = best_time(run, repeat)
    row["peak_bytes"] = peak_during(lambda: ours().compute(scheduler="threads"))
    row["raw_peak_bytes"] = peak_during(lambda: raw().compute(scheduler="threads"))
    result_bytes = ours().compute()._data.nbytes
    row["result_bytes"] = result_bytes
    row["added_bytes"] = row["peak_bytes"] - result_bytes
    row["raw_added_bytes"] = row["raw_peak_bytes"] - result_bytes
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=8000)
    ap.add_argument("--chunks", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="2000×2000 in 500×500 chunks")
    args = ap.parse_args()
    size, chunks = (2000, 500) if args.quick else (args.size, args.chunks)

    rng = da.random.default_rng(0)
    v_raw = rng.random((size, size), chunks=chunks).persist()
    p_raw = (rng.random((size, size), chunks=chunks) * 150 + 900).persist()
    t_raw = (rng.random((size, size), chunks=chunks) * 45 - 10).persist()
    v = DaskDimArray(v_raw, "m/s")
    p, t = DaskDimArray(p_raw, "hPa"), DaskDimArray(t_raw, "degC")
    r = constants.R.value

    cases = {
        "sqrt(sum(v**2, axis=1))": (
            lambda: np.sqrt((v**2).sum(axis=1)),
            lambda: np.sqrt((v_raw**2).sum(axis=1)),
        ),
        "P.to(Pa)/(R*T.to(K))": (
            lambda: p.to("Pa") / (constants.R * t.to("K")),
            lambda: (p_raw * 100.0) / (r * (t_raw + 273.15)),
        ),
    }
    rows = [
        measure(name, ours, raw, args.repeat) | {"size": size, "chunks": chunks}
        for name, (ours, raw) in cases.items()
    ]

    print(
        f"## DaskDimArray vs raw Dask ({size}×{size} float64, chunks {chunks}², inputs persisted)\n"
    )
    print(
        "| case | build | tasks | compute (threads) | compute (sync) | peak memory in compute "
        "| memory added beyond the result |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in rows:

        def ratio(key: str, row: dict[str, object] = row) -> str:
            ours, theirs = float(row[key]), float(row[f"raw_{key}"])  # type: ignore[arg-type]
            return f"{ours / theirs:.2f}×"

        print(
            f"| {row['case']} | {ratio('build_s')} ({float(row['build_s']) * 1e3:.1f} ms) "  # type: ignore[arg-type]
            f"| {row['tasks']} vs {row['raw_tasks']} "
            f"| {ratio('threads_s')} | {ratio('sync_s')} "
            f"| {ratio('peak_bytes')} ({int(row['peak_bytes']) / 2**20:.0f} MiB) "  # type: ignore[call-overload]
            f"| {ratio('added_bytes')} ({int(row['added_bytes']) / 2**20:.0f} vs "  # type: ignore[call-overload]
            f"{int(row['raw_added_bytes']) / 2**20:.0f} MiB) |"  # type: ignore[call-overload]
        )
    print(
        "\nRatios are dimtensor / raw Dask. Elementwise chains are fused: one task per "
        "chunk. Targets: build ≤ 1.0×, no extra tasks, compute time ≤ 0.5× and memory "
        "added beyond the result ≤ 0.5× for the fused density; ≤ 1.0× otherwise."
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dask_density.json").write_text(json.dumps(rows, indent=2))
    print(f"\nwrote {RESULTS / 'dask_density.json'}")


if __name__ == "__main__":
    main()
