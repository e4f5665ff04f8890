"""xarray with DimArray and DaskDimArray data, and the ``.dimtensor`` accessor.

The operation table ports the DataArray part of xarray's own unit tests
(``xarray/tests/test_units.py``, written there for pint), in this project's
words: each xarray operation runs on quantified data, eager and lazy, and
must give the unit the core's rules give and the numbers raw xarray gives
on the magnitudes. Real components: xarray with dask, zarr stores and
netCDF files on disk, udunits2 (cf-units) reading what is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import cf_units
import dask.array as da
import dimtensor.xarray  # noqa: F401  (registers .dimtensor)
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from dimtensor import DimArray, units
from dimtensor.dask import DaskDimArray
from dimtensor.errors import DimensionError, DimtensorError, OffsetUnitError, UnitStrippedError

TIMES = pd.date_range("2000-01-01", periods=8, freq="D")


def _values() -> np.ndarray:
    return np.random.default_rng(1).normal(280.0, 4.0, (8, 5))


def _data(unit: str, lazy: bool) -> Any:
    values = _values()
    if lazy:
        return DaskDimArray(da.from_array(values, chunks=(4, 5)), unit)
    return DimArray(values, unit)


def make(unit: str = "K", lazy: bool = False) -> xr.DataArray:
    """A (time, x) DataArray with a plain index x in km, and a copy of x as a
    quantified non-index coordinate ``x_q``."""
    x = np.array([0.0, 1.0, 2.5, 3.0, 5.0])
    return xr.DataArray(
        _data(unit, lazy),
        dims=("time", "x"),
        coords={"time": TIMES, "x": x, "x_q": ("x", DimArray(x, "km"))},
        name="t",
    )


def plain() -> xr.DataArray:
    """The same array without units (the reference numbers)."""
    x = np.array([0.0, 1.0, 2.5, 3.0, 5.0])
    return xr.DataArray(
        _values(), dims=("time", "x"), coords={"time": TIMES, "x": x, "x_q": ("x", x)}, name="t"
    )


def magnitudes(a: Any) -> np.ndarray:
    data = a.data
    if isinstance(data, DaskDimArray):
        data = data.compute()
    return np.asarray(data._data if isinstance(data, DimArray) else data)


WEIGHTS = xr.DataArray([1.0, 2.0, 1.0, 3.0, 1.0], dims="x")

# name -> (operation, unit of the result for data in K, reference on plain data)
Op = Callable[[xr.DataArray], xr.DataArray]
OPS: dict[str, tuple[Op, str | None]] = {
    "mean": (lambda a: a.mean("time"), "K"),
    "sum": (lambda a: a.sum("time"), "K"),
    "std": (lambda a: a.std("time"), "K"),
    "var": (lambda a: a.var("time"), "K^2"),
    "median": (lambda a: a.median("time"), "K"),
    "min": (lambda a: a.min(), "K"),
    "max": (lambda a: a.max("x"), "K"),
    "argmax": (lambda a: a.argmax("time"), None),
    "cumsum": (lambda a: a.cumsum("time"), "K"),
    "prod": (lambda a: (a / a.mean()).prod("time"), ""),
    "count": (lambda a: a.count("time"), None),
    "anomaly": (lambda a: a - a.mean("time"), "K"),
    "scale": (lambda a: a * 2.0, "K"),
    "power": (lambda a: a**2, "K^2"),
    "sqrt": (lambda a: np.sqrt(a * a), "K"),
    "where": (lambda a: a.where(a > a.mean()), "K"),
    "fillna": (lambda a: a.where(a > a.mean()).fillna(a.mean()), "K"),
    "clip": (lambda a: a.clip(min=a.mean()), "K"),
    "round": (lambda a: a.round(), "K"),
    "isel": (lambda a: a.isel(time=slice(1, 4)), "K"),
    "sel": (lambda a: a.sel(x=2.5), "K"),
    "transpose": (lambda a: a.transpose(), "K"),
    "stack": (lambda a: a.stack(z=("time", "x")), "K"),
    "unstack": (lambda a: a.stack(z=("time", "x")).unstack("z"), "K"),
    "shift": (lambda a: a.shift(time=1), "K"),
    "roll": (lambda a: a.roll(time=1), "K"),
    "pad": (lambda a: a.pad(time=(1, 2)), "K"),
    "diff": (lambda a: a.diff("time"), "K"),
    "concat": (lambda a: xr.concat([a, a.isel(time=[0])], dim="time"), "K"),
    "broadcast_like": (lambda a: a.isel(x=0).broadcast_like(a), "K"),
    "reindex": (lambda a: a.reindex(x=[0.0, 1.0, 4.0]), "K"),
    "sortby": (lambda a: a.sortby("x", ascending=False), "K"),
    "coarsen": (lambda a: a.coarsen(time=2).mean(), "K"),
    "resample": (lambda a: a.resample(time="2D").mean(), "K"),
    "groupby": (lambda a: a.groupby("time.dayofweek").mean(), "K"),
    "groupby_anomaly": (
        lambda a: a.groupby("time.dayofweek") - a.groupby("time.dayofweek").mean(),
        "K",
    ),
    "weighted_mean": (lambda a: a.weighted(WEIGHTS).mean("x"), "K"),
    "weighted_sum": (lambda a: a.weighted(WEIGHTS).sum("x"), "K"),
    "quantile": (lambda a: a.quantile([0.25, 0.5], dim="time"), "K"),
    "dot": (lambda a: xr.dot(a, a, dim="x"), "K^2"),
    "differentiate": (lambda a: a.differentiate("x_q"), "K/km"),
    "integrate": (lambda a: a.integrate("x_q"), "K*km"),
    "cumulative_integrate": (lambda a: a.cumulative_integrate("x_q"), "K*km"),
    # x is a plain index here, so every coefficient is in the data's unit.
    "polyfit": (lambda a: a.polyfit("x", 1).polyfit_coefficients, "K"),
    "rolling_mean": (lambda a: a.rolling(time=3).mean(), "K"),
    "rolling_max": (lambda a: a.rolling(time=3, center=True).max(), "K"),
    "rolling_construct": (lambda a: a.rolling(time=3).construct("w"), "K"),
    "rolling_sum": (lambda a: a.rolling(time=2, min_periods=1).sum(), "K"),
    "rolling_std": (lambda a: a.rolling(time=3, center=True, min_periods=2).std(), "K"),
    "rolling_var_2d": (lambda a: a.rolling(time=2, x=2).var(), "K^2"),
    "ffill": (lambda a: a.shift(time=1).ffill("time"), "K"),
    "interp": (lambda a: a.interp(x=[0.5, 1.5]), "K"),
}

# What does not keep its unit yet, and why (each is a loud error, never a
# unit dropped in silence).
EAGER_FAILS = {
    "ffill": "xarray's ffill/bfill run bottleneck or numbagg, which take plain arrays",
    "interp": "xarray's interp runs scipy.interpolate on plain arrays",
}
LAZY_FAILS = {
    "ffill": "xarray's dask path calls dask's push (cumreduction) on the array itself",
    "interp": "xarray's dask path mixes DaskDimArray and dask arrays in one blockwise call",
    "polyfit": "xarray's dask path calls dask's lstsq on the array itself",
}


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
@pytest.mark.parametrize("name", list(OPS))
def test_operation_keeps_the_unit(name: str, lazy: bool) -> None:
    op, unit = OPS[name]
    fails = LAZY_FAILS if lazy else EAGER_FAILS
    if name in fails:
        with pytest.raises((TypeError, ValueError, AttributeError, ImportError)):
            magnitudes(op(make("K", lazy)))
        return
    result = op(make("K", lazy))
    expected = op(plain())
    if unit is None:
        assert not isinstance(result.data, (DimArray, DaskDimArray)) or (
            result.data.unit.is_dimensionless
        )
    else:
        kind = DaskDimArray if lazy else DimArray
        assert isinstance(result.data, kind), type(result.data)
        assert result.data.unit == units.parse(unit)
    np.testing.assert_allclose(magnitudes(result), expected.values, rtol=1e-12, equal_nan=True)
    assert result.dims == expected.dims


def test_lazy_operations_compute_nothing_while_built() -> None:
    calls = []

    def loud(block: np.ndarray) -> np.ndarray:
        calls.append(1)
        return block

    a = make("K", lazy=True)
    blocks = a.data.data.map_blocks(loud, meta=np.empty((0, 0)))  # no call to infer meta
    a = a.copy(data=DaskDimArray(blocks, "K"))
    for name, (op, _) in OPS.items():
        if name not in LAZY_FAILS:
            op(a)
    assert calls == []


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
def test_unit_mistakes_raise_before_anything_runs(lazy: bool) -> None:
    t = make("K", lazy)
    p = t.copy(data=_data("hPa", lazy))
    with pytest.raises(DimensionError, match="'K'"):
        t + p
    with pytest.raises(DimensionError):
        xr.concat([t, p], dim="time")
    with pytest.raises(DimensionError):
        t.where(t > p)


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
def test_temperature_points_follow_the_kind_rules(lazy: bool) -> None:
    t = make("degC", lazy)
    assert (t - t.mean("time")).data.unit == units.parse("delta_degC")
    assert t.mean("time").data.unit == units.degC
    assert t.std("time").data.unit == units.parse("delta_degC")
    with pytest.raises(OffsetUnitError, match="K"):
        t.sum("time")  # a sum of points has no meaning: convert to K first
    with pytest.raises(OffsetUnitError):
        t.weighted(WEIGHTS).mean("x")  # weights multiply: likewise
    assert t.dimtensor.to("K").sum("time").data.unit == units.K


def test_lazy_rolling_builds_what_raw_dask_builds() -> None:
    """Lazy rolling goes through xarray's dask chunk manager, which dimtensor
    replaces by a subclass whose sliding_window_view keeps the unit; plain
    dask data is handled exactly as before."""
    from dimtensor.xarray._chunkmanager import UnitDaskManager
    from xarray.namedarray.parallelcompat import get_chunked_array_type

    raw = plain().chunk({"time": 4})
    assert isinstance(get_chunked_array_type(raw.data), UnitDaskManager)
    window = raw.rolling(time=3).construct("w")
    assert type(window.data) is da.Array
    np.testing.assert_array_equal(
        window.values,
        np.lib.stride_tricks.sliding_window_view(
            np.pad(_values(), ((2, 0), (0, 0)), constant_values=np.nan), 3, axis=0
        ),
    )
    q = make("K", lazy=True)
    mean, raw_mean = q.rolling(time=3).mean(), raw.rolling(time=3).mean()
    # xarray turns the fill value 0 into an array of the data's namespace (a
    # one-element dask array, then cast): it goes into where as its value
    assert len(mean.data.__dask_graph__()) == len(raw_mean.data.__dask_graph__())
    c = make("degC", lazy=True)
    with pytest.raises(OffsetUnitError, match="K"):
        c.rolling(time=3).mean()  # xarray's rolling mean sums the points
    assert c.dimtensor.to("K").rolling(time=3).mean().data.unit == units.K


def test_inline_repr_shows_the_unit_without_computing() -> None:
    ds = xr.Dataset({"eager": make("K").isel(time=0), "lazy": make("hPa", lazy=True)})
    text = repr(ds)
    assert "[K] 279" in text or "[K] 28" in text
    assert "[hPa] dask.array<chunksize=(4, 5)>" in text


# ---- files and the accessor ---------------------------------------------


def cf_dataset() -> xr.Dataset:
    rng = np.random.default_rng(2)
    t = rng.normal(15.0, 5.0, (8, 4, 6))
    return xr.Dataset(
        {
            "tas": (
                ("time", "lat", "lon"),
                t,
                {"units": "degC", "standard_name": "air_temperature"},
            ),
            "pr": (("time", "lat", "lon"), np.abs(t) * 1e-5, {"units": "kg m-2 s-1"}),
            "anom": (
                ("time", "lat", "lon"),
                t - 15.0,
                {"units": "degC", "units_metadata": "temperature: difference"},
            ),
            "age": (("time",), np.arange(8.0), {"units": "kyr"}),
            "label": (("time",), np.array(list("abcdefgh"))),
        },
        coords={
            "time": TIMES,
            "lat": ("lat", [-30.0, 0.0, 30.0, 60.0], {"units": "degrees_north"}),
            "lon": ("lon", np.arange(6) * 60.0, {"units": "degrees_east"}),
            "height": ((), 2.0, {"units": "m"}),
        },
    )


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "cf.zarr"
    cf_dataset().to_zarr(path)
    return path


def test_quantify_reads_cf_attributes_lazily(store: Path) -> None:
    raw = xr.open_zarr(store)
    q = raw.dimtensor.quantify()
    assert isinstance(q.tas.data, DaskDimArray)
    assert q.tas.data.unit == units.degC
    assert q.pr.data.unit == units.parse("kg/(m^2*s)")
    assert q.anom.data.unit == units.parse("delta_degC")
    assert q.age.data.unit == units.parse("kyr", dialect="cf")  # the tropical kiloyear
    assert q.height.data.unit == units.m
    assert q.label.dtype.kind == "U"  # text stays text
    assert "units" not in q.tas.attrs and q.tas.attrs["standard_name"] == "air_temperature"
    # Index coordinates keep their values and units attribute.
    assert q.lat.attrs["units"] == "degrees_north"
    # Wrapping adds no task.
    assert len(q.tas.data.__dask_graph__()) == len(raw.tas.data.__dask_graph__())


def test_quantify_with_units_given(store: Path) -> None:
    raw = xr.open_zarr(store)
    q = raw.dimtensor.quantify({"tas": "K"}, pr="kg m-2 d-1")
    np.testing.assert_allclose(
        magnitudes(q.tas), raw.tas.values + 273.15, rtol=1e-12
    )  # converted from the attribute's degC
    np.testing.assert_allclose(magnitudes(q.pr), raw.pr.values * 86400.0, rtol=1e-12)
    eager = cf_dataset().dimtensor.quantify()
    assert isinstance(eager.tas.data, DimArray)
    with pytest.raises(KeyError, match="nope"):
        raw.dimtensor.quantify(nope="m")


def test_dequantify_round_trips_through_zarr_and_netcdf(store: Path, tmp_path: Path) -> None:
    q = xr.open_zarr(store).dimtensor.quantify()
    out = xr.Dataset({"anomaly": q.tas - q.tas.mean("time"), "pr": q.pr.dimtensor.to("kg/m^2/d")})
    back_attrs = out.dimtensor.dequantify().anomaly.attrs
    assert back_attrs["units"] == "degC"
    assert back_attrs["units_metadata"] == "temperature: difference"
    out.dimtensor.to_zarr(tmp_path / "out.zarr")
    out.dimtensor.to_netcdf(tmp_path / "out.nc", engine="h5netcdf")
    for opened in (
        xr.open_zarr(tmp_path / "out.zarr"),
        xr.open_dataset(tmp_path / "out.nc", engine="h5netcdf"),
    ):
        for name in ("anomaly", "pr"):
            # udunits2 reads what was written
            cf_units.Unit(opened[name].attrs["units"])
        again = opened.dimtensor.quantify()
        assert again.anomaly.data.unit == units.parse("delta_degC")
        assert again.pr.data.unit == units.parse("kg/m^2/d")
        np.testing.assert_allclose(magnitudes(again.pr), magnitudes(out.pr), rtol=1e-12)


def test_time_references_keep_their_epoch() -> None:
    ds = xr.Dataset({"t": ("n", [0.0, 1.5], {"units": "days since 1970-01-01"})})
    q = ds.dimtensor.quantify()
    assert q.t.data.unit == units.d
    assert q.t.dimtensor.to("h").data._data.tolist() == [0.0, 36.0]
    assert q.dimtensor.dequantify().t.attrs["units"] == "d since 1970-01-01"


def test_plain_writers_never_drop_units_silently(tmp_path: Path, store: Path) -> None:
    eager = cf_dataset().dimtensor.quantify()
    with pytest.raises(UnitStrippedError, match="dequantify"):
        eager.to_netcdf(tmp_path / "plain.nc", engine="h5netcdf")
    with pytest.raises(UnitStrippedError, match="dequantify"):
        eager[["tas"]].drop_vars("height").to_zarr(tmp_path / "plain.zarr")
    lazy = xr.open_zarr(store).dimtensor.quantify()[["tas"]].drop_vars("height")
    # dask's store refuses a DaskDimArray: nothing is written without units.
    with pytest.raises(ValueError, match="dask array"):
        lazy.to_zarr(tmp_path / "plain2.zarr")


def test_sel_and_loc_convert_labels(store: Path) -> None:
    q = xr.open_zarr(store).dimtensor.quantify()
    by_rad = q.tas.dimtensor.sel(lat=DimArray(np.pi / 6, "rad"), method="nearest")
    assert by_rad.lat.item() == 30.0
    by_slice = q.dimtensor.sel(lon=slice(DimArray(1.0, "rad"), DimArray(3.0, "rad")))
    assert by_slice.lon.values.tolist() == [60.0, 120.0]
    assert q.tas.dimtensor.loc[{"lat": DimArray(0.0, "deg")}].shape == (8, 6)
    assert q.tas.dimtensor.sel(lat=30.0).shape == (8, 6)  # plain: the coordinate's unit
    with pytest.raises(DimensionError):
        q.tas.dimtensor.sel(lat=DimArray(1.0, "m"))


def test_integrate_and_differentiate_take_the_index_unit(store: Path) -> None:
    q = xr.open_zarr(store).dimtensor.quantify()
    i = q.pr.dimtensor.integrate("lon")
    assert i.data.unit == q.pr.data.unit * units.deg
    d = q.tas.dimtensor.differentiate("lat")
    assert d.data.unit == units.parse("delta_degC/deg")
    np.testing.assert_allclose(
        magnitudes(d), xr.open_zarr(store).tas.differentiate("lat").values, rtol=1e-12
    )
    assert "__dimtensor_lat" not in d.coords


def test_a_quantified_dataset_computes_on_a_local_cluster(store: Path) -> None:
    distributed = pytest.importorskip("distributed")
    q = xr.open_zarr(store).dimtensor.quantify()
    anomaly = (q.tas - q.tas.mean("time")).mean(["lat", "lon"])
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        result = anomaly.compute()
    assert isinstance(result.data, DimArray)
    assert result.data.unit == units.parse("delta_degC")
    reference = xr.open_zarr(store).tas
    np.testing.assert_allclose(
        magnitudes(result), (reference - reference.mean("time")).mean(["lat", "lon"]).values
    )


def test_numpy_ufuncs_with_a_dataarray_defer_to_xarray() -> None:
    """np.maximum(DimArray, DataArray) is xarray's to run (as `+` is), so the
    DataArray is not taken for a plain number."""
    a = make("K")
    x = DimArray(np.array(280.0), "K")
    for result in (np.maximum(x, a), np.add(x, a), x + a):
        assert isinstance(result, xr.DataArray)
        assert result.data.unit == units.K
    np.testing.assert_allclose(magnitudes(np.maximum(x, a)), np.maximum(280.0, _values()))
    with pytest.raises(DimensionError):
        np.add(DimArray(np.array(1.0), "m"), a)


# ---- operations xarray runs on plain arrays only: through the accessor ----


def _gappy(unit: str, lazy: bool) -> xr.DataArray:
    values = np.array([[1.0, np.nan, 3.0, np.nan], [np.nan, 2.0, np.nan, 8.0]])
    data = DaskDimArray(values, unit, chunks=(1, 4)) if lazy else DimArray(values, unit)
    return xr.DataArray(
        data,
        dims=("y", "t"),
        coords={
            "t": ("t", [0.0, 1.0, 2.0, 3.0], {"units": "h"}),
            "lat": ("y", DimArray(np.array([10.0, 20.0]), "deg")),
        },
    )


ACCESSOR_OPS = {
    "ffill": lambda a: a.ffill("t"),
    "ffill_limit": lambda a: a.ffill("t", limit=1),
    "bfill": lambda a: a.bfill("t"),
    "interpolate_na": lambda a: a.interpolate_na("t"),
    "interp": lambda a: a.interp(t=[0.5, 1.5]),
}


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
@pytest.mark.parametrize("name", list(ACCESSOR_OPS))
@pytest.mark.parametrize("unit", ["K", "degC"])
def test_accessor_runs_what_xarray_runs_on_plain_arrays(name: str, lazy: bool, unit: str) -> None:
    """ffill/bfill/interpolate_na/interp keep every variable's unit; the
    numbers are xarray's own on the plain data; lazy stays lazy."""
    op = ACCESSOR_OPS[name]
    a = _gappy(unit, lazy)
    accessor_name = name.removesuffix("_limit")
    method = getattr(a.dimtensor, accessor_name)
    kwargs = {"limit": 1} if name == "ffill_limit" else {}
    args = {"interp": ({"t": [0.5, 1.5]},)}.get(name, ("t",))
    result = method(*args, **kwargs)
    assert isinstance(result.data, DaskDimArray if lazy else DimArray)
    assert result.data.unit == units.parse(unit)
    assert result.coords["lat"].data.unit == units.deg
    expected = op(a.dimtensor.dequantify())
    np.testing.assert_allclose(magnitudes(result), expected.values, equal_nan=True)


def test_accessor_interp_converts_quantity_labels() -> None:
    a = _gappy("K", lazy=False).dimtensor.interpolate_na("t")
    r = a.dimtensor.interp(t=DimArray(np.array([30.0, 90.0]), "min"))
    np.testing.assert_allclose(r.t.values, [0.5, 1.5])
    np.testing.assert_allclose(magnitudes(r), a.dimtensor.dequantify().interp(t=[0.5, 1.5]).values)
    with pytest.raises(DimensionError):
        a.dimtensor.interp(t=DimArray(np.array([1.0]), "m"))


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
def test_accessor_polyfit_gives_coefficients_units_from_the_rule(lazy: bool) -> None:
    a = make("K", lazy)  # x: a plain index
    fit = a.dimtensor.polyfit("x", 1)
    c = fit.polyfit_coefficients
    assert isinstance(c.data, DaskDimArray if lazy else DimArray)
    assert c.data.unit == units.K
    np.testing.assert_allclose(magnitudes(c), plain().polyfit("x", 1).polyfit_coefficients.values)
    ds = xr.Dataset({"t": a, "p": a.copy(data=_data("hPa", lazy))})
    units_of = {k: v.data.unit for k, v in ds.dimtensor.polyfit("x", 2).data_vars.items()}
    assert units_of == {"t_polyfit_coefficients": units.K, "p_polyfit_coefficients": units.hPa}
    # a coordinate with a unit gives every degree its own unit: refused
    timed = a.assign_coords(x=("x", a.x.values, {"units": "km"}))
    with pytest.raises(DimtensorError, match="'K/km', 'K'"):
        timed.dimtensor.polyfit("x", 1)
    with pytest.raises(DimtensorError, match="'Δ°C', '°C'"):
        make("degC", lazy).dimtensor.polyfit("x", 1)  # slope and intercept differ in kind
    assert make("degC", lazy).dimtensor.polyfit("x", 0).polyfit_coefficients.data.unit == (
        units.degC
    )


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
def test_native_calls_that_cannot_keep_units_say_what_does(lazy: bool) -> None:
    """xarray's own ffill/bfill (bottleneck, or dask scans of it) take plain
    numbers: on quantified data they raise, naming the accessor's methods."""
    a = _gappy("K", lazy)
    for op in (lambda a: a.ffill("t"), lambda a: a.bfill("t"), lambda a: a.ffill("t", limit=1)):
        with pytest.raises((TypeError, UnitStrippedError), match=r"\.dimtensor\.ffill"):
            op(a)


def test_dask_map_blocks_and_map_overlap_take_the_result_unit() -> None:
    x = DaskDimArray(np.arange(6.0), "m", chunks=3)
    np.testing.assert_allclose(
        x.map_overlap(lambda b: b * 2, depth=1, unit="cm").compute().to("m")._data,
        np.arange(6.0) * 0.02,
    )
    with pytest.raises(TypeError, match="needs unit="):
        x.map_blocks(np.cumsum)
