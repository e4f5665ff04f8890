"""``DaskDimArray``: a lazy, chunked dask array with a unit.

The unit is metadata outside the task graph: wrapping adds no task and no
layer. Every unit decision (result unit, conversion factors, errors) is made
by the core's rule table while the expression is built, so a unit mistake
fails before anything runs. Conversions are folded into the same elementwise
step as the operation: the graph has exactly the tasks raw dask would build,
and an operation that needs no conversion *is* dask's own operation.

NumPy functions (``__array_function__``) take their rule from the core's
function table, as for DimArray, through the shared front end
(:mod:`dimtensor._functions`) and the Dask backend (:mod:`.backend`): dask's
own lazy implementation then runs on the dask arrays, as it would for raw
dask code. A function dask would compute eagerly raises instead.

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
import math
import operator
import sys
from collections.abc import Callable, Sequence
from typing import Any

import dask
import dask.array as da
import numpy as np
from dask.array.core import elemwise

from dimtensor import _backend, _core, _functions, _fused
from dimtensor._core import DimArray, Unit
from dimtensor._functions.call import holds_quantity
from dimtensor.dask.backend import DaskBackend, lazy_affine
from dimtensor.dask.fused import Pending, chain
from dimtensor.errors import UnitStrippedError

__all__ = ["DASK", "DaskDimArray", "blockwise", "concatenate", "dot", "stack"]

_ONE = Unit.parse("")
_IDENTITY = (1.0, 0.0)


def _as_unit(unit: Unit | str | None) -> Unit:
    if unit is None:
        return _ONE
    return unit if isinstance(unit, Unit) else Unit.parse(unit)


def _converted(
    ufunc: Any, convs: Sequence[tuple[float, float]], *blocks: Any, **kwargs: Any
) -> Any:
    """One chunk: each input converted (``a·x + b``), then the ufunc."""
    args = [
        x if (a, b) == _IDENTITY else (np.multiply(x, a) + b if b else np.multiply(x, a))
        for x, (a, b) in zip(blocks, convs, strict=True)
    ]
    return ufunc(*args, **kwargs)


def _affine(x: Any, a: float, b: float) -> Any:
    return np.multiply(x, a) + b if b else np.multiply(x, a)


def _finalize(
    results: Any, finalize: Callable[..., Any], args: tuple[Any, ...], unit: Unit
) -> DimArray:
    values = finalize(results, *args)
    if _on_remote_worker():
        # Sent back to the client as raw memory, as an ndarray would be.
        from dimtensor.dask.transfer import computed

        return computed(values, unit)
    return _core._wrap(values, unit)


def _on_remote_worker() -> bool:
    """Whether this runs in a dask.distributed worker that is not in the
    client's process (whose results cross a connection)."""
    if "distributed" not in sys.modules:
        return False
    from distributed import get_worker

    try:
        worker = get_worker()
    except ValueError:
        return False
    return not str(worker.address).startswith("inproc://")


def _rebuild(
    dsk: Any, rebuild: Callable[..., Any], args: tuple[Any, ...], unit: Unit, rename: Any = None
) -> DaskDimArray:
    return DaskDimArray(rebuild(dsk, *args, rename=rename), unit)


def _function_method(func: Callable[..., Any]) -> Callable[..., Any]:
    """A method that is ``func(self, ...)``: the NumPy function's rule in the
    core's table is the one place for it (as for DimArray)."""

    def method(self: DaskDimArray, *args: Any, **kwargs: Any) -> Any:
        return _functions.apply(func, (self, *args), kwargs, DASK)

    method.__name__ = func.__name__
    method.__doc__ = f"``numpy.{func.__name__}(self, ...)`` lazily, with units."
    return method


class DaskDimArray:
    """A dask array with a unit.

    ``DaskDimArray(data, unit=None, chunks="auto")`` accepts a dask array,
    a DimArray (its unit is kept unless ``unit`` converts it), NumPy data,
    lists and scalars.
    """

    # _arr: the dask array, or None while _pending (a fused chain of
    # elementwise operations, see _fused) has not been turned into one.
    __slots__ = ("_arr", "_pending", "_unit", "_unit_chosen")
    # Tells DimArray's operators to let this type handle mixed expressions.
    __dimtensor_lazy__ = True
    __array_priority__ = 30.0

    def __init__(self, data: Any, unit: Unit | str | None = None, chunks: Any = "auto") -> None:
        own: Unit | None
        self._pending: Pending | None = None
        target = data._unit if isinstance(data, DaskDimArray) and unit is None else unit
        if (
            isinstance(data, DaskDimArray)
            and data._fusable()
            and (data._arr is None or data._unit.conversion_affine(target) != _IDENTITY)
        ):
            # A conversion joins the fused chain (one task per chunk in all).
            target = _as_unit(target)
            a, b = data._unit.conversion_affine(target)
            self._arr = None
            node, size = data._node()
            # Truth values stay truth values unless numbers are made of them.
            boolean = data.dtype == np.bool_ and (a, b) == _IDENTITY
            self._pending = data._pending_like(_fused.affine(node, a, b), boolean, size=size + 1)
            self._unit = target
            return
        if isinstance(data, DaskDimArray):
            arr, own = data._data, data._unit
        elif isinstance(data, DimArray):
            arr, own = da.from_array(data._data, chunks=chunks), data.unit
        elif isinstance(data, da.Array):
            arr, own = data, None
        elif isinstance(data, (list, tuple)) and holds_quantity(data):
            # Quantities in a list: in the first one's unit, as DimArray does.
            eager = DimArray(data)
            arr, own = da.from_array(eager._data, chunks=chunks), eager.unit
        else:
            arr, own = da.from_array(np.asarray(data), chunks=chunks), None
        if own is not None and unit is not None:
            target = _as_unit(unit)
            arr = lazy_affine(arr, *own.conversion_affine(target))
            own = target
        self._arr: da.Array | None = arr
        self._unit: Unit = own if own is not None else _as_unit(unit)

    # ---- fusion (see dimtensor._fused) -------------------------------------
    @property
    def _data(self) -> da.Array:
        """The dask array of magnitudes (a pending fused chain becomes one
        blockwise layer: one task per chunk)."""
        if self._arr is None:
            assert self._pending is not None
            self._arr = self._pending.materialize()
        return self._arr

    @_data.setter
    def _data(self, value: da.Array) -> None:
        self._arr, self._pending = value, None

    def _fusable(self) -> bool:
        """Whether elementwise operations on this array can join a fused chain."""
        if self._pending is not None:
            return True
        arr = self._arr
        return arr is not None and arr.dtype in _fused.FLOATS and not math.isnan(arr.size)

    def _node(self) -> tuple[Any, int]:
        """This array as a node of a fused chain, and the operations in it:
        a chain of ``_fused.CHAIN_LIMIT`` becomes a layer first (its dask
        array is a leaf of what follows)."""
        p = self._pending
        if p is None:
            return ("leaf", self._arr), 0
        if p.size >= _fused.CHAIN_LIMIT:
            return ("leaf", self._data), 0
        return p.node, p.size

    def _pending_like(
        self, node: Any, boolean: bool = False, dtype: Any = None, size: int = 1
    ) -> Pending:
        shape, chunks = self.shape, self.chunks
        dtype = np.dtype(dtype or self._compute_dtype())
        return Pending(node, shape, chunks, dtype, boolean, size)

    def _compute_dtype(self) -> np.dtype[Any]:
        if self._pending is not None:
            return self._pending.dtype
        return self._data.dtype

    @classmethod
    def _from_pending(cls, pending: Pending, unit: Unit) -> DaskDimArray:
        obj = cls.__new__(cls)
        obj._arr, obj._pending, obj._unit = None, pending, unit
        return obj

    # ---- properties -------------------------------------------------------
    @property
    def data(self) -> da.Array:
        """The dask array of magnitudes, in ``unit``."""
        return self._data

    @property
    def unit(self) -> Unit:
        return self._unit

    @property
    def __dimtensor_unit__(self) -> Unit | None:
        """The unit as the core's rule table sees it: None while not chosen
        yet (an array the lazy namespace made with ``zeros(n)``)."""
        return self._unit if getattr(self, "_unit_chosen", True) else None

    @classmethod
    def _unit_pending(cls, data: Any) -> DaskDimArray:
        """An array whose unit the first operand or assignment it meets chooses."""
        obj = cls(data)
        obj._unit_chosen = False
        return obj

    @property
    def dimension(self) -> Any:
        return self._unit.dimension

    @property
    def is_dimensionless(self) -> bool:
        return self._unit.is_dimensionless

    @property
    def shape(self) -> tuple[Any, ...]:
        return self._pending.shape if self._arr is None and self._pending else self._data.shape

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> Any:
        return math.prod(self.shape)

    @property
    def dtype(self) -> np.dtype[Any]:
        if self._arr is None and self._pending is not None:
            return np.dtype(bool) if self._pending.boolean else self._pending.dtype
        return self._data.dtype

    @property
    def chunks(self) -> tuple[tuple[Any, ...], ...]:
        return self._pending.chunks if self._arr is None and self._pending else self._data.chunks

    @property
    def chunksize(self) -> tuple[Any, ...]:
        return self._data.chunksize

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
        """Run the graph; a DimArray (0-d for full reductions).

        The dask array of magnitudes is computed exactly as raw dask code
        would compute it, and the unit attached where the result arrives:
        on a dask.distributed cluster nothing but the numbers travels, as
        fast as raw dask. A fused chain on a local scheduler writes each
        chunk straight into the preallocated result instead (no second copy).
        """
        if self._arr is None and self._pending is not None and set(kwargs) <= {"scheduler"}:
            from dimtensor.dask import graphs

            get = graphs.local_get(self, kwargs.get("scheduler"))
            if get is not None:
                return _core._wrap(self._pending.compute_into(get), self._unit)
        (values,) = dask.base.compute(self._data, **kwargs)
        return _core._wrap(values, self._unit)

    def persist(self, **kwargs: Any) -> DaskDimArray:
        (result,) = dask.base.persist(self, **kwargs)
        return result  # type: ignore[no-any-return]

    def visualize(self, **kwargs: Any) -> Any:
        """dask's drawing of the task graph (needs graphviz's ``dot``)."""
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

    def astype(self, dtype: Any, **kwargs: Any) -> DaskDimArray:
        """The magnitudes cast to ``dtype``; the unit is kept."""
        return DaskDimArray(self._data.astype(dtype, **kwargs), self._unit)

    def copy(self) -> DaskDimArray:
        """A new DaskDimArray on the same graph (dask arrays are immutable)."""
        return DaskDimArray(self._data.copy(), self._unit)

    # ---- ufuncs -----------------------------------------------------------
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        out = kwargs.pop("out", None)
        if "where" in kwargs:
            kwargs["where"] = DASK.plain(kwargs["where"], f"{ufunc.__name__}'s where=")
        if method in ("__call__", "outer"):
            return _apply_ufunc(ufunc, inputs, kwargs, method=method, out=out)
        name = ufunc.__name__
        func = _UFUNC_METHODS.get((name, method))
        if func is None or len(inputs) != 1:
            raise TypeError(
                f"dimtensor has no lazy unit rule for numpy.{name}.{method} on a DaskDimArray; "
                "use .magnitude() (the dask array) and attach the unit you expect"
            )
        if out is not None:
            kwargs["out"] = out[0] if isinstance(out, tuple) else out
        kwargs.setdefault("axis", 0)  # the default axis of ufunc.reduce / accumulate
        return _functions.apply(func, (inputs[0],), kwargs, DASK)

    def __add__(self, other: Any) -> Any:
        return _apply_ufunc(np.add, (self, other))

    def __radd__(self, other: Any) -> Any:
        return _apply_ufunc(np.add, (other, self))

    def __sub__(self, other: Any) -> Any:
        return _apply_ufunc(np.subtract, (self, other))

    def __rsub__(self, other: Any) -> Any:
        return _apply_ufunc(np.subtract, (other, self))

    def __mul__(self, other: Any) -> Any:
        return _apply_ufunc(np.multiply, (self, other))

    def __rmul__(self, other: Any) -> Any:
        return _apply_ufunc(np.multiply, (other, self))

    def __truediv__(self, other: Any) -> Any:
        return _apply_ufunc(np.divide, (self, other))

    def __rtruediv__(self, other: Any) -> Any:
        return _apply_ufunc(np.divide, (other, self))

    def __floordiv__(self, other: Any) -> Any:
        return _apply_ufunc(np.floor_divide, (self, other))

    def __rfloordiv__(self, other: Any) -> Any:
        return _apply_ufunc(np.floor_divide, (other, self))

    def __mod__(self, other: Any) -> Any:
        return _apply_ufunc(np.remainder, (self, other))

    def __rmod__(self, other: Any) -> Any:
        return _apply_ufunc(np.remainder, (other, self))

    def __pow__(self, other: Any) -> Any:
        return _apply_ufunc(np.power, (self, other))

    def __rpow__(self, other: Any) -> Any:
        return _apply_ufunc(np.power, (other, self))

    def __matmul__(self, other: Any) -> Any:
        return _apply_ufunc(np.matmul, (self, other))

    def __rmatmul__(self, other: Any) -> Any:
        return _apply_ufunc(np.matmul, (other, self))

    def __lt__(self, other: Any) -> Any:
        return _apply_ufunc(np.less, (self, other))

    def __le__(self, other: Any) -> Any:
        return _apply_ufunc(np.less_equal, (self, other))

    def __gt__(self, other: Any) -> Any:
        return _apply_ufunc(np.greater, (self, other))

    def __ge__(self, other: Any) -> Any:
        return _apply_ufunc(np.greater_equal, (self, other))

    def __eq__(self, other: object) -> Any:
        return _apply_ufunc(np.equal, (self, other))

    def __ne__(self, other: object) -> Any:
        return _apply_ufunc(np.not_equal, (self, other))

    def __neg__(self) -> Any:
        return _apply_ufunc(np.negative, (self,))

    def __pos__(self) -> Any:
        return _apply_ufunc(np.positive, (self,))

    def __abs__(self) -> Any:
        return _apply_ufunc(np.absolute, (self,))

    def __invert__(self) -> Any:
        return _apply_ufunc(np.invert, (self,))

    def __and__(self, other: Any) -> Any:
        return _apply_ufunc(np.bitwise_and, (self, other))

    def __rand__(self, other: Any) -> Any:
        return _apply_ufunc(np.bitwise_and, (other, self))

    def __or__(self, other: Any) -> Any:
        return _apply_ufunc(np.bitwise_or, (self, other))

    def __ror__(self, other: Any) -> Any:
        return _apply_ufunc(np.bitwise_or, (other, self))

    def __xor__(self, other: Any) -> Any:
        return _apply_ufunc(np.bitwise_xor, (self, other))

    def __rxor__(self, other: Any) -> Any:
        return _apply_ufunc(np.bitwise_xor, (other, self))

    def __lshift__(self, other: Any) -> Any:
        return _apply_ufunc(np.left_shift, (self, other))

    def __rlshift__(self, other: Any) -> Any:
        return _apply_ufunc(np.left_shift, (other, self))

    def __rshift__(self, other: Any) -> Any:
        return _apply_ufunc(np.right_shift, (self, other))

    def __rrshift__(self, other: Any) -> Any:
        return _apply_ufunc(np.right_shift, (other, self))

    __hash__ = None  # type: ignore[assignment]

    def conj(self) -> Any:
        return _apply_ufunc(np.conjugate, (self,))

    conjugate = conj

    @property
    def real(self) -> DaskDimArray:
        return np.real(self)  # type: ignore[no-any-return]

    @property
    def imag(self) -> DaskDimArray:
        return np.imag(self)  # type: ignore[no-any-return]

    # ---- reductions (each the NumPy function's lazy rule) -------------------
    sum = _function_method(np.sum)
    mean = _function_method(np.mean)
    std = _function_method(np.std)
    var = _function_method(np.var)
    min = _function_method(np.min)
    max = _function_method(np.max)
    ptp = _function_method(np.ptp)
    prod = _function_method(np.prod)
    argmin = _function_method(np.argmin)
    argmax = _function_method(np.argmax)
    cumsum = _function_method(np.cumsum)
    cumprod = _function_method(np.cumprod)
    any = _function_method(np.any)
    all = _function_method(np.all)
    round = _function_method(np.round)
    squeeze = _function_method(np.squeeze)
    ravel = _function_method(np.ravel)
    swapaxes = _function_method(np.swapaxes)
    repeat = _function_method(np.repeat)

    def clip(self, min: Any = None, max: Any = None, **kwargs: Any) -> Any:
        """``numpy.clip(self, min, max)``: bounds converted to this unit."""
        return np.clip(self, min, max, **kwargs)

    def dot(self, other: Any) -> Any:
        """``numpy.dot(self, other)`` lazily; the units multiply."""
        return np.dot(self, other)

    def matmul(self, other: Any) -> Any:
        """``self @ other`` lazily; the units multiply."""
        return _apply_ufunc(np.matmul, (self, other))

    def sqrt(self) -> Any:
        """``numpy.sqrt(self)`` lazily: the unit's square root (``m²`` → ``m``).

        >>> import numpy as np
        >>> v = DaskDimArray(np.array([[3.0, 4.0], [6.0, 8.0]]), "m/s", chunks=1)
        >>> (v**2).sum(axis=1).sqrt().compute()
        DimArray([ 5., 10.], unit='m/s')
        """
        return _apply_ufunc(np.sqrt, (self,))

    def abs(self) -> Any:
        """``numpy.absolute(self)`` lazily; the unit is kept."""
        return _apply_ufunc(np.absolute, (self,))

    def norm(self, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
        """``numpy.linalg.norm`` lazily, in this array's unit (as ``dimtensor.norm``)."""
        return np.linalg.norm(self, ord=ord, axis=axis, keepdims=keepdims)

    # ---- shape ------------------------------------------------------------
    def __getitem__(self, key: Any) -> DaskDimArray:
        return DaskDimArray(self._data[_plain_key(key)], self._unit)

    def __setitem__(self, key: Any, value: Any) -> None:
        """Lazy assignment (dask's): ``value`` converted to this array's unit."""
        unit, convs = _core.same_unit_plan("assignment", [self, value])
        if self.__dimtensor_unit__ is None and unit is not None:
            self._unit, self._unit_chosen = unit, True
        self._data[_plain_key(key)] = lazy_affine(DASK.raw(value), *convs[1])

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

    @property
    def mT(self) -> DaskDimArray:
        """The last two axes swapped; the unit is kept."""
        return DaskDimArray(self._data.swapaxes(-1, -2), self._unit)

    def __len__(self) -> int:
        return len(self._data)

    # ---- Array API standard array object ------------------------------------
    def __array_namespace__(self, /, *, api_version: str | None = None) -> Any:
        """The Array API namespace of DaskDimArray (:mod:`dimtensor.array_api.lazy`)."""
        from dimtensor.array_api import API_VERSION, lazy

        if api_version not in (None, API_VERSION):
            raise ValueError(f"dimtensor implements the Array API {API_VERSION}, not {api_version}")
        return lazy

    @property
    def device(self) -> str:
        return "cpu"

    def to_device(self, device: Any, /, *, stream: Any = None) -> DaskDimArray:
        if device != "cpu" or stream is not None:
            raise ValueError(f"DaskDimArray lives on the cpu, not on {device!r}")
        return self

    def __dlpack__(
        self,
        /,
        *,
        stream: Any = None,
        max_version: tuple[int, int] | None = None,
        dl_device: Any = None,
        copy: bool | None = None,
    ) -> Any:
        """A lazy array has no memory to share: ``compute()`` first."""
        raise BufferError(
            "a lazy DaskDimArray has no memory to share through DLPack; call .compute() "
            "first (and .to_value(unit) for plain numbers)"
        )

    def __dlpack_device__(self, /) -> tuple[int, int]:
        return (1, 0)  # kDLCPU, device 0: where compute() puts the values

    def _eager_only(self, what: str) -> Any:
        """``bool()``/``float()``/… would compute: refused, unless dask's
        config says ``dimtensor.lazy-scalars: compute`` (environment variable
        ``DASK_DIMTENSOR__LAZY_SCALARS=compute``), which test suites that read
        every result through ``float()`` (Array API conformance) need."""
        if dask.config.get("dimtensor.lazy-scalars", "raise") == "compute":
            return getattr(self.compute(), f"__{what}__")()
        raise TypeError(
            f"{what}() of a lazy DaskDimArray would compute it; call .compute() first "
            "(generic code should branch on values with where() instead)"
        )

    def __bool__(self) -> bool:
        return self._eager_only("bool")  # type: ignore[no-any-return]

    def __float__(self) -> float:
        return self._eager_only("float")  # type: ignore[no-any-return]

    def __int__(self) -> int:
        return self._eager_only("int")  # type: ignore[no-any-return]

    def __complex__(self) -> complex:
        return self._eager_only("complex")  # type: ignore[no-any-return]

    def __index__(self) -> int:
        return self._eager_only("index")  # type: ignore[no-any-return]

    # ---- NumPy protocols --------------------------------------------------
    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """Computes, like a dask array; refused when a unit would be dropped."""
        if not self.is_dimensionless:
            raise UnitStrippedError(
                f"converting a DaskDimArray in '{self._unit}' to a plain array would drop its "
                "unit (and compute it); use .compute() for a DimArray or .magnitude() for the "
                "dask array of numbers (xarray data: .dimtensor.dequantify() moves units into "
                "CF attributes)"
            )
        return np.asarray(self.to("").compute()._data, dtype=dtype)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return _functions.apply(func, args, kwargs, DASK)

    def to_dask_array(self) -> da.Array:
        """What ``dask.array.asarray`` takes: refused for a dimensional array,
        so that dask functions handed a DaskDimArray (xarray calls some
        directly) raise instead of computing on its magnitudes unit-less;
        a dimensionless one gives its values at scale 1."""
        if not self.is_dimensionless:
            raise UnitStrippedError(
                f"a dask function took the DaskDimArray in '{self._unit}' as a plain dask array, "
                "which would drop its unit; call it on .magnitude() and attach the unit "
                "yourself (xarray data: .dimtensor.dequantify() first)"
            )
        return self.to("")._data

    # to_zarr and from_zarr: attached by dimtensor.dask.zarr_io (I/O builds
    # on the array, not the other way round)

    # ---- constructors ----------------------------------------
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
        self, func: Callable[..., Any], *args: Any, unit: Unit | str | None = None, **kwargs: Any
    ) -> DaskDimArray:
        """``dask.array.map_blocks`` on the magnitudes; ``unit`` is the unit
        of what ``func`` returns (dimtensor cannot know it).

        >>> import numpy as np
        >>> x = DaskDimArray(np.arange(4.0), "m", chunks=2)
        >>> x.map_blocks(np.cumsum, unit="m").compute()
        DimArray([0., 1., 2., 5.], unit='m')
        """
        unit = _unit_given("map_blocks", func, unit)
        raw = [a._data if isinstance(a, DaskDimArray) else a for a in args]
        return DaskDimArray(da.map_blocks(func, self._data, *raw, **kwargs), unit)

    def map_overlap(
        self, func: Callable[..., Any], depth: Any, *, unit: Unit | str | None = None, **kwargs: Any
    ) -> DaskDimArray:
        """``dask.array.map_overlap`` on the magnitudes; ``unit`` is the unit
        of what ``func`` returns (dimtensor cannot know it)."""
        unit = _unit_given("map_overlap", func, unit)
        return DaskDimArray(self._data.map_overlap(func, depth, **kwargs), unit)

    # ---- text -------------------------------------------------------------
    def __repr__(self) -> str:
        inner = repr(self._data)
        return f"DaskDimArray<{inner[len('dask.array<') :].rstrip('>')}, unit={str(self._unit)!r}>"

    def _repr_inline_(self, max_width: int) -> str:
        """One line for xarray's Dataset repr, without computing (nor
        building a pending fused chain's layer)."""
        chunksize = tuple(max(c) if c else 0 for c in self.chunks)
        unit = str(self._unit.simplified()) or "1"
        return f"[{unit}] dask.array<chunksize={chunksize}>"

    def _repr_html_(self) -> str:
        import html

        table = self._data._repr_html_() if hasattr(self._data, "_repr_html_") else ""
        return f"<div><b>unit:</b> {html.escape(str(self._unit.simplified()))}</div>{table}"

    # ---- to JAX and PyTorch (computes, then converts) -------------------------
    def to_jax(self, **kwargs: Any) -> Any:
        """``compute()``, then a :class:`dimtensor.jax.DimArray` (through DLPack)."""
        return self.compute(**kwargs).to_jax()

    def to_torch(self, **kwargs: Any) -> Any:
        """``compute()``, then a :class:`dimtensor.torch.DimTensor` (same memory)."""
        return self.compute(**kwargs).to_torch()


def _unit_given(what: str, func: Any, unit: Unit | str | None) -> Unit:
    """The ``unit=`` of map_blocks/map_overlap; without it, an error that
    says why (callers such as xarray's ffill pass none)."""
    if unit is None:
        name = getattr(func, "__qualname__", repr(func))
        raise TypeError(
            f"DaskDimArray.{what}({name}, ...) needs unit=, the unit of what the function "
            "returns: dimtensor cannot know it (xarray's ffill/bfill/interp/polyfit on "
            "quantified data: use .dimtensor.ffill/bfill/interp/polyfit, which keep units)"
        )
    return _as_unit(unit)


def _deferring(method: Callable[[DaskDimArray, Any], Any]) -> Callable[[DaskDimArray, Any], Any]:
    """A binary operator that leaves the call to a container of arrays with
    a higher ``__array_priority__`` (xarray's DataArray), as NumPy's own
    operators do."""

    def op(self: DaskDimArray, other: Any) -> Any:
        if getattr(other, "__array_priority__", 0.0) > DaskDimArray.__array_priority__:
            return NotImplemented
        return method(self, other)

    functools.update_wrapper(op, method)
    return op


for _name in "add sub mul truediv floordiv mod pow matmul and or xor lshift rshift".split():
    for _dunder in (f"__{_name}__", f"__r{_name}__"):
        setattr(DaskDimArray, _dunder, _deferring(getattr(DaskDimArray, _dunder)))
for _dunder in ("__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"):
    setattr(DaskDimArray, _dunder, _deferring(getattr(DaskDimArray, _dunder)))

# ---- operands ------------------------------------------------------------

DASK = DaskBackend(DaskDimArray)
_backend.register(DASK)


def _plain_key(key: Any) -> Any:
    """An index: masks and indices are plain (a dimensionless quantity's values)."""
    if isinstance(key, tuple):
        return tuple(DASK.plain(k, "an index") for k in key)
    return DASK.plain(key, "an index")


# ---- ufuncs ----------------------------------------------------------------

_OPERATORS: dict[Any, Callable[..., Any]] = {
    np.add: operator.add,
    np.subtract: operator.sub,
    np.multiply: operator.mul,
    np.divide: operator.truediv,
    np.floor_divide: operator.floordiv,
    np.remainder: operator.mod,
    np.power: operator.pow,
    np.matmul: operator.matmul,
    np.less: operator.lt,
    np.less_equal: operator.le,
    np.greater: operator.gt,
    np.greater_equal: operator.ge,
    np.equal: operator.eq,
    np.not_equal: operator.ne,
    np.negative: operator.neg,
    np.positive: operator.pos,
    np.absolute: operator.abs,
}

# ufunc methods that are reductions: the NumPy function that computes them
# lazily. Its rule in the core's table is the rule of the ufunc method
# (tests/rules/test_parity.py checks they agree with the core's mapping).
_UFUNC_METHODS: dict[tuple[str, str], Callable[..., Any]] = {
    ("add", "reduce"): np.sum,
    ("add", "accumulate"): np.cumsum,
    ("multiply", "reduce"): np.prod,
    ("multiply", "accumulate"): np.cumprod,
    ("maximum", "reduce"): np.max,
    ("minimum", "reduce"): np.min,
    ("fmax", "reduce"): np.nanmax,
    ("fmin", "reduce"): np.nanmin,
    ("logical_and", "reduce"): np.all,
    ("logical_or", "reduce"): np.any,
}


# Generalized ufuncs dask has no elementwise form of, in dask's operations.
_GUFUNCS: dict[str, Callable[..., Any]] = {
    "vecdot": lambda a, b: da.einsum("...i,...i->...", da.conj(a), b),
    "matvec": lambda a, b: da.einsum("...ij,...j->...i", a, b),
    "vecmat": lambda a, b: da.einsum("...i,...ij->...j", da.conj(a), b),
}


def _apply_ufunc(
    ufunc: Any,
    inputs: Sequence[Any],
    kwargs: dict[str, Any] | None = None,
    method: str = "__call__",
    out: Any = None,
) -> Any:
    """``ufunc(*inputs)`` (or ``ufunc.outer``) lazily, with the core's unit rules."""
    kwargs = kwargs or {}
    name = ufunc.__name__
    exponent = None
    convs, outs, constant = _core.ufunc_plan(name, list(inputs), exponent)
    targets = tuple(out) if isinstance(out, tuple) else (out,) * len(outs)
    if method == "__call__" and not kwargs and out is None and constant is None:
        fused = chain(DaskDimArray, name, inputs, convs, outs)
        if fused is not None:
            return fused
    raw_inputs = [DASK.raw(x) for x in inputs]
    if constant is not None:
        shapes = [np.shape(r) for r in raw_inputs]
        shape = sum(shapes, ()) if method == "outer" else np.broadcast_shapes(*shapes)
        result: Any = da.full(shape, constant, dtype=bool)
    elif method == "outer":
        converted = [lazy_affine(r, *c) for r, c in zip(raw_inputs, convs, strict=True)]
        result = ufunc.outer(*converted, **kwargs)
    elif name in _GUFUNCS:
        converted = [lazy_affine(r, *c) for r, c in zip(raw_inputs, convs, strict=True)]
        result = _GUFUNCS[name](*converted)
    elif all(c == _IDENTITY for c in convs):
        # Nothing to convert: exactly what raw dask code would call (the
        # operator where there is one, e.g. ** reaches NumPy's x**2 fast path).
        op = _OPERATORS.get(ufunc) if not kwargs else None
        result = op(*raw_inputs) if op is not None else ufunc(*raw_inputs, **kwargs)
    elif len(outs) == 1:
        # Conversions folded into the one elementwise step of the operation.
        # NumPy's own error for dtypes the ufunc has no loop for comes now,
        # as it would from raw dask, not as a broken result at compute time.
        ufunc(*(np.ones((), dtype=getattr(r, "dtype", np.float64)) for r in raw_inputs))
        fn = functools.partial(_converted, ufunc, tuple(convs), **kwargs)
        functools.update_wrapper(fn, ufunc)
        result = elemwise(fn, *raw_inputs)
    else:
        converted = [lazy_affine(r, *c) for r, c in zip(raw_inputs, convs, strict=True)]
        result = ufunc(*converted, **kwargs)
    results = (result,) if len(outs) == 1 else tuple(result)
    # Truth values stay DaskDimArrays (dimensionless), as DimArray's do: generic
    # (Array API) code mixes them with the operands.
    delivered = tuple(
        DaskDimArray(r, _ONE if u is None else u) if t is None else DASK.deliver(r, u, t, name)
        for r, u, t in zip(results, outs, targets, strict=True)
    )
    return delivered[0] if len(outs) == 1 else delivered


def concatenate(arrays: Sequence[Any], axis: int = 0) -> Any:
    """Lazily joined along ``axis``, converted to the first array's unit."""
    return np.concatenate(arrays, axis=axis)


def stack(arrays: Sequence[Any], axis: int = 0) -> Any:
    """Lazily stacked along a new ``axis``, converted to the first array's unit."""
    return np.stack(arrays, axis=axis)


def dot(a: Any, b: Any) -> Any:
    """``numpy.dot`` lazily; the unit is the product of the units."""
    return np.dot(a, b)


# ---- user kernels ----------------------------------------------------------------


def blockwise(
    func: Callable[..., Any], out_ind: str, *args: Any, unit: Unit | str, **kwargs: Any
) -> DaskDimArray:
    """``dask.array.blockwise`` on magnitudes; ``unit`` is that of ``func``'s result.
    ``args`` alternate arrays (DaskDimArrays are unwrapped) and index strings."""
    raw = [DASK.raw(a) for a in args]
    return DaskDimArray(da.blockwise(func, out_ind, *raw, **kwargs), _as_unit(unit))
