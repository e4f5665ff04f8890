"""Zarr (v3) I/O for DaskDimArray on real stores on disk: round trips of the
unit through the CF ``units`` attribute, lazy opening, refusals before any
write, group components, stores written by plain zarr."""

import dask.array as da
import dimtensor as dt
import numpy as np
import pytest
import zarr
from dimtensor import DimArray
from dimtensor.dask import DaskDimArray, from_zarr, to_zarr
from dimtensor.errors import DimtensorError, UnitParseError
from task_counter import CountTasks


def test_zarr_is_version_3() -> None:
    assert zarr.__version__.split(".")[0] == "3"


@pytest.mark.parametrize(
    ("unit", "cf"),
    [("hPa", "hPa"), ("degC", "degC"), ("", "1"), ("kg m-2 s-1", "kg m-2 s-1"), ("m/s", "m s-1")],
)
def test_round_trip_keeps_unit_and_data(tmp_path, unit, cf) -> None:
    values = np.linspace(-5.0, 30.0, 24).reshape(4, 6)
    x = DaskDimArray(values, unit, chunks=(2, 3))
    path = tmp_path / "x.zarr"
    assert to_zarr(x, path) is None
    # Written for other CF tools: plain zarr sees the CF text.
    assert zarr.open_array(path, mode="r").attrs["units"] == cf
    y = from_zarr(path)
    assert isinstance(y, DaskDimArray)
    assert y.unit == dt.units.parse(unit)
    assert y.chunks == ((2, 2), (3, 3))
    out = y.compute()
    assert isinstance(out, DimArray)
    np.testing.assert_array_equal(np.asarray(out._data), values)


def test_dimensionless_attribute_is_1_and_reads_back_dimensionless(tmp_path) -> None:
    to_zarr(DaskDimArray(np.ones(3), None, chunks=3), tmp_path / "r.zarr")
    assert zarr.open_array(tmp_path / "r.zarr", mode="r").attrs["units"] == "1"
    assert from_zarr(tmp_path / "r.zarr").is_dimensionless


def test_open_is_lazy_until_compute(tmp_path) -> None:
    path = str(tmp_path / "p.zarr")
    to_zarr(DaskDimArray(np.full((6, 4), 1000.0), "hPa", chunks=(2, 4)), path)
    counter = CountTasks()
    with counter:
        p = from_zarr(path, unit="Pa")  # opens, converts, reduces: nothing runs
        total = p.sum()
        assert counter.count == 0
        result = total.compute()
        assert counter.count > 0
    assert result.unit == dt.units.Pa
    assert float(np.asarray(result._data)) == pytest.approx(24 * 100000.0)


def test_explicit_unit_converts_from_the_stored_one(tmp_path) -> None:
    path = tmp_path / "t.zarr"
    to_zarr(DaskDimArray(np.array([0.0, 20.0, -273.15]), "degC", chunks=2), path)
    t = from_zarr(path, unit="K")
    assert t.unit == dt.units.K
    np.testing.assert_allclose(np.asarray(t.compute()._data), [273.15, 293.15, 0.0], atol=1e-12)
    # A unit of another dimension is refused while building, not at compute.
    with pytest.raises(dt.errors.UnitConversionError):
        from_zarr(path, unit="m")


def test_missing_units_attribute_is_an_error_naming_the_store(tmp_path) -> None:
    path = tmp_path / "bare.zarr"
    z = zarr.create_array(path, shape=(3,), chunks=(3,), dtype="f8")
    z[:] = [1.0, 2.0, 3.0]
    with pytest.raises(DimtensorError, match=r"bare\.zarr.*no 'units' attribute"):
        from_zarr(path)
    # Given explicitly, the data are taken to be in that unit.
    x = from_zarr(path, unit="m")
    assert x.unit == dt.units.m
    np.testing.assert_array_equal(np.asarray(x.compute()._data), [1.0, 2.0, 3.0])


def test_unparseable_units_attribute_names_the_text(tmp_path) -> None:
    path = tmp_path / "bad.zarr"
    z = zarr.create_array(path, shape=(2,), chunks=(2,), dtype="f8")
    z.attrs["units"] = "furlongs per fortnight!!"
    with pytest.raises(UnitParseError, match=r"'furlongs per fortnight!!'.*bad\.zarr"):
        from_zarr(path)
    with pytest.raises(UnitParseError, match=r"not unit text"):
        z.attrs["units"] = 42
        from_zarr(path)


def test_reads_a_store_written_by_plain_zarr(tmp_path) -> None:
    path = tmp_path / "plain.zarr"
    z = zarr.create_array(path, shape=(2, 3), chunks=(1, 3), dtype="f4")
    z[:] = np.arange(6, dtype="f4").reshape(2, 3)
    z.attrs["units"] = "kg m-2 s-1"
    z.attrs["long_name"] = "precipitation flux"
    x = from_zarr(path)
    assert x.unit == dt.units.kg / dt.units.m**2 / dt.units.s
    assert x.dtype == np.float32
    assert x.chunks == ((1, 1), (3,))
    np.testing.assert_array_equal(np.asarray(x.compute()._data), z[:])
    # An opened zarr.Array works too, and chunks can be overridden.
    y = from_zarr(zarr.open_array(path, mode="r"), chunks=(2, 3))
    assert y.unit == x.unit and y.chunks == ((2,), (3,))


def test_component_in_a_group(tmp_path) -> None:
    path = tmp_path / "group.zarr"
    zarr.open_group(path, mode="w").create_group("atmos")
    p = DaskDimArray(np.full(4, 1013.25), "hPa", chunks=2)
    t = DaskDimArray(np.full(4, 15.0), "degC", chunks=2)
    to_zarr(p, path, component="atmos/pressure")
    to_zarr(t, path, component="atmos/temperature")
    group = zarr.open_group(path, mode="r")
    assert group["atmos/pressure"].attrs["units"] == "hPa"
    assert group["atmos/temperature"].attrs["units"] == "degC"
    assert from_zarr(path, "atmos/pressure").unit == dt.units.hPa
    assert from_zarr(path, component="atmos/temperature").unit == dt.units.degC
    with pytest.raises(DimtensorError, match=r"component 'atmos/bare'"):
        group = zarr.open_group(path, mode="a")
        group.create_array("atmos/bare", shape=(1,), dtype="f8")
        from_zarr(path, component="atmos/bare")


def test_mismatched_existing_units_refused_before_writing(tmp_path) -> None:
    path = tmp_path / "p.zarr"
    to_zarr(DaskDimArray(np.full(4, 1013.25), "hPa", chunks=2), path, component="p")
    before = {f.relative_to(path): f.read_bytes() for f in path.rglob("*") if f.is_file()}
    in_pa = DaskDimArray(np.full(4, 101325.0), "Pa", chunks=2)
    counter = CountTasks()
    with counter, pytest.raises(DimtensorError, match=r"'hPa'.*'Pa'"):
        to_zarr(in_pa, path, component="p")
    assert counter.count == 0
    after = {f.relative_to(path): f.read_bytes() for f in path.rglob("*") if f.is_file()}
    assert after == before  # data chunks and metadata untouched
    np.testing.assert_array_equal(zarr.open_array(path, path="p", mode="r")[:], 1013.25)
    assert from_zarr(path, "p").unit == dt.units.hPa
    # Converted first, it goes in.
    to_zarr(in_pa.to("hPa") * 2, path, component="p")
    np.testing.assert_allclose(from_zarr(path, "p").compute()._data, 2026.5)


def test_existing_array_without_units_or_other_shape_is_refused(tmp_path) -> None:
    path = tmp_path / "e.zarr"
    z = zarr.create_array(path, shape=(2,), chunks=(2,), dtype="f8")
    z[:] = [7.0, 8.0]
    x = DaskDimArray(np.zeros(2), "m", chunks=2)
    with pytest.raises(DimtensorError, match="without a 'units' attribute"):
        to_zarr(x, path)
    z.attrs["units"] = "m"
    with pytest.raises(DimtensorError, match=r"shape \(2,\)"):
        to_zarr(DaskDimArray(np.zeros(3), "m", chunks=3), path)
    np.testing.assert_array_equal(zarr.open_array(path, mode="r")[:], [7.0, 8.0])


def test_equal_existing_units_by_value_write_into_the_array(tmp_path) -> None:
    path = tmp_path / "v.zarr"
    z = zarr.create_array(path, shape=(4,), chunks=(2,), dtype="f8")
    z.attrs["units"] = "m/s"  # same unit as "m s-1", spelled differently
    v = DaskDimArray(np.arange(4.0), dt.units.m / dt.units.s, chunks=2)
    to_zarr(v, path)
    np.testing.assert_array_equal(zarr.open_array(path, mode="r")[:], np.arange(4.0))
    assert zarr.open_array(path, mode="r").attrs["units"] == "m/s"  # left as it was
    # Also through an opened zarr.Array.
    to_zarr(v * 2, zarr.open_array(path, mode="r+"))
    np.testing.assert_array_equal(zarr.open_array(path, mode="r")[:], 2 * np.arange(4.0))
    with pytest.raises(DimtensorError, match="'m/s'"):
        to_zarr(DaskDimArray(np.arange(4.0), "km/h", chunks=2), zarr.open_array(path, mode="r+"))


def test_overwrite_replaces_array_and_unit(tmp_path) -> None:
    path = tmp_path / "o.zarr"
    to_zarr(DaskDimArray(np.full(4, 1013.25), "hPa", chunks=2), path)
    to_zarr(DaskDimArray(np.full(6, 300.0), "K", chunks=3), path, overwrite=True)
    x = from_zarr(path)
    assert x.unit == dt.units.K and x.shape == (6,)
    np.testing.assert_array_equal(np.asarray(x.compute()._data), 300.0)


def test_compute_false_defers_the_data_but_not_the_unit(tmp_path) -> None:
    path = tmp_path / "d.zarr"
    x = DaskDimArray(da.full((4,), 2.5, chunks=2), "kg")
    delayed = to_zarr(x, path, compute=False)
    assert zarr.open_array(path, mode="r").attrs["units"] == "kg"
    delayed.compute()
    np.testing.assert_array_equal(from_zarr(path).compute()._data, 2.5)


def test_to_zarr_needs_a_dask_dim_array(tmp_path) -> None:
    with pytest.raises(TypeError, match="DaskDimArray"):
        to_zarr(da.ones(3), tmp_path / "n.zarr")
    assert not (tmp_path / "n.zarr").exists()
