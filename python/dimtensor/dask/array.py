"""``DaskDimArray``: a lazy, chunked dask array with a unit.

The unit is metadata outside the task graph: wrapping adds no task and no
layer. Every unit decision (result unit, conversion factors, errors) is made
by the core's rule table while the expression is built, so a unit mistake
fails before anything runs. Conversions are folded into the same elementwise
step as the operation: the graph has exactly the tasks raw dask would build,
and an operation that needs no conversion *is* dask's own operation.

>>> import numpy as np
>>> from dimtensor.dask import DaskDimArray
>>> p = DaskDimArray(np.full(4, 1013.25), "hPa", chunks=2)
>>> t = DaskDimArray(np.full(4, 20.0), "degC", chunks=2)
>>> p.to("Pa").compute()
DimArray([101325., 101325., 101325., 101325.], unit='Pa')
>>> p + t
Traceback (most recent call last):
dimtensor.errors.DimensionError: add needs operands of the same dimension, got 'hPa' ... '°C' [Θ]
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Sequence
from numbers import Number
from typing import Any

import dask
import dask.array as da
import numpy as np
from dask.array.core import elemwise

from dimtensor import _core
from dimtensor._array_functions import _reduced_count
from dimtensor._core import DimArray, Unit
from dimtensor.errors import UnitStrippedError

__all__ = ["DaskDimArray", "blockwise", "concatenate", "dot", "stack"]


def _as_unit(unit: Unit | str | None) -> Unit:
    if unit is None:
        return Unit.parse("")
    return unit if isinstance(unit, Unit) else Unit.parse(unit)


def _converted(
    ufunc: Any, convs: Sequence[tuple[float, float]], *blocks: Any, **kwargs: Any
) -> Any:
    """One chunk: each input converted (``a·x + b``), then the ufunc."""
    args = [
        x if (a, b) == (1.0, 0.0) else (np.multiply(x, a) + b if b else np.multiply(x, a))
        for x, (a, b) in zip(blocks, convs, strict=True)
    ]
    return ufunc(*args, **kwargs)


def _affine(x: Any, a: float, b: float) -> Any:
    return np.multiply(x, a) + b if b else np.multiply(x, a)


def _finalize(
    results: Any, finalize: Callable[..., Any], args: tuple[Any, ...], unit: Unit
) -> DimArray:
    return _core._wrap(finalize(results, *args), unit)


def _rebuild(
    dsk: Any, rebuild: Callable[..., Any], args: tuple[Any, ...], unit: Unit, rename: Any = None
) -> DaskDimArray:
    return DaskDimArray(rebuild(dsk, *args, rename=rename), unit)


class DaskDimArray:
    """A dask array with a unit (see API.md §6).

    ``DaskDimArray(data, unit=None, chunks="auto")`` accepts a dask array,
    a DimArray (its unit is kept unless ``unit`` converts it), NumPy data,
    lists and scalars.
    """

    __slots__ = ("_data", "_unit")
    # Tells DimArray's operators to let this type handle mixed expressions.
    __dimtensor_lazy__ = True
    __array_priority__ = 30.0

    def __init__(self, data: Any, unit: Unit | str | None = None, chunks: Any = "auto") -> None:
        if isinstance(data, DaskDimArray):
            arr, own = data._data, data._unit
        elif isinstance(data, DimArray):
            arr, own = da.from_array(data._data, chunks=chunks), data.unit
        elif isinstance(data, da.Array):
            arr, own = data, None
        else:
            arr, own = da.from_array(np.asarray(data), chunks=chunks), None
        if own is not None and unit is not None:
            target = _as_unit(unit)
            a, b = own.conversion_affine(target)
            if (a, b) != (1.0, 0.0):
                arr = arr.map_blocks(_affine, a, b, dtype=np.result_type(arr.dtype, np.float64))
            own = target
        self._data: da.Array = arr
        self._unit: Unit = own if own is not None else _as_unit(unit)

    # ---- properties -------------------------------------------------------
    @property
    def data(self) -> da.Array:
        """The dask array of magnitudes, in ``unit``."""
        return self._data

    @property
    def unit(self) -> Unit:
        return self._unit

    @property
    def dimension(self) -> Any:
        return self._unit.dimension

    @property
    def is_dimensionless(self) -> bool:
        return self._unit.is_dimensionless

    shape = property(lambda self: self._data.shape)
    ndim = property(lambda self: self._data.ndim)
    size = property(lambda self: self._data.size)
    dtype = property(lambda self: self._data.dtype)
    chunks = property(lambda self: self._data.chunks)
    chunksize = property(lambda self: self._data.chunksize)

    def magnitude(self) -> da.Array:
        """The dask array of magnitudes (no copy, nothing computed)."""
        return self._data

    # ---- dask collection protocol (delegated; the unit rides along) -------
    def __dask_graph__(self) -> Any:
        return self._data.__dask_graph__()

    def __dask_keys__(self) -> Any:
        return self._data.__dask_keys__()

    def __dask_layers__(self) -> Any:
        return self._data.__dask_layers__()

    def __dask_tokenize__(self) -> Any:
        return (dask.base.tokenize(self._data), self._unit.to_string("ascii"), self._unit.scale)

    __dask_optimize__ = staticmethod(da.Array.__dask_optimize__)
    __dask_scheduler__ = staticmethod(da.Array.__dask_scheduler__)

    def __dask_postcompute__(self) -> Any:
        finalize, args = self._data.__dask_postcompute__()
        return _finalize, (finalize, args, self._unit)

    def __dask_postpersist__(self) -> Any:
        rebuild, args = self._data.__dask_postpersist__()
        return _rebuild, (rebuild, args, self._unit)

    def compute(self, **kwargs: Any) -> DimArray:
        """Run the graph; a DimArray (0-d for full reductions)."""
        (result,) = dask.compute(self, **kwargs)
        return result

    def persist(self, **kwargs: Any) -> DaskDimArray:
        (result,) = dask.persist(self, **kwargs)
        return result

    def visualize(self, **kwargs: Any) -> Any:
        return self._data.visualize(**kwargs)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (DaskDimArray, (self._data, self._unit))

    # ---- conversion -------------------------------------------------------
    def to(self, unit: Unit | str) -> DaskDimArray:
        """Lazily converted to ``unit`` (one elementwise step, no extra layer
        when the factor is 1)."""
        return DaskDimArray(self, unit)

    def to_base_units(self) -> DaskDimArray:
        return self.to(self._unit.to_base())

    def to_dimarray(self, **kwargs: Any) -> DimArray:
        return self.compute(**kwargs)

    # ---- ufuncs -----------------------------------------------------------
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method != "__call__" or "out" in kwargs:
            return NotImplemented
        return _apply_ufunc(ufunc, inputs, kwargs)

    def _binop(self, other: Any, ufunc: Any, reflected: bool = False) -> Any:
        inputs = (other, self) if reflected else (self, other)
        return _apply_ufunc(ufunc, inputs, {})

    __add__ = lambda self, o: self._binop(o, np.add)  # noqa: E731
    __radd__ = lambda self, o: self._binop(o, np.add, True)  # noqa: E731
    __sub__ = lambda self, o: self._binop(o, np.subtract)  # noqa: E731
    __rsub__ = lambda self, o: self._binop(o, np.subtract, True)  # noqa: E731
    __mul__ = lambda self, o: self._binop(o, np.multiply)  # noqa: E731
    __rmul__ = lambda self, o: self._binop(o, np.multiply, True)  # noqa: E731
    __truediv__ = lambda self, o: self._binop(o, np.divide)  # noqa: E731
    __rtruediv__ = lambda self, o: self._binop(o, np.divide, True)  # noqa: E731
    __pow__ = lambda self, o: self._binop(o, np.power)  # noqa: E731
    __matmul__ = lambda self, o: self._binop(o, np.matmul)  # noqa: E731
    __lt__ = lambda self, o: self._binop(o, np.less)  # noqa: E731
    __le__ = lambda self, o: self._binop(o, np.less_equal)  # noqa: E731
    __gt__ = lambda self, o: self._binop(o, np.greater)  # noqa: E731
    __ge__ = lambda self, o: self._binop(o, np.greater_equal)  # noqa: E731
    __eq__ = lambda self, o: self._binop(o, np.equal)  # type: ignore[assignment]  # noqa: E731
    __ne__ = lambda self, o: self._binop(o, np.not_equal)  # type: ignore[assignment]  # noqa: E731
    __neg__ = lambda self: _apply_ufunc(np.negative, (self,), {})  # noqa: E731
    __abs__ = lambda self: _apply_ufunc(np.absolute, (self,), {})  # noqa: E731
    __hash__ = None  # type: ignore[assignment]

    # ---- reductions -------------------------------------------------------
    def _reduce(self, name: str, method: str, axis: Any = None, **kwargs: Any) -> Any:
        count = _reduced_count(self.shape, axis) if name in ("prod", "cumprod") else None
        unit = _core.reduction_unit(name, self._unit, count)
        result = getattr(self._data, method)(axis=axis, **kwargs)
        return result if unit is None else DaskDimArray(result, unit)

    def sum(self, axis: Any = None, **kw: Any) -> Any:
        return self._reduce("sum", "sum", axis, **kw)

    def mean(self, axis: Any = None, **kw: Any) -> Any:
        return self._reduce("mean", "mean", axis, **kw)

    def std(self, axis: Any = None, **kw: Any) -> Any:
        return self._reduce("std", "std", axis, **kw)

    def var(self, axis: Any = None, **kw: Any) -> Any:
        return self._reduce("var", "var", axis, **kw)

    def min(self, axis: Any = None, **kw: Any) -> Any:
        return self._reduce("min", "min", axis, **kw)

    def max(self, axis: Any = None, **kw: Any) -> Any:
        return self._reduce("max", "max", axis, **kw)

    def prod(self, axis: Any = None, **kw: Any) -> Any:
        return self._reduce("prod", "prod", axis, **kw)

    def argmin(self, axis: Any = None, **kw: Any) -> Any:
        return self._reduce("argmin", "argmin", axis, **kw)

    def argmax(self, axis: Any = None, **kw: Any) -> Any:
        return self._reduce("argmax", "argmax", axis, **kw)

    def cumsum(self, axis: Any, **kw: Any) -> Any:
        return self._reduce("cumsum", "cumsum", axis, **kw)

    # ---- shape ------------------------------------------------------------
    def __getitem__(self, key: Any) -> DaskDimArray:
        return DaskDimArray(self._data[key], self._unit)

    def rechunk(self, *args: Any, **kwargs: Any) -> DaskDimArray:
        return DaskDimArray(self._data.rechunk(*args, **kwargs), self._unit)

    def reshape(self, *args: Any, **kwargs: Any) -> DaskDimArray:
        return DaskDimArray(self._data.reshape(*args, **kwargs), self._unit)

    def transpose(self, *axes: Any) -> DaskDimArray:
        return DaskDimArray(self._data.transpose(*axes), self._unit)

    def flatten(self) -> DaskDimArray:
        return DaskDimArray(self._data.flatten(), self._unit)

    @property
    def T(self) -> DaskDimArray:
        return DaskDimArray(self._data.T, self._unit)

    def __len__(self) -> int:
        return len(self._data)

    # ---- NumPy protocols --------------------------------------------------
    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """Computes, like a dask array; refused when a unit would be dropped."""
        if not self.is_dimensionless:
            raise UnitStrippedError(
                f"converting a DaskDimArray in '{self._unit}' to a plain array would drop its "
                "unit (and compute it); use .compute() for a DimArray or .magnitude() for the "
                "dask array of numbers"
            )
        return np.asarray(self.to("").compute()._data, dtype=dtype)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        impl = _LAZY_FUNCTIONS.get(func)
        if impl is None:
            name = getattr(func, "__name__", repr(func))
            raise TypeError(
                f"dimtensor has no lazy unit rule for numpy.{name} on a DaskDimArray; "
                "use .magnitude() (the dask array) and attach the unit you expect"
            )
        return impl(*args, **kwargs)

    def dot(self, other: Any) -> DaskDimArray:
        return dot(self, other)

    def to_zarr(self, store: Any, component: str | None = None, **kwargs: Any) -> Any:
        """Write the data and its ``units`` attribute (CF syntax) to zarr."""
        from dimtensor.dask.zarr_io import to_zarr

        return to_zarr(self, store, component=component, **kwargs)

    # ---- constructors (API.md §6) ----------------------------------------
    @classmethod
    def from_array(
        cls, x: Any, unit: Unit | str | None = None, chunks: Any = "auto"
    ) -> DaskDimArray:
        return cls(da.from_array(np.asarray(x), chunks=chunks), unit)

    @classmethod
    def from_dimarray(cls, x: DimArray, chunks: Any = "auto") -> DaskDimArray:
        return cls(da.from_array(x._data, chunks=chunks), x.unit)

    @classmethod
    def from_delayed(
        cls, value: Any, shape: tuple[int, ...], dtype: Any, unit: Unit | str | None = None
    ) -> DaskDimArray:
        return cls(da.from_delayed(value, shape, dtype=dtype), unit)

    @classmethod
    def zeros(cls, shape: Any, unit: Unit | str | None = None, **kwargs: Any) -> DaskDimArray:
        return cls(da.zeros(shape, **kwargs), unit)

    @classmethod
    def ones(cls, shape: Any, unit: Unit | str | None = None, **kwargs: Any) -> DaskDimArray:
        return cls(da.ones(shape, **kwargs), unit)

    @classmethod
    def arange(cls, *args: Any, unit: Unit | str | None = None, **kwargs: Any) -> DaskDimArray:
        return cls(da.arange(*args, **kwargs), unit)

    @classmethod
    def linspace(
        cls, start: Any, stop: Any, num: int = 50, unit: Unit | str | None = None, **kwargs: Any
    ) -> DaskDimArray:
        return cls(da.linspace(start, stop, num, **kwargs), unit)

    # ---- user kernels -----------------------------------------------------
    def map_blocks(
        self, func: Callable[..., Any], *args: Any, unit: Unit | str, **kwargs: Any
    ) -> DaskDimArray:
        """``dask.array.map_blocks`` on the magnitudes; ``unit`` is the unit
        of what ``func`` returns (dimtensor cannot know it)."""
        raw = [a._data if isinstance(a, DaskDimArray) else a for a in args]
        return DaskDimArray(self._data.map_blocks(func, *raw, **kwargs), _as_unit(unit))

    # ---- text -------------------------------------------------------------
    def __repr__(self) -> str:
        inner = repr(self._data)
        return f"DaskDimArray<{inner[len('dask.array<') :].rstrip('>')}, unit={str(self._unit)!r}>"

    def _repr_html_(self) -> str:
        import html

        table = self._data._repr_html_() if hasattr(self._data, "_repr_html_") else ""
        return f"<div><b>unit:</b> {html.escape(str(self._unit.simplified()))}</div>{table}"


_OPERATORS: dict[Any, Callable[..., Any]] = {
    np.add: operator.add,
    np.subtract: operator.sub,
    np.multiply: operator.mul,
    np.divide: operator.truediv,
    np.power: operator.pow,
    np.matmul: operator.matmul,
    np.less: operator.lt,
    np.less_equal: operator.le,
    np.greater: operator.gt,
    np.greater_equal: operator.ge,
    np.equal: operator.eq,
    np.not_equal: operator.ne,
    np.negative: operator.neg,
    np.absolute: operator.abs,
}


def _unit_of(x: Any) -> Any:
    """What the rule table needs to know of an operand."""
    if isinstance(x, (DaskDimArray, DimArray)):
        return x.unit
    if isinstance(x, Unit):
        return x
    if isinstance(x, Number):
        return x  # bare scalars: 0, ±inf and nan meet any unit
    return None


def _raw(x: Any) -> Any:
    if isinstance(x, DaskDimArray):
        return x._data
    if isinstance(x, DimArray):
        # A 0-d value (a constant, a reduction) enters as a plain scalar, as
        # it would in raw dask code: NumPy's scalar path is the fast one.
        return x._data.item() if x.ndim == 0 else x._data
    if isinstance(x, Unit):
        return 1.0
    return x


def _apply_ufunc(ufunc: Any, inputs: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """``ufunc(*inputs)`` lazily, with the unit rules of the core."""
    name = ufunc.__name__
    exponent = None
    if name in ("power", "pow", "float_power") and len(inputs) == 2:
        e = inputs[1]
        raw = _raw(e)
        if isinstance(raw, Number):
            exponent = float(raw)  # type: ignore[arg-type]
        elif isinstance(e, DimArray) and e.size == 1:
            exponent = float(e._data.reshape(()).item())
    convs, outs, constant = _core.ufunc_plan(name, [_unit_of(x) for x in inputs], exponent)
    raw_inputs = [_raw(x) for x in inputs]
    if constant is not None:
        shape = np.broadcast_shapes(*(np.shape(r) for r in raw_inputs))
        return da.full(shape, constant, dtype=bool)
    if all(c == (1.0, 0.0) for c in convs):
        # Nothing to convert: exactly what raw dask code would call (the
        # operator where there is one, e.g. ** reaches NumPy's x**2 fast path).
        op = _OPERATORS.get(ufunc) if not kwargs else None
        result = op(*raw_inputs) if op is not None else ufunc(*raw_inputs, **kwargs)
    elif len(outs) == 1:
        # Conversions folded into the one elementwise step of the operation.
        fn = functools.partial(_converted, ufunc, tuple(convs), **kwargs)
        functools.update_wrapper(fn, ufunc)
        result = elemwise(fn, *raw_inputs)
    else:
        converted = [
            r if c == (1.0, 0.0) else _affine(r, *c) for r, c in zip(raw_inputs, convs, strict=True)
        ]
        result = ufunc(*converted, **kwargs)
    if len(outs) == 1:
        return result if outs[0] is None else DaskDimArray(result, outs[0])
    return tuple(r if u is None else DaskDimArray(r, u) for r, u in zip(result, outs, strict=True))


# ---- functions ----------------------------------------------------------


def _to_common_unit(what: str, arrays: Sequence[Any]) -> tuple[list[Any], Unit]:
    """The arrays' dask data in the first array's unit (core rule), lazily."""
    if not arrays:
        raise ValueError(f"{what} needs at least one array")
    unit, convs = _core.same_unit_plan(what, [_unit_of(a) for a in arrays])
    raw = []
    for a, (k, b) in zip(arrays, convs, strict=True):
        r = _raw(a)
        if not isinstance(r, da.Array):
            r = da.from_array(np.asarray(r))
        raw.append(r if (k, b) == (1.0, 0.0) else r.map_blocks(_affine, k, b))
    return raw, unit if unit is not None else _as_unit(None)


def concatenate(arrays: Sequence[Any], axis: int = 0) -> DaskDimArray:
    """Lazily joined along ``axis``, converted to the first array's unit."""
    raw, unit = _to_common_unit("concatenate", arrays)
    return DaskDimArray(da.concatenate(raw, axis=axis), unit)


def stack(arrays: Sequence[Any], axis: int = 0) -> DaskDimArray:
    """Lazily stacked along a new ``axis``, converted to the first array's unit."""
    raw, unit = _to_common_unit("stack", arrays)
    return DaskDimArray(da.stack(raw, axis=axis), unit)


def dot(a: Any, b: Any) -> DaskDimArray:
    """``numpy.dot`` lazily; the unit is the product of the units."""
    (unit,) = _core.ufunc_plan("multiply", [_unit_of(a), _unit_of(b)])[1]
    return DaskDimArray(da.dot(_raw(a), _raw(b)), unit)


def blockwise(
    func: Callable[..., Any], out_ind: str, *args: Any, unit: Unit | str, **kwargs: Any
) -> DaskDimArray:
    """``dask.array.blockwise`` on magnitudes; ``unit`` is that of ``func``'s result.
    ``args`` alternate arrays (DaskDimArrays are unwrapped) and index strings."""
    raw = [_raw(a) if isinstance(a, (DaskDimArray, DimArray)) else a for a in args]
    return DaskDimArray(da.blockwise(func, out_ind, *raw, **kwargs), _as_unit(unit))


def _method(name: str) -> Callable[..., Any]:
    def call(x: DaskDimArray, *args: Any, **kwargs: Any) -> Any:
        return getattr(x, name)(*args, **kwargs)

    return call


def _norm(x: DaskDimArray, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
    return DaskDimArray(da.linalg.norm(x._data, ord=ord, axis=axis, keepdims=keepdims), x.unit)


_LAZY_FUNCTIONS: dict[Any, Callable[..., Any]] = {
    **{
        getattr(np, n): _method(n)
        for n in ("sum", "mean", "std", "var", "min", "max", "prod", "argmin", "argmax", "cumsum")
    },
    np.concatenate: concatenate,
    np.stack: stack,
    np.dot: dot,
    np.linalg.norm: _norm,
    np.transpose: _method("transpose"),
    np.reshape: _method("reshape"),
}
