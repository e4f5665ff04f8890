"""The ``.dimtensor`` accessor of DataArray and Dataset (see the package doc)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import xarray as xr

from dimtensor import _core
from dimtensor._backend import ONE, is_quantity, unit_of
from dimtensor._core import DimArray, Unit
from dimtensor.errors import DimtensorError
from dimtensor.units import parse, parse_cf

UNITS = "units"
METADATA = "units_metadata"
# The epoch of a time reference ("days since 1970-01-01") while quantified.
EPOCH = "dimtensor_epoch"


def _as_unit(unit: Unit | str) -> Unit:
    return unit if isinstance(unit, Unit) else parse(unit)


def _is_dask(data: Any) -> bool:
    try:
        import dask.array as da
    except ImportError:  # pragma: no cover - dask is a dependency of the accessor's lazy path
        return False
    return isinstance(data, da.Array)


def _quantity(data: Any, unit: Unit) -> Any:
    """``data`` with ``unit``: a DaskDimArray for dask data (no task added),
    else a DimArray; a quantity already there is converted."""
    if is_quantity(data):
        return data.to(unit)
    if _is_dask(data):
        from dimtensor.dask import DaskDimArray

        return DaskDimArray(data, unit)
    return DimArray(np.asarray(data), unit)


def _attr_unit(name: Hashable, attrs: Mapping[Any, Any]) -> tuple[Unit, str | None] | None:
    """The unit and epoch the CF attributes give, or None without ``units``."""
    text = attrs.get(UNITS)
    if text is None:
        return None
    if not isinstance(text, str):
        raise DimtensorError(f"the {UNITS!r} attribute of {name!r} is {text!r}, not unit text")
    meta = attrs.get(METADATA)
    return parse_cf(text, meta if isinstance(meta, str) else None)


def _quantify_variable(name: Hashable, var: xr.Variable, unit: Unit | str | None) -> xr.Variable:
    """``var`` with its data as a quantity: in its ``units`` attribute's unit
    (then converted to ``unit`` when given), or in ``unit``."""
    if is_quantity(var.data):
        return var if unit is None else var.copy(data=var.data.to(_as_unit(unit)))
    if var.dtype.kind in "mMOSUb":
        return var  # times, text, truth values: no unit to attach
    attrs = dict(var.attrs)
    found = _attr_unit(name, attrs)
    if found is None and unit is None:
        return var
    stored, epoch = found if found is not None else (_as_unit(unit), None)  # type: ignore[arg-type]
    data = _quantity(var.data, stored)
    if unit is not None:
        data = data.to(_as_unit(unit))
    for key in (UNITS, METADATA):
        attrs.pop(key, None)
    if epoch is not None:
        attrs[EPOCH] = epoch
    return xr.Variable(var.dims, data, attrs, var.encoding)


def _dequantify_variable(var: xr.Variable) -> xr.Variable:
    unit = unit_of(var.data) if is_quantity(var.data) else None
    if unit is None:
        return var
    text, meta = unit.to_cf()
    attrs = dict(var.attrs)
    epoch = attrs.pop(EPOCH, None)
    attrs[UNITS] = text if epoch is None else f"{text} since {epoch}"
    if meta is not None:
        attrs[METADATA] = meta
    else:
        attrs.pop(METADATA, None)
    return xr.Variable(var.dims, var.data._data, attrs, var.encoding)


def _coord_unit(obj: Any, name: Hashable) -> Unit | None:
    """The unit of coordinate ``name``: its data's, or its ``units`` attribute's."""
    coord = obj.coords[name]
    if is_quantity(coord.data):
        return unit_of(coord.data)
    found = _attr_unit(name, coord.attrs)
    return None if found is None else found[0]


def _label(obj: Any, name: Hashable, label: Any) -> Any:
    """A selection label in the coordinate's unit: a quantity is converted;
    plain values are taken as they are (in the coordinate's own unit)."""
    if isinstance(label, slice):
        return slice(_label(obj, name, label.start), _label(obj, name, label.stop), label.step)
    if isinstance(label, (list, tuple)) and any(is_quantity(x) for x in label):
        return [_label(obj, name, x) for x in label]
    if not is_quantity(label):
        return label
    unit = _coord_unit(obj, name)
    if unit is None:
        raise DimtensorError(
            f"coordinate {name!r} has no unit (no {UNITS!r} attribute); cannot select it "
            f"with a label in '{unit_of(label)}'"
        )
    values = label.to(unit)
    raw = values._data if isinstance(values, DimArray) else values.compute()._data
    return raw.item() if np.ndim(raw) == 0 else raw


def _labels(obj: Any, indexers: Mapping[Any, Any] | None, kw: dict[str, Any]) -> dict[Any, Any]:
    merged = {**(indexers or {}), **kw}
    return {k: _label(obj, k, v) for k, v in merged.items()}


def _with_quantified_coord(obj: Any, coord: Hashable) -> tuple[Any, Hashable]:
    """``obj`` with a quantified copy of coordinate ``coord`` (not an index),
    so that xarray's own integrate/differentiate see its unit."""
    unit = _coord_unit(obj, coord)
    var = obj.coords[coord].variable
    if unit is None or is_quantity(var.data):
        return obj, coord
    tmp = f"__dimtensor_{coord}"
    return obj.assign_coords({tmp: (var.dims, _quantity(var.values, unit))}), tmp


# The key of a DataArray's own data among the units of its variables.
_DATA = object()


def _stripped(obj: Any) -> tuple[Any, dict[Any, Unit]]:
    """``obj`` with every quantity (data, data variables, non-index
    coordinates) replaced by its numbers, and the unit of each by name."""
    units: dict[Any, Unit] = {}

    def strip(name: Any, var: xr.Variable) -> xr.Variable:
        if not is_quantity(var.data):
            return var
        units[name] = unit_of(var.data)  # type: ignore[assignment]
        return var.copy(deep=False, data=var.data._data)  # as dequantify: no copy, stays lazy

    coords = {k: strip(k, c.variable) for k, c in obj.coords.items() if k not in obj.indexes}
    if isinstance(obj, xr.DataArray):
        out = obj.copy(deep=False, data=strip(_DATA, obj.variable).data)
        return out.assign_coords(coords), units
    data = {k: strip(k, v.variable) for k, v in obj.data_vars.items()}
    return obj.assign(data).assign_coords(coords), units


def _restored(obj: Any, units: Mapping[Any, Unit]) -> Any:
    """The inverse of :func:`_stripped` for the variables still there."""

    def put(name: Any, var: xr.Variable) -> xr.Variable:
        unit = units.get(name)
        return var if unit is None else var.copy(deep=False, data=_quantity(var.data, unit))

    coords = {
        k: put(k, c.variable) for k, c in obj.coords.items() if k not in obj.indexes and k in units
    }
    if isinstance(obj, xr.DataArray):
        out = obj.copy(deep=False, data=put(_DATA, obj.variable).data)
        return out.assign_coords(coords)
    data = {k: put(k, v.variable) for k, v in obj.data_vars.items() if k in units}
    return obj.assign(data).assign_coords(coords)


class _Stand:
    """An operand of the given unit, as the core's plans read one."""

    __slots__ = ("__dimtensor_unit__", "shape")

    def __init__(self, unit: Unit) -> None:
        self.__dimtensor_unit__ = unit
        self.shape = (2,)


def _coefficient_unit(name: Any, x: Unit, y: Unit, deg: int) -> Unit:
    """The one unit of the polynomial coefficients of data in ``y`` against a
    coordinate in ``x`` (the function table's polyfit rule: B/A^k for degree
    k); an error where the degrees differ in unit."""
    _, units, _, _, _ = _core.function_plan(
        "polyfit", [[_Stand(x)], [_Stand(y)], None], {"deg": deg}
    )
    if len(set(units)) > 1:
        label = "the data" if name is _DATA else repr(name)
        listed = ", ".join(f"'{u}'" for u in units)
        raise DimtensorError(
            f"the polynomial coefficients of {label} have a different unit for each degree "
            f"({listed}, degree {deg} first), and one array holds "
            "one unit: fit against a coordinate without units, convert temperature points to "
            "K first, or call .dimtensor.dequantify().polyfit(...)"
        )
    return units[0]  # type: ignore[no-any-return]


class _Loc:
    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def __getitem__(self, key: Any) -> Any:
        if not isinstance(key, dict):
            raise TypeError(".dimtensor.loc takes a dict of labels: .loc[dict(x=...)]")
        return self._obj.loc[_labels(self._obj, key, {})]


class _Common:
    _obj: Any

    def sel(
        self,
        indexers: Mapping[Any, Any] | None = None,
        method: str | None = None,
        tolerance: Any = None,
        drop: bool = False,
        **indexers_kwargs: Any,
    ) -> Any:
        """``sel`` with labels in any unit: a quantity label (``DimArray(1500,
        "m")``) is converted to the coordinate's unit (its data's, or its
        ``units`` attribute's); a plain label is in the coordinate's unit."""
        labels = _labels(self._obj, indexers, indexers_kwargs)
        if tolerance is not None and is_quantity(tolerance):
            raise TypeError("give tolerance= in the coordinate's unit, as a plain number")
        return self._obj.sel(labels, method=method, tolerance=tolerance, drop=drop)

    @property
    def loc(self) -> _Loc:
        """``loc[dict(x=label)]`` with labels in any unit (see :meth:`sel`)."""
        return _Loc(self._obj)

    def integrate(self, coord: Hashable, datetime_unit: Any = None) -> Any:
        """``integrate(coord)`` with the coordinate's unit in the result (an
        index coordinate's unit is its ``units`` attribute)."""
        obj, name = _with_quantified_coord(self._obj, coord)
        out = obj.integrate(name, datetime_unit=datetime_unit)
        return out.drop_vars(name, errors="ignore") if name != coord else out

    def differentiate(self, coord: Hashable, edge_order: int = 1) -> Any:
        """``differentiate(coord)`` with the coordinate's unit in the result."""
        obj, name = _with_quantified_coord(self._obj, coord)
        out = obj.differentiate(name, edge_order=edge_order)
        return out.drop_vars(name, errors="ignore") if name != coord else out

    # xarray runs these on plain arrays only (bottleneck, numbagg, SciPy, or
    # dask functions called on the array itself); each keeps the values'
    # unit, so it runs on the numbers and the units are put back.
    def ffill(self, dim: Hashable, limit: int | None = None) -> Any:
        """``ffill`` keeping units (eager or lazy; needs bottleneck or numbagg,
        as xarray's own does)."""
        return self._on_numbers(lambda o: o.ffill(dim, limit=limit))

    def bfill(self, dim: Hashable, limit: int | None = None) -> Any:
        """``bfill`` keeping units (see :meth:`ffill`)."""
        return self._on_numbers(lambda o: o.bfill(dim, limit=limit))

    def interpolate_na(self, dim: Hashable | None = None, method: str = "linear", **kw: Any) -> Any:
        """``interpolate_na`` keeping units (an interpolation of values is in
        their unit; temperature points stay points)."""
        return self._on_numbers(lambda o: o.interpolate_na(dim, method=method, **kw))

    def interp(
        self,
        coords: Mapping[Any, Any] | None = None,
        method: str = "linear",
        assume_sorted: bool = False,
        kwargs: Mapping[str, Any] | None = None,
        **coords_kwargs: Any,
    ) -> Any:
        """``interp`` keeping units; new coordinate values may be quantities
        in any unit of the coordinate's dimension (converted, as in :meth:`sel`)."""
        labels = _labels(self._obj, coords, coords_kwargs)
        return self._on_numbers(
            lambda o: o.interp(labels, method=method, assume_sorted=assume_sorted, kwargs=kwargs)
        )

    def polyfit(
        self,
        dim: Hashable,
        deg: int,
        skipna: bool | None = None,
        rcond: float | None = None,
        w: Any = None,
    ) -> xr.Dataset:
        """``polyfit`` with units: the coefficients of data in B against a
        coordinate in A are in B/A^k for degree k (the function table's rule),
        so one array of coefficients has a unit where those agree (a
        coordinate without units); otherwise an error says what to do."""
        obj = self._obj
        x = _coord_unit(obj, dim) or ONE
        plain, units = _stripped(obj)
        # the units first: a mistake stops before anything is fitted
        coefficients = {
            name: _coefficient_unit(name, x, unit, deg)
            for name, unit in units.items()
            if name is _DATA or (isinstance(obj, xr.Dataset) and name in obj.data_vars)
        }
        fitted = plain.polyfit(dim, deg, skipna=skipna, rcond=rcond, w=w)
        out = {}
        for name, unit in coefficients.items():
            key = "polyfit_coefficients" if name is _DATA else f"{name}_polyfit_coefficients"
            var = fitted[key].variable
            out[key] = var.copy(deep=False, data=_quantity(var.data, unit))
        return fitted.assign(out)

    def _on_numbers(self, op: Any) -> Any:
        plain, units = _stripped(self._obj)
        return _restored(op(plain), units)

    def to_zarr(self, store: Any = None, **kwargs: Any) -> Any:
        """``dequantify().to_zarr(...)``: the data with CF ``units`` attributes."""
        return self.dequantify().to_zarr(store, **kwargs)  # type: ignore[attr-defined]

    def to_netcdf(self, path: Any = None, **kwargs: Any) -> Any:
        """``dequantify().to_netcdf(...)``: the data with CF ``units`` attributes."""
        return self.dequantify().to_netcdf(path, **kwargs)  # type: ignore[attr-defined]


@xr.register_dataarray_accessor("dimtensor")
class DataArrayAccessor(_Common):
    """``da.dimtensor``: units for a DataArray (see :mod:`dimtensor.xarray`)."""

    def __init__(self, obj: xr.DataArray) -> None:
        self._obj = obj

    @property
    def unit(self) -> Unit | None:
        """The unit of the data (None when not quantified)."""
        return unit_of(self._obj.data) if is_quantity(self._obj.data) else None

    def quantify(self, units: Unit | str | None = None, **coord_units: Unit | str) -> xr.DataArray:
        """The data (and coordinates) with units: ``units`` for the data, or
        its CF ``units`` attribute; ``coord_units`` likewise per coordinate."""
        obj = self._obj
        variable = _quantify_variable(obj.name, obj.variable, units)
        coords = {
            k: _quantify_variable(k, c.variable, coord_units.get(str(k)))
            for k, c in obj.coords.items()
            if k not in obj.indexes
        }
        out = obj.copy(data=variable.data)
        out.attrs = variable.attrs
        return out.assign_coords(coords)

    def dequantify(self) -> xr.DataArray:
        """Magnitudes with CF ``units`` (and ``units_metadata``) attributes."""
        obj = self._obj
        variable = _dequantify_variable(obj.variable)
        coords = {
            k: _dequantify_variable(c.variable)
            for k, c in obj.coords.items()
            if k not in obj.indexes
        }
        out = obj.copy(data=variable.data)
        out.attrs = variable.attrs
        return out.assign_coords(coords)

    def to(self, unit: Unit | str) -> xr.DataArray:
        """The data converted to ``unit`` (lazily for dask data)."""
        data = self._obj.data
        if not is_quantity(data):
            raise DimtensorError(
                f"{self._obj.name!r} has no unit to convert; call .dimtensor.quantify() first"
            )
        return self._obj.copy(data=data.to(_as_unit(unit)))


@xr.register_dataset_accessor("dimtensor")
class DatasetAccessor(_Common):
    """``ds.dimtensor``: units for a Dataset (see :mod:`dimtensor.xarray`)."""

    def __init__(self, obj: xr.Dataset) -> None:
        self._obj = obj

    @property
    def units(self) -> dict[Hashable, Unit | None]:
        """The unit of each data variable (None when not quantified)."""
        return {
            k: unit_of(v.data) if is_quantity(v.data) else None
            for k, v in self._obj.data_vars.items()
        }

    def quantify(
        self, units: Mapping[Hashable, Unit | str] | None = None, **kw: Unit | str
    ) -> xr.Dataset:
        """Variables with units: those given by name in ``units``, and every
        other one with a CF ``units`` attribute. Index coordinates keep their
        values and ``units`` attribute."""
        given = {**(units or {}), **kw}
        obj = self._obj
        unknown = set(given) - set(obj.variables)
        if unknown:
            raise KeyError(f"no variables named {sorted(map(str, unknown))} in the dataset")
        variables = {
            k: _quantify_variable(k, v, given.get(k))
            for k, v in obj.variables.items()
            if k not in obj.indexes
        }
        return obj.assign({k: v for k, v in variables.items() if k in obj.data_vars}).assign_coords(
            {k: v for k, v in variables.items() if k not in obj.data_vars}
        )

    def dequantify(self) -> xr.Dataset:
        """Magnitudes with CF ``units`` (and ``units_metadata``) attributes."""
        obj = self._obj
        variables = {
            k: _dequantify_variable(v) for k, v in obj.variables.items() if k not in obj.indexes
        }
        return obj.assign({k: v for k, v in variables.items() if k in obj.data_vars}).assign_coords(
            {k: v for k, v in variables.items() if k not in obj.data_vars}
        )

    def to(
        self, units: Mapping[Hashable, Unit | str] | None = None, **kw: Unit | str
    ) -> xr.Dataset:
        """Variables converted: ``ds.dimtensor.to(t="K", p="Pa")``."""
        given = {**(units or {}), **kw}
        obj = self._obj
        out = {}
        for k, unit in given.items():
            data = obj[k].data
            if not is_quantity(data):
                raise DimtensorError(f"{k!r} has no unit to convert; quantify it first")
            out[k] = obj[k].copy(data=data.to(_as_unit(unit)))
        return obj.assign(out)
