"""DaskDimArray vs raw Dask on the same expressions, same run.

Expressions (float64, default 8000×8000 in 1000×1000 chunks, inputs persisted
in memory first): ``sqrt(sum(v**2, axis=1))`` and the molar density
``P.to(Pa) / (R * T.to(K))``. For each, against the raw-Dask expression that
computes the same numbers:

- graph build time (best of repeats) and task count;
- compute time on the threaded and synchronous schedulers;
- peak memory added during ``compute()`` (tracemalloc, which sees NumPy's
  allocations).

Then, on a ``dask.distributed`` LocalCluster with worker processes (inputs
persisted on the workers), the density computed by raw dask, by
DaskDimArray (``compute()``, ``dask.compute``, ``persist()``) and as
``.magnitude()`` (the DaskDimArray's dask array, computed by dask), side by
side in the same run. Last, graph building at ~1e5 chunks: build time and
task count against raw dask.

Prints markdown tables of ratios (dimtensor / raw dask), writes JSON to
``benchmarks/results/dask_density.json``. No pass/fail.

    python benchmarks/dask_density.py [--size 8000] [--chunks 1000] [--workers 2]
        [--graph-chunks 100000] [--quick] [--only local,distributed,graph]
"""

from __future__ import annotations

import argparse
import functools
import json
import math
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


def local(size: int, chunks: int, repeat: int) -> list[dict[str, Any]]:
    """The local schedulers (threads, synchronous): build, tasks, compute, memory."""
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
        measure(name, ours, raw, repeat) | {"size": size, "chunks": chunks}
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
    return rows


def scheduler_tasks(client: Any) -> int:
    return client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))  # type: ignore[no-any-return]


def settle(client: Any, keep: int) -> None:
    """Waits until the cluster holds only the persisted inputs (``keep``
    tasks), so that no repeat finds a previous one's keys still there."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and scheduler_tasks(client) > keep:
        time.sleep(0.05)


def distributed(size: int, chunks: int, workers: int, repeat: int) -> dict[str, Any]:
    """The density on a LocalCluster with worker processes, inputs persisted
    on the workers: raw dask, DaskDimArray and ``.magnitude()``, interleaved."""
    import dask
    from distributed import Client, LocalCluster, wait

    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        rng = da.random.default_rng(1)
        p_raw = (rng.random((size, size), chunks=chunks) * 150 + 900).persist()
        t_raw = (rng.random((size, size), chunks=chunks) * 45 - 10).persist()
        wait([p_raw, t_raw])
        time.sleep(1.0)
        keep = scheduler_tasks(client)  # the inputs (and their aliases) only
        p, t = DaskDimArray(p_raw, "hPa"), DaskDimArray(t_raw, "degC")
        r = constants.R.value

        def raw() -> Any:
            return (p_raw * 100.0) / (r * (t_raw + 273.15))

        def ours() -> DaskDimArray:
            return p.to("Pa") / (constants.R * t.to("K"))

        def persisted(x: Any) -> None:
            wait(x.persist())

        runs: dict[str, Callable[[], object]] = {
            "raw_compute": lambda: raw().compute(),
            "compute": lambda: ours().compute(),
            "magnitude_compute": lambda: ours().magnitude().compute(),
            "raw_dask_compute": lambda: dask.compute(raw()),
            "dask_compute": lambda: dask.compute(ours()),
            "raw_persist": lambda: persisted(raw()),
            "persist": lambda: persisted(ours()),
            "raw_sum": lambda: raw().sum().compute(),
            "sum": lambda: ours().sum().compute(),
        }
        best = dict.fromkeys(runs, math.inf)
        for _ in range(repeat):  # interleaved: drifts of the machine hit all alike
            for name, run in runs.items():
                settle(client, keep)
                t0 = time.perf_counter()
                run()
                best[name] = min(best[name], time.perf_counter() - t0)
    return {"size": size, "chunks": chunks, "workers": workers} | {
        f"{k}_s": v for k, v in best.items()
    }


def graph_build(n_chunks: int, repeat: int) -> dict[str, Any]:
    """Building the density's graph over ~``n_chunks`` chunks (tiny ones:
    only the graph is measured), against raw dask."""
    side = math.isqrt(n_chunks)
    shape, chunks = (side * 4, side * 4), 4
    p_raw, t_raw = da.ones(shape, chunks=chunks), da.zeros(shape, chunks=chunks)
    p, t = DaskDimArray(p_raw, "hPa"), DaskDimArray(t_raw, "degC")
    r = constants.R.value

    def ours() -> Any:
        return (p.to("Pa") / (constants.R * t.to("K"))).__dask_graph__()

    def raw() -> Any:
        return ((p_raw * 100.0) / (r * (t_raw + 273.15))).__dask_graph__()

    row: dict[str, Any] = {"chunks": side * side}
    row["build_s"], row["raw_build_s"] = best_time(ours, repeat), best_time(raw, repeat)
    # Materializing every task (what a scheduler receives), and counting them.
    t0 = time.perf_counter()
    row["tasks"] = len(dict(ours()))
    row["materialize_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    row["raw_tasks"] = len(dict(raw()))
    row["raw_materialize_s"] = time.perf_counter() - t0
    return row


def ratio(row: dict[str, Any], ours: str, theirs: str, unit: str = "s") -> str:
    scale = 1e3 if unit == "ms" else 1.0
    return (
        f"{row[ours] / row[theirs]:.2f}× "
        f"({row[ours] * scale:.3g} {unit} vs {row[theirs] * scale:.3g} {unit})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=8000)
    ap.add_argument("--chunks", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2, help="distributed: worker processes")
    ap.add_argument("--graph-chunks", type=int, default=100_000)
    ap.add_argument("--only", default="local,distributed,graph", help="sections to run")
    ap.add_argument("--quick", action="store_true", help="2000×2000 in 500×500 chunks")
    args = ap.parse_args()
    size, chunks = (2000, 500) if args.quick else (args.size, args.chunks)
    sections = set(args.only.split(","))
    results: dict[str, Any] = {}
    if "local" in sections:
        results["local"] = local(size, chunks, args.repeat)
    if "distributed" in sections:
        results["distributed"] = row = distributed(size, chunks, args.workers, args.repeat)
        print(
            f"\n## On a LocalCluster ({args.workers} worker processes × 1 thread; {size}×{size} "
            f"float64, chunks {chunks}², inputs persisted on the workers)\n"
        )
        print("| `x = P.to(Pa) / (R·T.to(K))` | time / raw dask's (best of runs) |")
        print("|---|---|")
        for label, ours, theirs in (
            ("`x.compute()`", "compute_s", "raw_compute_s"),
            ("`x.magnitude().compute()`", "magnitude_compute_s", "raw_compute_s"),
            ("`dask.compute(x)`", "dask_compute_s", "raw_dask_compute_s"),
            ("`x.persist()` (until done)", "persist_s", "raw_persist_s"),
            ("`x.sum().compute()`", "sum_s", "raw_sum_s"),
        ):
            print(f"| {label} | {ratio(row, ours, theirs)} |")
        print(
            "\nRaw dask is `P*100/(R*(T+273.15))` computed the same way, interleaved "
            "with ours in the same run. Target: ≤ 1.0× for compute() and persist()."
        )
    if "graph" in sections:
        results["graph"] = row = graph_build(args.graph_chunks, args.repeat)
        print(f"\n## Graph building at {row['chunks']:,} chunks\n")
        print("| case | build (expression + graph) | tasks | materializing every task |")
        print("|---|---|---|---|")
        print(
            f"| `P.to(Pa) / (R·T.to(K))` | {ratio(row, 'build_s', 'raw_build_s', 'ms')} "
            f"| {row['tasks']:,} vs {row['raw_tasks']:,} "
            f"| {ratio(row, 'materialize_s', 'raw_materialize_s')} |"
        )
        print("\nTargets: build ≤ 1.0×, no extra tasks.")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dask_density.json").write_text(json.dumps(results, indent=2))
    print(f"\nwrote {RESULTS / 'dask_density.json'}")


if __name__ == "__main__":
    main()
