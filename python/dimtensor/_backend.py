"""The backend adapter: how each kind of array with a unit is taken apart
and put back together.

Every front end (DimArray's NumPy functions, DaskDimArray, the Array API
namespaces, and the JAX and PyTorch arrays) runs the same three steps for a
function call: ask the core's rule table for a plan (``dimtensor._core``),
convert the magnitudes as the plan says, call the backend's own function,
and wrap each result with its unit. A :class:`Backend` supplies what
differs between array libraries; it holds no unit rule.

A backend is chosen per call from the operands (:func:`backend_of`): the
lazy Dask backend as soon as one operand is lazy, so that mixing an eager
array into a Dask expression never computes anything.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dimtensor import _core
from dimtensor._core import DimArray, Unit
from dimtensor.errors import UnitStrippedError

ONE = Unit("")
IDENTITY = (1.0, 0.0)
# The ufunc rules whose unit reads the exponent's value (m ** 2 is m²); the
# front ends hand it to the core's plan (see Backend.exponent).
POWERS = ("power", "float_power")


def unit_of(x: Any) -> Unit | None:
    """The unit of a quantity of any backend (DimArray, DaskDimArray, …);
    None for plain values (and arrays whose unit is not chosen yet)."""
    if isinstance(x, DimArray) or hasattr(type(x), "__dimtensor_unit__"):
        return x.__dimtensor_unit__  # type: ignore[no-any-return]
    return None


def is_quantity(x: Any) -> bool:
    """A DimArray or another backend's array with a unit."""
    return isinstance(x, DimArray) or hasattr(type(x), "__dimtensor_unit__")


class Backend:
    """One array library. Subclasses say how to reach magnitudes, how to
    compute with them and how to wrap results; the default is NumPy."""

    name = "numpy"
    lazy = False

    def owns(self, x: Any) -> bool:
        """Whether ``x`` is this backend's quantity type."""
        return isinstance(x, DimArray)

    def raw(self, x: Any) -> Any:
        """The magnitudes of a quantity, in its own unit; plain values as they are."""
        if isinstance(x, DimArray):
            return x._data
        if isinstance(x, Unit):
            return 1.0
        if is_quantity(x):
            raise TypeError(
                f"a {type(x).__name__} cannot take part in a {self.name} computation; "
                "convert it first"
            )
        return x

    def convert(self, values: Any, conv: tuple[float, float]) -> Any:
        """``a·values + b`` (``values`` itself for the identity)."""
        a, b = conv
        if (a, b) == IDENTITY:
            return values
        if isinstance(values, (int, float, complex)) and not isinstance(values, bool):
            return values * a + b
        scaled = np.multiply(values, a)
        return np.add(scaled, b) if b else scaled

    def wrap(self, values: Any, unit: Unit | None) -> Any:
        """A quantity of this backend; ``None``: dimensionless."""
        return _core._wrap(values, unit if unit is not None else ONE)

    def pending(self, values: Any) -> Any:
        """An array whose unit is not chosen yet (the namespace's ``zeros(n)``)."""
        return _core._unit_pending(values)

    def literal(self, values: Any) -> Any:
        """The NumPy value of raw ``values`` that are a lazy backend's
        one-element literal (None otherwise; eager values are never one)."""
        return None

    def function(self, func: Callable[..., Any], name: str) -> Callable[..., Any]:
        """What runs NumPy function ``func`` (rule ``name``) on magnitudes."""
        return func

    @functools.cached_property
    def xp(self) -> Any:
        """The Array API namespace of the magnitudes (array-api-compat's)."""
        import array_api_compat.numpy

        return array_api_compat.numpy

    def deliver(self, values: Any, unit: Unit | None, out: Any, what: str) -> Any:
        """The result written into ``out=`` (in out's unit): a DimArray
        receives it converted; a plain ndarray receives the magnitudes in
        ``unit`` (as NumPy's ufuncs do)."""
        if isinstance(out, tuple):
            (out,) = out
        if not isinstance(out, DimArray):
            np.copyto(out, values, casting="same_kind")
            return out if unit is None else self.wrap(out, unit)
        if unit is None:
            raise TypeError(f"{what}: this result has no unit; pass a plain ndarray as out=")
        if out.__dimtensor_unit__ is None:
            out._adopt_unit(unit)
        a, b = unit.conversion_affine(out.unit)
        np.copyto(out._data, self.convert(values, (a, b)), casting="same_kind")
        return out

    def exponent(self, x: Any) -> float | None:
        """A power's exponent ``x`` as one number in its own unit (50 for
        50 %), for the core's plan. None where the core reads it itself
        (NumPy arrays, numbers) or it is not known now (lazy, traced, or
        varying per element)."""
        return None

    def exponent_of(self, rule: str, operands: Sequence[Any]) -> float | None:
        """:meth:`exponent` of a call of ufunc ``rule`` (None unless a power)."""
        return self.exponent(operands[1]) if rule in POWERS and len(operands) > 1 else None

    def plain(self, x: Any, what: str) -> Any:
        """An argument that takes no unit (a mask, indices, a count): plain
        values of a dimensionless quantity; a unit there would be dropped."""
        if not is_quantity(x):
            return x
        unit = unit_of(x)
        if unit is not None and not unit.is_dimensionless:
            raise UnitStrippedError(
                f"{what} takes plain numbers here, not a quantity in '{unit}': its unit would "
                "be dropped; pass .to_value(unit) if you mean the numbers"
            )
        return self.convert(self.raw(x), (unit.scale, 0.0) if unit is not None else IDENTITY)


NUMPY = Backend()


class WrapperBackend(Backend):
    """A backend whose quantity type wraps the library's array in ``_data``
    and keeps the unit in ``_unit`` (dimtensor.jax.DimArray, DimTensor),
    built without checks by ``cls._new(values, unit)``."""

    def __init__(self, cls: type) -> None:
        self.cls = cls

    def wrap(self, values: Any, unit: Unit | None) -> Any:
        return self.cls._new(values, unit if unit is not None else ONE)

    def pending(self, values: Any) -> Any:
        return self.cls._new(values, None)

    def host(self, values: Any) -> np.ndarray | None:
        """Raw values as NumPy, where they are concrete (None: traced)."""
        return None

    def exponent(self, x: Any) -> float | None:
        if not isinstance(x, self.cls):
            return None
        values = self.host(self.raw(x))
        if values is None or values.size == 0:
            return None
        first = values.flat[0]
        if not bool((values == first).all()) or np.iscomplexobj(values):
            return None
        return float(first)


class UnitAttributes:
    """The unit-facing attributes of a wrapper quantity type, whose ``_unit``
    is None while its unit is not chosen yet (see ``pending``)."""

    __slots__ = ()
    _unit: Unit | None

    @property
    def unit(self) -> Unit:
        """The unit (dimensionless while none is chosen)."""
        u = self._unit
        return u if u is not None else ONE

    @property
    def __dimtensor_unit__(self) -> Unit | None:
        return self._unit

    @property
    def dimension(self) -> Any:
        return self.unit.dimension

    @property
    def is_dimensionless(self) -> bool:
        return self.unit.is_dimensionless


# Backends other than NumPy register here (Dask on import of dimtensor.dask).
_OTHERS: list[Backend] = []


def register(backend: Backend) -> None:
    """Make ``backend`` known to :func:`backend_of` (lazy backends win)."""
    _OTHERS.append(backend)
    _OTHERS.sort(key=lambda b: not b.lazy)


def member(namespace: Any, name: str) -> Any:
    """The member ``name`` of ``namespace``, dotted (``"linalg.norm"``,
    ``"lib.stride_tricks.sliding_window_view"``), or None."""
    obj = namespace
    for part in name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


# Conversions into a front end's quantity type, by front end name ("jax",
# "torch"), registered by that front end when it is imported.
_CONVERSIONS: dict[str, Callable[[Any], Any]] = {}


def register_conversion(name: str, convert: Callable[[Any], Any]) -> None:
    """Make ``convert`` (a quantity of any front end → the quantity type of
    front end ``name``) the one :func:`convert_to` uses. The first stays:
    a front end's file run again as another module (pytest's importlib
    mode) must not hand out instances of its second class."""
    _CONVERSIONS.setdefault(name, convert)


def convert_to(x: Any, name: str) -> Any:
    """``x`` as a quantity of front end ``name`` (``x.to_torch()``,
    ``x.to_jax()``): the target converts, so front ends never import one
    another; it is imported here by name on first use."""
    convert = _CONVERSIONS.get(name)
    if convert is None:
        importlib.import_module(f"dimtensor.{name}")
        convert = _CONVERSIONS[name]
    return convert(x)


def with_unit(values: Any, unit: Unit) -> Any:
    """``values * unit`` for a raw array of a registered backend other than
    NumPy (``dask_array * units.m``): that backend's quantity. ``Unit``'s
    operators call this for array types they do not know; NotImplemented
    when no backend owns ``values``."""
    if not is_quantity(values):
        for b in _OTHERS:
            if b.owns(values):
                return b.wrap(values, unit)
    return NotImplemented


_core._set_with_unit(with_unit)


def backend_of(*xs: Any) -> Backend:
    """The backend of a call on ``xs``: the first registered one that owns
    an operand (lazy backends first), else NumPy."""
    for b in _OTHERS:
        if any(b.owns(x) for x in xs):
            return b
    return NUMPY
