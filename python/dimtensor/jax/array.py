"""``dimtensor.jax.DimArray``: a JAX array with a unit.

The unit is static metadata: the class is a pytree whose one leaf is the
JAX array and whose auxiliary data is the :class:`~dimtensor.Unit`, so
``jax.jit``, ``jax.vmap``, ``jax.lax.scan`` and ``jax.device_put`` carry
units through, every unit decision (the core's rule table) happens while
JAX traces, and a jitted function compiles once per combination of units,
shapes and dtypes, never again when only the values change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from dimtensor import _backend, _core
from dimtensor._backend import ONE, POWERS, UnitAttributes, is_quantity
from dimtensor._core import DimArray as NumpyDimArray
from dimtensor._core import Unit
from dimtensor.errors import DimensionError, UnitConversionError, UnitStrippedError

from .backend import JaxBackend

__all__ = ["JAX", "DimArray"]


def _as_unit(unit: Unit | str | None) -> Unit:
    if unit is None:
        return ONE
    return unit if isinstance(unit, Unit) else Unit.parse(unit)


def _values(data: Any) -> tuple[Any, Unit | None]:
    """JAX values and the unit they come with (None: plain data)."""
    if isinstance(data, DimArray):
        return data._data, data._unit
    if isinstance(data, NumpyDimArray):
        return jnp.asarray(data._data), data.unit
    if is_quantity(data):
        to_jax = getattr(data, "to_jax", None)
        if to_jax is None:
            raise TypeError(f"cannot make a JAX array from a {type(data).__name__}")
        converted = to_jax()
        return converted._data, converted._unit
    if isinstance(data, jax.Array):  # tracers included: wrapping adds no operation
        return data, None
    return jnp.asarray(data), None


@jax.tree_util.register_pytree_node_class
class DimArray(UnitAttributes):
    """A JAX array with a unit; immutable (update with ``x.at[i].set(v)``).

    ``DimArray(data, unit=None, dtype=None)`` takes JAX or NumPy arrays,
    lists, numbers and quantities (a quantity given another ``unit`` is
    converted, never relabelled).

    >>> import jax, jax.numpy as jnp
    >>> from dimtensor.jax import DimArray
    >>> x = DimArray(jnp.array([1.0, 2.0]), "km")
    >>> (x + DimArray(jnp.array([500.0, 0.0]), "m")).to("m")
    DimArray([1500., 2000.], dtype=float32, unit='m')
    >>> jax.jit(lambda v, t: (v * t).to("m"))(DimArray(3.0, "m/s"), DimArray(2.0, "s"))
    DimArray(6., dtype=float32, weak_type=True, unit='m')
    """

    __slots__ = ("_data", "_unit")
    # DimArray's (NumPy) operators and functions let this type take mixed calls.
    __dimtensor_lazy__ = True
    __array_priority__ = 40.0
    __hash__ = None  # type: ignore[assignment]

    _data: Any
    _unit: Unit | None

    def __init__(self, data: Any, unit: Unit | str | None = None, dtype: Any = None) -> None:
        values, own = _values(data)
        if dtype is not None:
            values = values.astype(dtype)
        if own is not None and unit is not None:
            target = _as_unit(unit)
            values = JAX.convert(values, own.conversion_affine(target))
            own = target
        self._data = values
        self._unit = own if own is not None else _as_unit(unit)

    @classmethod
    def _new(cls, values: Any, unit: Unit | None) -> DimArray:
        """Wrap without checks (results of planned operations, pytree leaves)."""
        obj = object.__new__(cls)
        obj._data = values
        obj._unit = unit
        return obj

    # ---- pytree: the values are the leaf, the unit is static ------------
    def tree_flatten(self) -> tuple[tuple[Any], Unit | None]:
        return (self._data,), self._unit

    @classmethod
    def tree_unflatten(cls, unit: Unit | None, children: Any) -> DimArray:
        # JAX also unflattens with non-array leaves (axis specs, None): no checks.
        return cls._new(children[0], unit)

    # ---- units (unit, dimension, is_dimensionless: UnitAttributes) ---------
    def to(self, unit: Unit | str) -> DimArray:
        """The values converted to ``unit`` (one multiply, traced like any other)."""
        return DimArray(self, unit)

    def to_value(self, unit: Unit | str | None = None) -> Any:
        """The JAX array of values in ``unit`` (default: the array's own unit)."""
        return self._data if unit is None else self.to(unit)._data

    def magnitude(self) -> Any:
        """The JAX array of values in the array's own unit."""
        return self._data

    def to_base_units(self) -> DimArray:
        return self.to(self.unit.to_base())

    # ---- array attributes ---------------------------------------------------
    @property
    def data(self) -> Any:
        return self._data

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._data.shape)

    @property
    def ndim(self) -> int:
        return int(self._data.ndim)

    @property
    def size(self) -> int:
        return int(self._data.size)

    @property
    def dtype(self) -> Any:
        return self._data.dtype

    @property
    def T(self) -> DimArray:
        return DimArray._new(self._data.T, self._unit)

    @property
    def mT(self) -> DimArray:
        return DimArray._new(jnp.swapaxes(self._data, -1, -2), self._unit)

    @property
    def device(self) -> Any:
        return self._data.device

    def to_device(self, device: Any, /, *, stream: Any = None) -> DimArray:
        return DimArray._new(jax.device_put(self._data, device), self._unit)

    def block_until_ready(self) -> DimArray:
        self._data.block_until_ready()
        return self

    def astype(self, dtype: Any, **kwargs: Any) -> DimArray:
        """The values cast to ``dtype``; the unit is kept."""
        return DimArray._new(self._data.astype(dtype, **kwargs), self._unit)

    def copy(self) -> DimArray:
        return DimArray._new(jnp.array(self._data, copy=True), self._unit)

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[DimArray]:
        for i in range(len(self)):
            yield self[i]

    # ---- indexing (immutable, as JAX) -------------------------------------
    def __getitem__(self, key: Any) -> DimArray:
        return DimArray._new(self._data[_plain_key(key)], self._unit)

    def __setitem__(self, key: Any, value: Any) -> None:
        raise TypeError(
            "dimtensor.jax.DimArray is immutable, like JAX arrays; use x = x.at[index].set(value)"
        )

    @property
    def at(self) -> _At:
        """Functional updates, as ``jax.Array.at``: ``x.at[i].set(v)`` converts
        ``v`` to the unit of ``x``; ``add``, ``min``, ``max``, ``multiply`` and
        ``divide`` take the rules of the operations."""
        return _At(self)

    # ---- operators (the core's ufunc rules) ----------------------------------
    def __add__(self, other: Any) -> DimArray:
        return ufunc("add", self, other)

    def __radd__(self, other: Any) -> DimArray:
        return ufunc("add", other, self)

    def __sub__(self, other: Any) -> DimArray:
        return ufunc("subtract", self, other)

    def __rsub__(self, other: Any) -> DimArray:
        return ufunc("subtract", other, self)

    def __mul__(self, other: Any) -> DimArray:
        return ufunc("multiply", self, other)

    def __rmul__(self, other: Any) -> DimArray:
        return ufunc("multiply", other, self)

    def __truediv__(self, other: Any) -> DimArray:
        return ufunc("divide", self, other)

    def __rtruediv__(self, other: Any) -> DimArray:
        return ufunc("divide", other, self)

    def __floordiv__(self, other: Any) -> DimArray:
        return ufunc("floor_divide", self, other)

    def __rfloordiv__(self, other: Any) -> DimArray:
        return ufunc("floor_divide", other, self)

    def __mod__(self, other: Any) -> DimArray:
        return ufunc("remainder", self, other)

    def __rmod__(self, other: Any) -> DimArray:
        return ufunc("remainder", other, self)

    def __divmod__(self, other: Any) -> Any:
        return ufunc("divmod", self, other)

    def __pow__(self, other: Any) -> DimArray:
        return ufunc("power", self, other)

    def __rpow__(self, other: Any) -> DimArray:
        return ufunc("power", other, self)

    def __matmul__(self, other: Any) -> DimArray:
        return ufunc("matmul", self, other)

    def __rmatmul__(self, other: Any) -> DimArray:
        return ufunc("matmul", other, self)

    def __lt__(self, other: Any) -> DimArray:
        return ufunc("less", self, other)

    def __le__(self, other: Any) -> DimArray:
        return ufunc("less_equal", self, other)

    def __gt__(self, other: Any) -> DimArray:
        return ufunc("greater", self, other)

    def __ge__(self, other: Any) -> DimArray:
        return ufunc("greater_equal", self, other)

    def __eq__(self, other: object) -> DimArray:  # type: ignore[override]
        return ufunc("equal", self, other)

    def __ne__(self, other: object) -> DimArray:  # type: ignore[override]
        return ufunc("not_equal", self, other)

    def __neg__(self) -> DimArray:
        return ufunc("negative", self)

    def __pos__(self) -> DimArray:
        return ufunc("positive", self)

    def __abs__(self) -> DimArray:
        return ufunc("absolute", self)

    def __invert__(self) -> DimArray:
        return ufunc("invert", self)

    def __and__(self, other: Any) -> DimArray:
        return ufunc("bitwise_and", self, other)

    def __rand__(self, other: Any) -> DimArray:
        return ufunc("bitwise_and", other, self)

    def __or__(self, other: Any) -> DimArray:
        return ufunc("bitwise_or", self, other)

    def __ror__(self, other: Any) -> DimArray:
        return ufunc("bitwise_or", other, self)

    def __xor__(self, other: Any) -> DimArray:
        return ufunc("bitwise_xor", self, other)

    def __rxor__(self, other: Any) -> DimArray:
        return ufunc("bitwise_xor", other, self)

    def __lshift__(self, other: Any) -> DimArray:
        return ufunc("left_shift", self, other)

    def __rlshift__(self, other: Any) -> DimArray:
        return ufunc("left_shift", other, self)

    def __rshift__(self, other: Any) -> DimArray:
        return ufunc("right_shift", self, other)

    def __rrshift__(self, other: Any) -> DimArray:
        return ufunc("right_shift", other, self)

    # ---- NumPy-style methods: jax.numpy functions with the core's rules -------
    def sum(self, *args: Any, **kwargs: Any) -> Any:
        return _method("sum", self, args, kwargs)

    def mean(self, *args: Any, **kwargs: Any) -> Any:
        return _method("mean", self, args, kwargs)

    def std(self, *args: Any, **kwargs: Any) -> Any:
        return _method("std", self, args, kwargs)

    def var(self, *args: Any, **kwargs: Any) -> Any:
        return _method("var", self, args, kwargs)

    def min(self, *args: Any, **kwargs: Any) -> Any:
        return _method("min", self, args, kwargs)

    def max(self, *args: Any, **kwargs: Any) -> Any:
        return _method("max", self, args, kwargs)

    def prod(self, *args: Any, **kwargs: Any) -> Any:
        return _method("prod", self, args, kwargs)

    def cumsum(self, *args: Any, **kwargs: Any) -> Any:
        return _method("cumsum", self, args, kwargs)

    def argmin(self, *args: Any, **kwargs: Any) -> Any:
        return _method("argmin", self, args, kwargs)

    def argmax(self, *args: Any, **kwargs: Any) -> Any:
        return _method("argmax", self, args, kwargs)

    def round(self, *args: Any, **kwargs: Any) -> Any:
        return _method("round", self, args, kwargs)

    def clip(self, min: Any = None, max: Any = None) -> Any:
        return _method("clip", self, (min, max), {})

    def dot(self, other: Any) -> Any:
        return _method("dot", self, (other,), {})

    def reshape(self, *shape: Any, **kwargs: Any) -> DimArray:
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return DimArray._new(self._data.reshape(shape, **kwargs), self._unit)

    def transpose(self, *axes: Any) -> DimArray:
        return DimArray._new(self._data.transpose(*axes), self._unit)

    def flatten(self) -> DimArray:
        return DimArray._new(self._data.ravel(), self._unit)

    def ravel(self) -> DimArray:
        return DimArray._new(self._data.ravel(), self._unit)

    def squeeze(self, axis: Any = None) -> DimArray:
        return DimArray._new(self._data.squeeze(axis), self._unit)

    def swapaxes(self, a: int, b: int) -> DimArray:
        return DimArray._new(self._data.swapaxes(a, b), self._unit)

    def sqrt(self) -> DimArray:
        return ufunc("sqrt", self)

    # ---- Python scalars and NumPy: never a silently dropped unit ----------------
    def _plain(self, what: str) -> Any:
        if not self.is_dimensionless:
            raise UnitStrippedError(
                f"{what} of a dimtensor.jax.DimArray in '{self.unit}' would drop its unit; "
                "use .to_value(unit) with the unit you mean"
            )
        return JAX.convert(self._data, (self.unit.scale, 0.0))

    def __float__(self) -> float:
        return float(self._plain("float()"))

    def __int__(self) -> int:
        return int(self._plain("int()"))

    def __complex__(self) -> complex:
        return complex(self._plain("complex()"))

    def __index__(self) -> int:
        return self._plain("an index").__index__()  # type: ignore[no-any-return]

    def __bool__(self) -> bool:
        return bool(self._data)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        return np.asarray(self._plain("converting to a NumPy array"), dtype=dtype)

    def __dlpack__(
        self,
        /,
        *,
        stream: Any = None,
        max_version: tuple[int, int] | None = None,
        dl_device: Any = None,
        copy: bool | None = None,
    ) -> Any:
        """DLPack carries no unit: only dimensionless arrays (as plain numbers)."""
        given = {"stream": stream, "max_version": max_version, "dl_device": dl_device, "copy": copy}
        kwargs = {k: v for k, v in given.items() if v is not None}
        return self._plain("DLPack").__dlpack__(**kwargs)

    def __dlpack_device__(self, /) -> Any:
        return self._data.__dlpack_device__()

    def __array_namespace__(self, /, *, api_version: str | None = None) -> Any:
        """The Array API namespace with units on JAX (:mod:`dimtensor.jax.array_api`)."""
        from dimtensor.array_api import API_VERSION
        from dimtensor.jax import array_api

        if api_version not in (None, API_VERSION):
            raise ValueError(f"dimtensor implements the Array API {API_VERSION}, not {api_version}")
        return array_api

    # ---- conversions --------------------------------------------------------
    def to_numpy(self) -> NumpyDimArray:
        """A :class:`dimtensor.DimArray` (on the host; shares memory on the CPU)."""
        values = np.from_dlpack(self._data) if _on_cpu(self._data) else np.asarray(self._data)
        if self._unit is None:
            return _core._unit_pending(values)
        return _core._wrap(values, self._unit)

    def to_jax(self) -> DimArray:
        return self

    def to_torch(self) -> Any:
        """A :class:`dimtensor.torch.DimTensor` sharing memory through DLPack."""
        return _backend.convert_to(self, "torch")

    # ---- text -----------------------------------------------------------------
    def _unit_text(self) -> str:
        return str(self.unit.simplified())

    def __repr__(self) -> str:
        if isinstance(self._data, jax.core.Tracer):
            return f"DimArray({self._data!r}, unit={str(self.unit)!r})"
        body = repr(self._data)
        inner = body[body.index("(") + 1 : body.rindex(")")]
        return f"DimArray({inner}, unit={str(self.unit)!r})"

    def __str__(self) -> str:
        if isinstance(self._data, jax.core.Tracer):
            return f"{self._data} {self._unit_text()}".rstrip()
        return str(self.to_numpy())

    def __format__(self, spec: str) -> str:
        if isinstance(self._data, jax.core.Tracer):
            return str(self)
        return format(self.to_numpy(), spec)


def _on_cpu(values: Any) -> bool:
    try:
        return all(d.platform == "cpu" for d in values.devices())
    except AttributeError:
        return False


JAX = JaxBackend(DimArray)
_backend.register(JAX)


def _converted(x: Any) -> DimArray:
    """A quantity of another front end as a JAX DimArray, through DLPack (a
    NumPy array that cannot be shared, read-only or strided, is copied; a
    tensor that tracks gradients is detached)."""
    if isinstance(x, DimArray):
        return x
    unit = x.__dimtensor_unit__
    if isinstance(x, NumpyDimArray):
        values = x._data
        try:
            imported = jnp.from_dlpack(values)
        except (BufferError, TypeError, ValueError, RuntimeError):
            imported = jnp.asarray(values)
        return DimArray._new(imported, unit)
    raw = x.magnitude()
    if hasattr(raw, "detach"):
        raw = raw.detach().contiguous()
    return DimArray._new(jnp.from_dlpack(raw), unit)


_backend.register_conversion("jax", _converted)


def _plain_key(key: Any) -> Any:
    """An index: masks and indices are plain (a dimensionless quantity's values)."""
    if isinstance(key, tuple):
        return tuple(JAX.plain(k, "an index") for k in key)
    return JAX.plain(key, "an index")


# jax.numpy's function for each ufunc rule name.
_JNP: dict[str, Callable[..., Any]] = {}


def ufunc(name: str, *operands: Any, **kwargs: Any) -> Any:
    """NumPy ufunc ``name`` on JAX values by the core's ufunc rule."""
    exponent = JAX.exponent_of(name, operands)
    try:
        convs, outs, constant = _core.ufunc_plan(name, list(operands), exponent)
    except DimensionError as e:
        if exponent is None and name in POWERS:
            if isinstance(JAX.raw(operands[1]), jax.core.Tracer):
                raise DimensionError(
                    f"{e}. Under jax.jit (or grad, vmap) an exponent array is traced, its "
                    "value unknown until it runs: write the exponent as a Python number "
                    "(x ** 2), which JAX keeps static"
                ) from None
        raise
    raws = [JAX.convert(JAX.raw(x), c) for x, c in zip(operands, convs, strict=True)]
    if constant is not None:
        # == / != between different dimensions: known without looking.
        shape = jnp.broadcast_shapes(*(jnp.shape(r) for r in raws))
        return DimArray._new(jnp.full(shape, constant, dtype=bool), ONE)
    fn = _JNP.get(name)
    if fn is None:
        fn = _JNP.setdefault(name, getattr(jnp, name))
    result = fn(*raws, **kwargs)
    if len(outs) == 1:
        return DimArray._new(result, outs[0] if outs[0] is not None else ONE)
    return tuple(
        DimArray._new(r, u if u is not None else ONE) for r, u in zip(result, outs, strict=True)
    )


def _method(name: str, self: DimArray, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    from dimtensor.jax import numpy as dnp

    return getattr(dnp, name)(self, *args, **kwargs)


class _At:
    __slots__ = ("_x",)

    def __init__(self, x: DimArray) -> None:
        self._x = x

    def __getitem__(self, index: Any) -> _AtIndex:
        return _AtIndex(self._x, _plain_key(index))


class _AtIndex:
    __slots__ = ("_index", "_x")

    def __init__(self, x: DimArray, index: Any) -> None:
        self._x, self._index = x, index

    def get(self, **kwargs: Any) -> DimArray:
        return DimArray._new(self._x._data.at[self._index].get(**kwargs), self._x._unit)

    def set(self, value: Any, **kwargs: Any) -> DimArray:
        """``value`` converted to the array's unit and written at the index."""
        x = self._x
        unit, convs = _core.same_unit_plan("assignment", [x, value])
        raw = JAX.convert(JAX.raw(value), convs[1])
        return DimArray._new(x._data.at[self._index].set(raw, **kwargs), unit or x._unit)

    def _update(self, rule: str, method: str, value: Any, **kwargs: Any) -> DimArray:
        """``x.at[i].<method>(value)``: the result written in x's unit, which
        must be able to hold it (``m`` times ``%`` is written in m)."""
        x = self._x
        convs, outs, _ = _core.ufunc_plan(rule, [x, value])
        scale = 1.0 if outs[0] == x.unit else None
        if scale is None and method in ("multiply", "divide"):
            # a factor in % or km/m: x's dimension in another scale
            a, b = outs[0].conversion_affine(x.unit) if outs[0].is_compatible(x.unit) else (0, 1)
            scale = a if b == 0.0 else None
        if scale is None or convs[0] != (1.0, 0.0):
            raise UnitConversionError(
                f"x.at[...].{method}: the result would be in '{outs[0]}', which the array in "
                f"'{x.unit}' cannot hold; compute it out of place"
            )
        raw = JAX.convert(JAX.raw(value), convs[1])
        if scale != 1.0:  # x·v in outs[0] is x·(v·scale) in x's unit; x/v likewise
            raw = raw * scale if method == "multiply" else raw / scale
        return DimArray._new(getattr(x._data.at[self._index], method)(raw, **kwargs), x._unit)

    def add(self, value: Any, **kwargs: Any) -> DimArray:
        return self._update("add", "add", value, **kwargs)

    def subtract(self, value: Any, **kwargs: Any) -> DimArray:
        return self._update("subtract", "subtract", value, **kwargs)

    def multiply(self, value: Any, **kwargs: Any) -> DimArray:
        return self._update("multiply", "multiply", value, **kwargs)

    def divide(self, value: Any, **kwargs: Any) -> DimArray:
        return self._update("divide", "divide", value, **kwargs)

    def min(self, value: Any, **kwargs: Any) -> DimArray:
        return self._update("minimum", "min", value, **kwargs)

    def max(self, value: Any, **kwargs: Any) -> DimArray:
        return self._update("maximum", "max", value, **kwargs)
