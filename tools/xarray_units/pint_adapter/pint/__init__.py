"""A stand-in for the part of pint's API that xarray's ``test_units.py`` uses,
built on dimtensor, so that xarray's own unit tests run against dimtensor.

Only ``tools/xarray_units_port.py`` puts this folder on ``sys.path``, in a
subprocess of its own; it never shadows the real pint anywhere else.

Nothing here decides a unit: every result comes from dimtensor (``DimArray``,
``DaskDimArray``, ``dimtensor.units``). What the stand-in does is translate
pint's calling conventions to dimtensor's:

- ``registry.m`` is a :class:`Unit` wrapping dimtensor's unit. The wrapper
  exists for one pint convention: ``1 * registry.m`` is a quantity in pint
  (a 0-d array, with ``force_ndarray_like=True``), while in dimtensor a
  number times a unit is a scaled unit (``2 * u.m == Unit("2·m")``). The
  wrapper turns the number into a 0-d array first, then multiplies with
  dimtensor's unit. Arrays times a unit are dimtensor's own ``array * unit``.
- ``registry.Quantity(data, units)`` builds a ``DimArray`` (a
  ``DaskDimArray`` for dask data); ``isinstance(x, registry.Quantity)`` is
  true for both. No other quantity class exists.
- pint's ``.magnitude``, ``.units``, ``.dimensionality`` and ``.check(unit)``
  are attached to ``DimArray`` and ``DaskDimArray`` in this process only:
  ``.magnitude`` becomes a property (in dimtensor it is a method, for 5.x
  compatibility) that calls dimtensor's method; ``.units`` wraps ``.unit``;
  ``.dimensionality`` is ``.unit.dimension``; ``.check`` is
  ``Unit.is_compatible``. ``.to`` accepts the wrapper, and the arrays'
  ``*`` and ``/`` operators replace it with dimtensor's unit (pint's
  ``quantity * registry.m``).
- pint reads the number 1 as a unit as "dimensionless" (``q.check(1)``).
- ``pint.errors.DimensionalityError`` is ``dimtensor.errors.DimensionError``
  (``UnitConversionError`` is a subclass). dimtensor's other errors
  (``OffsetUnitError``, ``UnitStrippedError``) are not aliased: where pint
  raises ``DimensionalityError`` and dimtensor raises one of those, the test
  fails and the report says so.
- ``pint.UnitStrippedWarning`` exists (the tests turn it into an error);
  dimtensor never warns about a lost unit, it raises ``UnitStrippedError``.
- The module has no ``Quantity`` attribute on purpose: xarray looks it up
  (``DuckArrayModule("pint")``) to run pint-only branches, such as stripping
  units in ``to_numpy()`` or labelling plot axes. Without it, xarray treats
  dimtensor's arrays as it does outside this run.
"""

from __future__ import annotations

from typing import Any

import dimtensor
import numpy as np
from dimtensor import DimArray
from dimtensor import units as _units
from dimtensor._core import Unit as _DimtensorUnit

from . import errors
from .errors import DimensionalityError, UnitStrippedWarning

__all__ = ["DimensionalityError", "Unit", "UnitRegistry", "UnitStrippedWarning", "errors"]
__version__ = "0.0+dimtensor" + dimtensor.__version__

# pint spellings that dimtensor's registry writes otherwise (names only).
_NAMES = {"degK": "K"}


def _dask_types() -> tuple[type, ...]:
    try:
        import dask.array as da
        from dimtensor.dask import DaskDimArray
    except ImportError:
        return (DimArray,)
    return (DimArray, DaskDimArray, da.Array)


def _unwrap(unit: Any) -> Any:
    """dimtensor's unit for a wrapper; anything else unchanged."""
    return unit._unit if isinstance(unit, Unit) else unit


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, complex, np.number, np.bool_)) and not isinstance(
        value, bool
    )


class Unit:
    """pint's ``Unit``: a dimtensor unit; a number times it is a 0-d quantity."""

    __array_ufunc__ = None  # ndarray * unit: NumPy defers to __rmul__
    __slots__ = ("_unit",)

    def __init__(self, unit: Any) -> None:
        self._unit = _units.parse(unit) if isinstance(unit, str) else _unwrap(unit)

    @property
    def dimensionality(self) -> Any:
        return self._unit.dimension

    @property
    def dimensionless(self) -> bool:
        return bool(self._unit.is_dimensionless)

    def is_compatible_with(self, other: Any) -> bool:
        return bool(self._unit.is_compatible(_as_unit(other)))

    def _times(self, other: Any, reflected: bool) -> Any:
        if isinstance(other, Unit):
            other = other._unit
            return Unit(other * self._unit if reflected else self._unit * other)
        if _is_number(other):
            other = np.asarray(other)  # pint's force_ndarray_like: a 0-d array
        return other * self._unit if reflected else self._unit * other

    def __mul__(self, other: Any) -> Any:
        return self._times(other, reflected=False)

    def __rmul__(self, other: Any) -> Any:
        return self._times(other, reflected=True)

    def __truediv__(self, other: Any) -> Any:
        if isinstance(other, Unit):
            return Unit(self._unit / other._unit)
        if _is_number(other):
            other = np.asarray(other)
        return self._unit / other

    def __rtruediv__(self, other: Any) -> Any:
        if _is_number(other):
            other = np.asarray(other)
        return other / self._unit

    def __pow__(self, exponent: Any) -> Unit:
        return Unit(self._unit**exponent)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Unit, _DimtensorUnit)):
            return bool(self._unit == _unwrap(other))
        if _is_number(other):  # pint compares 1·unit with the number
            return bool(DimArray(1.0, self._unit) == other)
        return False

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self._unit)

    def __str__(self) -> str:
        return str(self._unit)

    def __format__(self, spec: str) -> str:
        return format(self._unit, spec)

    def __repr__(self) -> str:
        return f"<Unit('{self._unit}')>"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (Unit, (self._unit,))


def _as_unit(unit: Any) -> Any:
    """A dimtensor unit (or unit text) for pint's ``units`` arguments."""
    if unit is None or (_is_number(unit) and unit == 1):  # pint: 1 means dimensionless
        return _units.dimensionless
    if isinstance(unit, str):
        return _units.parse(_NAMES.get(unit, unit))
    return _unwrap(unit)


class _QuantityType(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, _dask_types()[:2])


class Quantity(metaclass=_QuantityType):
    """``Quantity(data, units)``: a DimArray, or a DaskDimArray for dask data."""

    def __new__(cls, value: Any, units: Any = None) -> Any:  # type: ignore[misc]
        unit = _as_unit(units)
        types = _dask_types()
        if len(types) == 3 and isinstance(value, types[1:]):
            return types[1](value, unit)
        return DimArray(value, unit)


class UnitRegistry:
    """pint's registry: unit names as attributes, ``Quantity`` and ``Unit``."""

    Quantity = Quantity
    Unit = Unit

    def __init__(self, *args: Any, force_ndarray_like: bool = False, **kwargs: Any) -> None:
        # dimtensor's quantities are always arrays (force_ndarray_like=True);
        # the other options configure pint's own registry.
        self.force_ndarray_like = True

    def __getattr__(self, name: str) -> Unit:
        if name.startswith("__"):
            raise AttributeError(name)
        return Unit(getattr(_units, _NAMES.get(name, name)))

    def __call__(self, text: str) -> Any:
        return Quantity(1, text)

    def is_compatible_with(self, a: Any, b: Any) -> bool:
        def unit_of(x: Any) -> Any:
            if isinstance(x, Quantity):
                return x.unit
            return _as_unit(x) if isinstance(x, (str, Unit)) else _units.dimensionless

        return bool(unit_of(a).is_compatible(unit_of(b)))


def _install() -> None:
    """pint's attribute names on dimtensor's array types (this process only)."""
    for cls in _dask_types()[:2]:
        method = cls.magnitude
        if isinstance(method, property):
            continue
        cls.magnitude = property(method)
        cls.units = property(lambda self: Unit(self.unit))
        cls.dimensionality = property(lambda self: self.unit.dimension)
        cls.check = lambda self, unit: bool(self.unit.is_compatible(_as_unit(unit)))
        to = cls.to
        cls.to = lambda self, unit, _to=to: _to(self, _as_unit(unit))
        # quantity * registry.m: the operators see dimtensor's unit, not the wrapper
        for name in ("__mul__", "__rmul__", "__truediv__", "__rtruediv__"):
            method = getattr(cls, name)
            setattr(cls, name, lambda self, other, _m=method: _m(self, _unwrap(other)))


_install()
