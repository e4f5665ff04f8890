"""Molar density of air, n/V = P / (R·T), from a zarr dataset with units, on
a dask.distributed cluster.

1. Writes a synthetic dataset (temperature in °C, pressure in hPa, each
   with a CF `units` attribute) to a zarr store on local disk.
2. Opens it lazily: the units come from the attributes.
3. Shows that a unit mistake (P + T) fails at once, before anything runs.
4. Computes n/V on a LocalCluster with worker processes (or on an existing
   scheduler with --scheduler), with a progress bar, streaming each chunk
   from the store through the computation back into the store with its
   units: worker memory stays bounded whatever the size of the data.
5. Prints a summary with units and saves a PNG map with a labelled colour bar.

    python examples/ideal_gas.py                      # small, under a minute
    python examples/ideal_gas.py --size 30000 --chunks 2000 --workers 2 --memory-limit 3GiB
    python examples/ideal_gas.py --size 20000 --chunks 2000 --scheduler tcp://host:8786
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

import dask.array as da
import numpy as np
from dimtensor import DimArray, constants
from dimtensor.dask import DaskDimArray, from_zarr
from dimtensor.errors import DimensionError


def synthetic_fields(ny: int, nx: int, chunks: int) -> tuple[DaskDimArray, DaskDimArray]:
    """Smooth, map-like temperature (°C) and surface pressure (hPa) fields."""
    lat = da.linspace(-80, 80, ny, chunks=chunks)[:, None]
    lon = da.linspace(0, 360, nx, chunks=chunks)[None, :]
    rad = np.pi / 180
    temperature = 28 * da.cos(lat * rad) ** 2 - 12 + 4 * da.sin(3 * lon * rad) * da.cos(lat * rad)
    pressure = 1013.25 - 18 * da.sin(2 * lat * rad) ** 2 + 6 * da.cos(2 * lon * rad + lat * rad)
    return DaskDimArray(temperature, "degC"), DaskDimArray(pressure, "hPa")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1200, help="grid rows (columns are 2x)")
    ap.add_argument("--chunks", type=int, default=300, help="chunk edge length")
    ap.add_argument("--scheduler", default=None, help="address of an existing scheduler")
    ap.add_argument("--workers", type=int, default=2, help="local worker processes")
    ap.add_argument(
        "--memory-limit", default="auto", help="memory limit of each local worker (e.g. 3GiB)"
    )
    ap.add_argument("--out", type=Path, default=Path("examples/output"))
    args = ap.parse_args()

    from distributed import Client, LocalCluster, progress

    args.out.mkdir(parents=True, exist_ok=True)
    store = args.out / "air.zarr"
    shutil.rmtree(store, ignore_errors=True)

    if args.scheduler:
        cluster, client = None, Client(args.scheduler)
    else:
        cluster = LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            memory_limit=args.memory_limit,
        )
        client = Client(cluster)
    print(f"cluster: {client}")

    try:
        ny, nx = args.size, 2 * args.size
        print(f"\n1. writing a {ny}×{nx} dataset to {store} (chunks {args.chunks}²)")
        temperature, pressure = synthetic_fields(ny, nx, args.chunks)
        temperature.to_zarr(str(store), component="temperature")
        pressure.to_zarr(str(store), component="pressure")

        print("\n2. opening it lazily, units from the `units` attributes")
        t = from_zarr(str(store), component="temperature")
        p = from_zarr(str(store), component="pressure")
        print(f"   temperature: {t.shape} in {t.unit}   pressure: {p.shape} in {p.unit}")

        print("\n3. a unit mistake fails while the expression is written:")
        try:
            p + t
        except DimensionError as e:
            print(f"   DimensionError: {e}\n   (no task was scheduled)")

        print("\n4. n/V = P / (R·T) on the cluster")
        density = (p.to("Pa") / (constants.R * t.to("K"))).to("mol/m^3")
        print(f"   graph: {len(dict(density.__dask_graph__()))} tasks, result in {density.unit}")
        started = time.perf_counter()
        # Each chunk is read, computed and written by one task, then dropped.
        written = client.compute(density.to_zarr(str(store), "molar_density", compute=False))
        progress(written)
        print()
        written.result()
        print(f"   computed and written in {time.perf_counter() - started:.1f} s")

        print("\n5. summary (read back from the store, with its units)")
        back = from_zarr(str(store), component="molar_density")
        # One pass over the store for all three.
        mean, lo, hi = client.gather(client.compute([back.mean(), back.min(), back.max()]))
        print(f"   molar density: mean {mean:.3f}, min {lo:.3f}, max {hi:.3f}")
        air = DimArray(28.97, "g/mol")  # mean molar mass of dry air
        print(f"   mass density of dry air: {(mean * air).to('kg/m^3'):.3f}")

        png = args.out / "molar_density.png"
        plot(back, png)
        print(f"   map written to {png}")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def plot(density: DaskDimArray, path: Path) -> None:
    """One slice (the whole field, subsampled) with a unit-labelled colour bar."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    step = max(1, density.shape[0] // 400)
    field = density[::step, ::step].compute()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    image = ax.imshow(field.to_value(), origin="lower", extent=(0, 360, -80, 80), cmap="viridis")
    ax.set_xlabel("longitude [°]")
    ax.set_ylabel("latitude [°]")
    ax.set_title("Molar density of air, n/V = P / (R·T)")
    fig.colorbar(image, ax=ax, label=f"n/V [{field.unit}]")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
