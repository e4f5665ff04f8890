"""A climate workflow through xarray with units: CF attributes in, CF out.

1. Writes a synthetic CF-attributed dataset (air temperature in K, surface
   pressure in hPa, precipitation flux in kg m-2 s-1, on lat/lon/time) to a
   zarr store on local disk, the way model output arrives.
2. Opens it with ``xr.open_zarr`` and quantifies it: the units come from the
   ``units`` attributes (CF dialect), lazily (no task is added).
3. Shows a unit mistake (temperature + pressure) caught before anything runs.
4. Computes on a LocalCluster with worker processes and a progress bar: the
   temperature anomaly against the time mean, the monthly precipitation
   in mm, and the zonal-mean air density P/(R_d·T).
5. Dequantifies and writes the results to zarr (``units``, and
   ``units_metadata = "temperature: difference"`` for the anomaly, CF 1.11),
   which udunits2 reads back.
6. Plots with unit-labelled axes (xarray reads the ``units`` attributes).

    python examples/xarray_climate.py            # small: a few seconds
    python examples/xarray_climate.py --days 3650 --grid 2 --scheduler tcp://host:8786
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

import dimtensor.xarray  # noqa: F401  (the .dimtensor accessor)
import numpy as np
import pandas as pd
import xarray as xr
from dimtensor import DimArray
from dimtensor.errors import DimensionError

R_DRY_AIR = DimArray(287.05, "J/(kg*K)")  # specific gas constant of dry air
RHO_WATER = DimArray(1000.0, "kg/m^3")  # a precipitation flux over this is a depth per time


def synthetic(days: int, grid: float) -> xr.Dataset:
    """Smooth fields with a seasonal cycle, CF-attributed."""
    lat = np.arange(-90 + grid / 2, 90, grid)
    lon = np.arange(0, 360, grid)
    time = pd.date_range("2001-01-01", periods=days, freq="D")
    la, lo = np.meshgrid(np.deg2rad(lat), np.deg2rad(lon), indexing="ij")
    season = np.sin(2 * np.pi * np.arange(days) / 365.25)[:, None, None]
    rng = np.random.default_rng(0)
    tas = 250 + 45 * np.cos(la) ** 2 + 8 * season * np.sin(la) + rng.normal(0, 1, (days, *la.shape))
    ps = 1013.25 - 20 * np.sin(2 * la) ** 2 + 5 * np.cos(2 * lo) + 0 * season
    pr = 3e-5 * np.cos(la) ** 4 * (1.2 + season) + 1e-6
    return xr.Dataset(
        {
            "tas": (("time", "lat", "lon"), tas, {"units": "K", "long_name": "air temperature"}),
            "ps": (("time", "lat", "lon"), ps, {"units": "hPa", "long_name": "surface pressure"}),
            "pr": (
                ("time", "lat", "lon"),
                pr,
                {"units": "kg m-2 s-1", "long_name": "precipitation"},
            ),
        },
        coords={
            "time": time,
            "lat": ("lat", lat, {"units": "degrees_north"}),
            "lon": ("lon", lon, {"units": "degrees_east"}),
        },
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=120, help="days of daily data")
    ap.add_argument("--grid", type=float, default=5.0, help="grid spacing in degrees")
    ap.add_argument("--scheduler", default=None, help="address of an existing scheduler")
    ap.add_argument("--workers", type=int, default=2, help="local worker processes")
    ap.add_argument("--out", type=Path, default=Path("examples/output"))
    args = ap.parse_args()

    from distributed import Client, LocalCluster, progress

    args.out.mkdir(parents=True, exist_ok=True)
    source, result = args.out / "climate.zarr", args.out / "climate_results.zarr"
    for path in (source, result):
        shutil.rmtree(path, ignore_errors=True)

    print(f"1. writing {args.days} days on a {args.grid}° grid to {source}")
    synthetic(args.days, args.grid).chunk({"time": 30}).to_zarr(source)

    print("\n2. xr.open_zarr + .dimtensor.quantify(): units from the CF attributes")
    ds = xr.open_zarr(source).dimtensor.quantify()
    print(ds)

    print("\n3. a unit mistake fails while the expression is written:")
    try:
        ds.tas + ds.ps
    except DimensionError as e:
        print(f"   DimensionError: {e}\n   (no task was scheduled)")

    anomaly = ds.tas - ds.tas.mean("time")
    # kg m-2 s-1 is not mm/d (that needs the water density: the library says so).
    rate = (ds.pr / RHO_WATER).resample(time="MS").mean()
    monthly_rain = rate * DimArray(1.0, "month")
    density = (ds.ps.dimtensor.to("Pa") / (R_DRY_AIR * ds.tas)).mean(["time", "lon"])
    results = xr.Dataset(
        {
            "tas_anomaly": anomaly,
            "monthly_precipitation": monthly_rain.dimtensor.to("mm").rename(time="month"),
            "air_density": density.dimtensor.to("kg/m^3"),
        }
    )
    print(
        f"\n   anomaly in {results.tas_anomaly.dimtensor.unit}, monthly precipitation in "
        f"{results.monthly_precipitation.dimtensor.unit}, air density in "
        f"{results.air_density.dimtensor.unit}"
    )

    if args.scheduler:
        cluster, client = None, Client(args.scheduler)
    else:
        cluster = LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        client = Client(cluster)
    try:
        print(f"\n4. computing on {client}")
        started = time.perf_counter()
        persisted = client.persist(results)
        progress(persisted)
        print(f"\n   done in {time.perf_counter() - started:.1f} s")

        print("\n5. .dimtensor.dequantify() and write: CF units attributes")
        persisted.dimtensor.to_zarr(result)
        back = xr.open_zarr(result)
        for name, var in back.data_vars.items():
            print(f"   {name}: {var.attrs}")
        rain = back.monthly_precipitation.mean(["lat", "lon"]).compute()
        print(
            "   domain-mean monthly precipitation:",
            ", ".join(f"{v:.1f}" for v in rain.values),
            rain.attrs["units"],
        )

        png = args.out / "climate.png"
        plot(back, png)
        print(f"\n6. figure with unit-labelled axes: {png}")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def plot(results: xr.Dataset, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    # xarray labels each axis "name [units]" from the attributes dequantify wrote.
    results.tas_anomaly.isel(time=-1).plot(ax=left, cmap="RdBu_r")
    results.air_density.plot(ax=right)
    left.set_title("temperature anomaly, last day")
    right.set_title("zonal-mean air density")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    main()
