"""A dask-backed quantified xarray Dataset vs raw xarray + dask, same data, same run.

The data: a (time, lat, lon) float64 temperature in K (default 730×180×360
in chunks of 73 days), persisted in memory first, wrapped by
``ds.dimtensor.quantify()`` (DaskDimArray) or left raw (dask array). For a
time mean, an anomaly against it and a rolling mean over 5 days: the task
count of each graph and the compute time (threaded scheduler, best of
``--repeat``, the two interleaved), as the ratio dimtensor / raw.

Prints a markdown table, writes JSON to ``benchmarks/results/xarray_dataset.json``.
No pass/fail.

    python benchmarks/xarray_dataset.py [--days 730] [--repeat 5] [--quick]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dask
import dimtensor.xarray  # noqa: F401
import numpy as np
import pandas as pd
import xarray as xr

RESULTS = Path(__file__).parent / "results"

OPS: dict[str, Callable[[xr.DataArray], xr.DataArray]] = {
    "time mean": lambda t: t.mean("time"),
    "anomaly": lambda t: t - t.mean("time"),
    "rolling mean (5 d)": lambda t: t.rolling(time=5).mean(),
}


def dataset(days: int, chunk: int) -> xr.Dataset:
    rng = np.random.default_rng(0)
    t = rng.normal(285.0, 10.0, (days, 180, 360))
    ds = xr.Dataset(
        {"tas": (("time", "lat", "lon"), t, {"units": "K"})},
        coords={"time": pd.date_range("2000-01-01", periods=days, freq="D")},
    )
    return ds.chunk({"time": chunk}).persist()


def tasks(a: xr.DataArray) -> int:
    return len(dict(a.data.__dask_graph__()))


def best(fn: Callable[[], Any], repeat: int) -> float:
    out = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--chunk", type=int, default=73)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="small data, 2 repeats")
    args = ap.parse_args()
    if args.quick:
        args.days, args.chunk, args.repeat = 146, 73, 2

    raw = dataset(args.days, args.chunk)
    quantified = raw.dimtensor.quantify()
    rows = []
    with dask.config.set(scheduler="threads"):
        for name, op in OPS.items():
            row: dict[str, Any] = {"operation": name}
            plain = op(raw.tas)
            try:
                with_units = op(quantified.tas)
            except Exception as exc:
                row.update(error=f"{type(exc).__name__}: {str(exc)[:80]}", raw_tasks=tasks(plain))
                rows.append(row)
                continue
            row.update(raw_tasks=tasks(plain), dimtensor_tasks=tasks(with_units))
            # Interleaved: each repeat times raw then dimtensor.
            t_raw, t_dt = float("inf"), float("inf")
            for _ in range(args.repeat):
                t_raw = min(t_raw, best(plain.compute, 1))
                t_dt = min(t_dt, best(with_units.compute, 1))
            row.update(raw_s=t_raw, dimtensor_s=t_dt, ratio=t_dt / t_raw)
            rows.append(row)

    shape = f"{args.days}×180×360 float64, chunks of {args.chunk} days"
    print(f"\nQuantified Dataset vs raw xarray + dask ({shape}; threaded scheduler)\n")
    print("| operation | tasks (raw) | tasks (dimtensor) | compute raw | compute ratio |")
    print("|---|---|---|---|---|")
    for r in rows:
        if "error" in r:
            print(f"| {r['operation']} | {r['raw_tasks']} | — | — | raises: {r['error']} |")
        else:
            print(
                f"| {r['operation']} | {r['raw_tasks']} | {r['dimtensor_tasks']} | "
                f"{r['raw_s'] * 1e3:.0f} ms | {r['ratio']:.2f}× |"
            )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "xarray_dataset.json"
    out.write_text(json.dumps({"shape": shape, "rows": rows}, indent=2))
    print(f"\nJSON: {out}")


if __name__ == "__main__":
    main()
