"""zarr stores behind fsspec URLs (file://, memory://, s3:// on a real local
S3-compatible server read through s3fs), and ``unit=`` overriding a
``units`` attribute that is not a unit."""

import uuid
import warnings

import dimtensor as dt
import numpy as np
import pytest
import zarr
from dimtensor import units
from dimtensor.dask import DaskDimArray, from_zarr, to_zarr
from dimtensor.errors import UnitConversionError, UnitParseError
from task_counter import CountTasks


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_s3_round_trip_with_units(s3) -> None:
    url = f"s3://bucket/{_unique('climate')}/temperature.zarr"
    values = np.linspace(-20.0, 35.0, 24).reshape(4, 6)
    DaskDimArray(values, "degC", chunks=(2, 3)).to_zarr(url, storage_options=s3)
    # What a plain zarr user sees in the bucket: the CF attribute.
    assert zarr.open_array(url, mode="r", storage_options=s3).attrs["units"] == "degC"
    with CountTasks() as counter:
        temperature = DaskDimArray.from_zarr(url, unit=units.K, storage_options=s3)
    assert counter.count == 0
    assert temperature.unit == units.K and temperature.chunks == ((2, 2), (3, 3))
    np.testing.assert_allclose(temperature.compute()._data, values + 273.15, rtol=1e-14)
    # The module function is the same thing.
    same = from_zarr(url, storage_options=s3)
    assert same.unit == units.degC
    np.testing.assert_array_equal(same.compute()._data, values)


def test_s3_component_in_a_group_written_by_plain_zarr(s3) -> None:
    url = f"s3://bucket/{_unique('run')}/air.zarr"
    group = zarr.open_group(url, mode="w", storage_options=s3)
    p = group.create_array("pressure", shape=(3, 4), chunks=(3, 2), dtype="f4")
    p[:] = np.full((3, 4), 1013.25, dtype="f4")
    p.attrs["units"] = "hPa"
    x = DaskDimArray.from_zarr(url, component="pressure", unit="Pa", storage_options=s3)
    assert x.unit == units.Pa and x.dtype == np.float32
    np.testing.assert_allclose(x.compute()._data, 101325.0, rtol=1e-6)
    # Writing back next to it, into the same group.
    to_zarr(x.to("kPa"), url, component="pressure_kPa", storage_options=s3)
    back = from_zarr(url, "pressure_kPa", storage_options=s3)
    assert back.unit == units.kPa
    np.testing.assert_allclose(back.compute()._data, 101.325, rtol=1e-6)


def test_s3_refuses_to_write_other_units_into_an_existing_array(s3) -> None:
    url = f"s3://bucket/{_unique('refuse')}/t.zarr"
    DaskDimArray(np.ones(4), "K", chunks=2).to_zarr(url, storage_options=s3)
    with pytest.raises(dt.errors.DimtensorError, match=r"holds data in 'K'"):
        DaskDimArray(np.ones(4), "m", chunks=2).to_zarr(url, storage_options=s3)


def test_file_and_memory_urls(tmp_path) -> None:
    file_url = (tmp_path / "p.zarr").as_uri()  # file:///...
    assert file_url.startswith("file://")
    to_zarr(DaskDimArray(np.full(4, 2.5), "bar", chunks=2), str(tmp_path / "p.zarr"))
    x = DaskDimArray.from_zarr(file_url)
    assert x.unit == units.bar
    np.testing.assert_array_equal(x.compute()._data, 2.5)

    mem_url = f"memory://{_unique('mem')}/v.zarr"
    DaskDimArray(np.arange(6.0), "km/h", chunks=3).to_zarr(mem_url)
    v = DaskDimArray.from_zarr(mem_url, unit="m/s")
    assert v.unit == units.m / units.s
    np.testing.assert_allclose(v.compute()._data, np.arange(6.0) / 3.6, rtol=1e-14)


def _store_with_attribute(path, attr) -> str:
    z = zarr.create_array(path, shape=(3,), chunks=(3,), dtype="f8")
    z[:] = [0.0, 1.5, 365.0]
    z.attrs["units"] = attr
    return str(path)


def test_unit_overrides_an_attribute_that_is_not_a_unit_with_a_warning(tmp_path) -> None:
    path = _store_with_attribute(tmp_path / "time.zarr", "see documentation")
    # Without unit=, the attribute's text and the store are named.
    with pytest.raises(UnitParseError, match=r"see documentation.*time\.zarr"):
        from_zarr(path)
    with pytest.warns(UserWarning) as record:
        t = DaskDimArray.from_zarr(path, unit=units.day)
    (w,) = record
    message = str(w.message)
    assert "see documentation" in message and "time.zarr" in message
    assert "taking the data to be in 'd'" in message
    assert w.filename == __file__  # points at the caller's line
    assert t.unit == units.day
    np.testing.assert_array_equal(t.compute()._data, [0.0, 1.5, 365.0])  # not converted
    # A non-text attribute is overridden the same way.
    path = _store_with_attribute(tmp_path / "odd.zarr", 42)
    with pytest.warns(UserWarning, match="42"):
        assert from_zarr(path, unit="s").unit == units.s


def test_unit_converts_a_readable_attribute_without_a_warning(tmp_path) -> None:
    path = _store_with_attribute(tmp_path / "len.zarr", "km")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = from_zarr(path, unit="m")
    np.testing.assert_allclose(x.compute()._data, [0.0, 1500.0, 365000.0])
    # Another dimension is never a relabelling.
    with pytest.raises(UnitConversionError, match="'km'"):
        from_zarr(path, unit="s")
