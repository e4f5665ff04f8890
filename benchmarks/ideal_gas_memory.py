"""The main example at scale against the same pipeline in raw dask + zarr:
wall time and peak worker memory.

Runs, one after the other, as separate processes each starting its own
LocalCluster (worker processes, ``--memory-limit`` each):

- ``examples/ideal_gas.py`` with the given options (writes the dataset, opens
  it lazily with its units, computes n/V = P/(R·T), writes it back, reads a
  summary and a map);
- this script's ``--raw-pipeline`` mode: the same steps in raw dask and zarr
  (``units`` attributes written as plain text, the conversions written by
  hand).

While each runs, the resident memory of every process it started (nannies,
workers) is sampled every 0.2 s. Prints a markdown table, writes JSON to
``benchmarks/results/ideal_gas_memory.json``. It writes three float64 fields
of size × 2·size to a temporary directory (``--dir``) and deletes them.

    python benchmarks/ideal_gas_memory.py --size 30000 --chunks 2000 --workers 2 \\
        --memory-limit 3GiB [--dir /tmp]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results"
R = 8.314462618  # J/(mol·K), CODATA 2022 (the raw pipeline has no constants module)


def raw_pipeline(args: argparse.Namespace) -> None:
    """ideal_gas.py's steps in raw dask + zarr."""
    import dask
    import dask.array as da
    import numpy as np
    import zarr
    from distributed import Client, LocalCluster, wait

    store = args.out / "air.zarr"
    with (
        LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            memory_limit=args.memory_limit,
        ) as cluster,
        Client(cluster) as client,
    ):
        ny, nx = args.size, 2 * args.size
        lat = da.linspace(-80, 80, ny, chunks=args.chunks)[:, None]
        lon = da.linspace(0, 360, nx, chunks=args.chunks)[None, :]
        rad = np.pi / 180
        t = 28 * da.cos(lat * rad) ** 2 - 12 + 4 * da.sin(3 * lon * rad) * da.cos(lat * rad)
        p = 1013.25 - 18 * da.sin(2 * lat * rad) ** 2 + 6 * da.cos(2 * lon * rad + lat * rad)
        da.to_zarr(t, str(store), component="temperature", attributes={"units": "degC"})
        da.to_zarr(p, str(store), component="pressure", attributes={"units": "hPa"})

        t = da.from_zarr(str(store), component="temperature")
        p = da.from_zarr(str(store), component="pressure")
        density = (p * 100.0) / (R * (t + 273.15))
        written = client.compute(
            da.to_zarr(
                density,
                str(store),
                component="molar_density",
                attributes={"units": "mol m-3"},
                compute=False,
            )
        )
        wait(written)
        written.result()

        back = da.from_zarr(str(store), component="molar_density")
        mean, lo, hi = client.gather(client.compute([back.mean(), back.min(), back.max()]))
        print(f"molar density: mean {mean:.3f}, min {lo:.3f}, max {hi:.3f} mol/m³")
        step = max(1, back.shape[0] // 400)
        field = dask.compute(back[::step, ::step])[0]
        assert zarr.open_array(str(store), path="molar_density").attrs["units"] == "mol m-3"
        print(f"map slice {field.shape}")


def descendants_rss(pid: int) -> dict[int, int]:
    import psutil

    out = {}
    try:
        for child in psutil.Process(pid).children(recursive=True):
            try:
                out[child.pid] = child.memory_info().rss
            except psutil.Error:
                pass
    except psutil.Error:
        pass
    return out


def run_measured(cmd: list[str]) -> dict[str, Any]:
    """Wall time and peak resident memory of the processes ``cmd`` starts."""
    peak: dict[int, int] = {}
    total_peak = 0
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    stop = threading.Event()

    def sample() -> None:
        nonlocal total_peak
        while not stop.is_set():
            rss = descendants_rss(proc.pid)
            for pid, value in rss.items():
                peak[pid] = max(peak.get(pid, 0), value)
            total_peak = max(total_peak, sum(rss.values()))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    text = out.decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{text}")
    biggest = sorted(peak.values(), reverse=True)
    return {
        "wall_s": wall,
        "peak_worker_rss": biggest[0] if biggest else 0,
        "peak_rss_by_process": biggest,
        "peak_total_rss": total_peak,
        "output_tail": text[-2000:],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=30000)
    ap.add_argument("--chunks", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--memory-limit", default="3GiB")
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    ap.add_argument("--raw-pipeline", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.raw_pipeline:
        raw_pipeline(args)
        return

    options = [
        *("--size", str(args.size), "--chunks", str(args.chunks)),
        *("--workers", str(args.workers), "--memory-limit", args.memory_limit),
    ]
    rows = {}
    for name, script in (
        ("dimtensor (examples/ideal_gas.py)", [str(ROOT / "examples" / "ideal_gas.py")]),
        ("raw dask + zarr", [__file__, "--raw-pipeline"]),
    ):
        out = Path(tempfile.mkdtemp(prefix="ideal_gas_", dir=args.dir))
        try:
            rows[name] = run_measured([sys.executable, *script, *options, "--out", str(out)])
        finally:
            shutil.rmtree(out, ignore_errors=True)
        print(f"{name}: {rows[name]['wall_s']:.0f} s", file=sys.stderr)

    gib = 2**30
    fields = 3 * args.size * 2 * args.size * 8 / gib
    print(
        f"## ideal_gas pipeline at {args.size}×{2 * args.size} float64 "
        f"(3 fields, {fields:.0f} GiB uncompressed), chunks {args.chunks}², "
        f"{args.workers} workers × {args.memory_limit}\n"
    )
    print("| pipeline | wall time | peak memory of the largest worker | peak of all processes |")
    print("|---|---|---|---|")
    for name, row in rows.items():
        print(
            f"| {name} | {row['wall_s']:.0f} s | {row['peak_worker_rss'] / gib:.2f} GiB "
            f"| {row['peak_total_rss'] / gib:.2f} GiB |"
        )
    ours, raw = rows.values()
    print(
        f"\nRatios dimtensor / raw: wall time {ours['wall_s'] / raw['wall_s']:.2f}×, "
        f"peak worker memory {ours['peak_worker_rss'] / raw['peak_worker_rss']:.2f}×."
    )
    RESULTS.mkdir(exist_ok=True)
    meta = vars(args) | {"dir": str(args.dir), "out": None}
    (RESULTS / "ideal_gas_memory.json").write_text(
        json.dumps({"options": meta, "runs": rows}, indent=2)
    )
    print(f"\nwrote {RESULTS / 'ideal_gas_memory.json'}")


if __name__ == "__main__":
    main()
