"""Assembles one namespace (a module) per backend: the shared functions of
``_functions``, the creation functions and inspection object of the backend,
the constants, dtypes, and the ``linalg``, ``fft`` and ``special``
extensions."""

from __future__ import annotations

import math
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from dimtensor import _core
from dimtensor._backend import ONE, Backend, backend_of, is_quantity
from dimtensor._functions import call

from . import _fft, _functions, _linalg, _numpy_extras, _special

API_VERSION = "2024.12"
DTYPES = (
    "bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 float32 float64 complex64 complex128"
).split()


def _leaves(obj: Any) -> list[Any]:
    if isinstance(obj, (list, tuple)):
        return [leaf for item in obj for leaf in _leaves(item)]
    return [obj]


def _rebuild(obj: Any, values: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        return [_rebuild(item, values) for item in obj]
    return next(values)


def _number(value: Any) -> Any:
    """A 0-d NumPy value as a Python number (dask's arange needs one)."""
    return value.reshape(()).item() if isinstance(value, np.ndarray) else value


def creation(B: Backend) -> dict[str, Callable[..., Any]]:
    """The functions that make arrays from no array: one set per backend.
    Plain numbers give dimensionless arrays; quantities (0-d arrays with a
    unit) give their unit; ``zeros``, ``empty`` and ``full`` with 0, ±inf or
    nan give arrays whose unit is not chosen yet (the first operand or
    assignment they meet chooses it)."""
    xp = B.xp

    def asarray(
        obj: Any,
        /,
        *,
        dtype: Any | None = None,
        device: Any | None = None,
        copy: bool | None = None,
    ) -> Any:
        if is_quantity(obj):
            if backend_of(obj).lazy and not B.lazy:
                obj = obj.compute()
            raw = xp.asarray(backend_of(obj).raw(obj), dtype=dtype, device=device, copy=copy)
            return B.wrap(raw, obj.unit)
        leaves = _leaves(obj) if isinstance(obj, (list, tuple)) else []
        if any(is_quantity(leaf) for leaf in leaves):
            # A nested sequence of quantities: in the unit of the first one.
            unit, convs = _core.same_unit_plan("asarray", leaves)
            values = iter(
                B.convert(backend_of(x).raw(x), c) for x, c in zip(leaves, convs, strict=True)
            )
            raw = _rebuild(obj, values)
            return B.wrap(xp.asarray(raw, dtype=dtype, device=device, copy=copy), unit)
        raw = xp.asarray(obj, dtype=dtype, device=device, copy=copy)
        if _core.meets_any_unit(obj) and not is_quantity(obj):
            # The bare scalars 0, ±inf and nan meet any unit, and so does the
            # array made of one (xarray's where(cond, x, nan) makes it).
            return _pending(raw)
        return B.wrap(raw, ONE)

    def _arange(start: Any, /, stop: Any = None, step: Any = 1, **kw: Any) -> Any:
        return xp.arange(_number(start), _number(stop), _number(step), **kw)

    def arange(
        start: Any,
        /,
        stop: Any | None = None,
        step: Any = 1,
        *,
        dtype: Any | None = None,
        device: Any | None = None,
    ) -> Any:
        kw = {"stop": stop, "dtype": dtype, "device": device}
        if step is not None and not (isinstance(step, int) and step == 1):
            kw["step"] = step
        return call("arange", arange, (start,), kw, B, run=_arange, wrap_plain=True)

    def _pending(values: Any) -> Any:
        # A boolean array is a mask, which has no unit to choose.
        return B.wrap(values, ONE) if values.dtype == xp.bool else B.pending(values)

    def empty(
        shape: int | tuple[int, ...], *, dtype: Any | None = None, device: Any | None = None
    ) -> Any:
        return _pending(xp.empty(shape, dtype=dtype, device=device))

    def zeros(
        shape: int | tuple[int, ...], *, dtype: Any | None = None, device: Any | None = None
    ) -> Any:
        return _pending(xp.zeros(shape, dtype=dtype, device=device))

    def ones(
        shape: int | tuple[int, ...], *, dtype: Any | None = None, device: Any | None = None
    ) -> Any:
        return B.wrap(xp.ones(shape, dtype=dtype, device=device), ONE)

    def _full(shape: Any, fill_value: Any, **kw: Any) -> Any:
        if not B.lazy and np.ndim(fill_value) == 0:
            fill_value = np.asarray(fill_value).reshape(()).item()
        return xp.full(shape, fill_value, **kw)

    def full(
        shape: int | tuple[int, ...],
        fill_value: Any,
        *,
        dtype: Any | None = None,
        device: Any | None = None,
    ) -> Any:
        if _core.meets_any_unit(fill_value):
            return _pending(xp.full(shape, fill_value, dtype=dtype, device=device))
        kw = {"dtype": dtype, "device": device}
        return call("full", full, (shape, fill_value), kw, B, run=_full, wrap_plain=True)

    def eye(
        n_rows: int,
        n_cols: int | None = None,
        /,
        *,
        k: int = 0,
        dtype: Any | None = None,
        device: Any | None = None,
    ) -> Any:
        if B.lazy and 0 in (n_rows, n_rows if n_cols is None else n_cols):
            # dask's eye divides by a chunk size of 0 for an empty matrix
            shape = (n_rows, n_rows if n_cols is None else n_cols)
            return B.wrap(xp.zeros(shape, dtype=dtype, device=device), ONE)
        return B.wrap(xp.eye(n_rows, n_cols, k=k, dtype=dtype, device=device), ONE)

    def _linspace(start: Any, stop: Any, /, num: int, **kw: Any) -> Any:
        return xp.linspace(_number(start), _number(stop), num, **kw)

    def linspace(
        start: Any,
        stop: Any,
        /,
        num: int,
        *,
        dtype: Any | None = None,
        device: Any | None = None,
        endpoint: bool = True,
    ) -> Any:
        kw = {"dtype": dtype, "device": device, "endpoint": endpoint}
        return call("linspace", linspace, (start, stop, num), kw, B, run=_linspace, wrap_plain=True)

    def from_dlpack(x: Any, /, *, device: Any | None = None, copy: bool | None = None) -> Any:
        if is_quantity(x):
            return asarray(x, device=device, copy=copy)
        return B.wrap(xp.from_dlpack(x, device=device, copy=copy), ONE)

    made = {
        f.__name__: f
        for f in (asarray, arange, empty, zeros, ones, full, eye, linspace, from_dlpack)
    }
    for f in made.values():
        f.__qualname__ = f.__name__
    return made


class Info:
    """``__array_namespace_info__()`` of one backend."""

    def __init__(self, B: Backend) -> None:
        self._B = B
        self._inner = B.xp.__array_namespace_info__()

    def capabilities(self) -> dict[str, Any]:
        caps = dict(self._inner.capabilities())
        if self._B.lazy:
            # Shapes must be known while the graph is built; a mask's count is not.
            caps["boolean indexing"] = False
            caps["data-dependent shapes"] = False
        return caps

    def default_device(self) -> Any:
        return self._inner.default_device()

    def default_dtypes(self, *, device: Any | None = None) -> dict[str, Any]:
        return self._inner.default_dtypes(device=device)

    def devices(self) -> list[Any]:
        return list(self._inner.devices())  # a list in 2024.12 (NumPy's is a tuple)

    def dtypes(self, *, device: Any | None = None, kind: Any | None = None) -> dict[str, Any]:
        return self._inner.dtypes(device=device, kind=kind)


def _submodule(parent: str, name: str, members: dict[str, Any], doc: str) -> types.ModuleType:
    mod = types.ModuleType(f"{parent}.{name}", doc)
    for k, v in members.items():
        setattr(mod, k, v)
    mod.__all__ = sorted(members)  # type: ignore[attr-defined]
    return mod


def populate(ns: dict[str, Any], B: Backend) -> None:
    """Fill the module dict ``ns`` with the namespace of backend ``B``."""
    name = ns["__name__"]
    info = Info(B)
    members: dict[str, Any] = {
        **_functions.functions(),
        **_functions.dtype_functions(B),
        **creation(B),
        "__array_namespace_info__": lambda: info,
        "__array_api_version__": API_VERSION,
        "e": math.e,
        "inf": math.inf,
        "nan": math.nan,
        "pi": math.pi,
        "newaxis": None,
        **{d: getattr(B.xp, d) for d in DTYPES},
        "linalg": _submodule(name, "linalg", _linalg.FUNCTIONS, _linalg.__doc__ or ""),
        "fft": _submodule(
            name, "fft", {**_fft.TRANSFORMS, **_fft.frequencies(B)}, _fft.__doc__ or ""
        ),
        "special": _submodule(name, "special", _special.functions(), _special.__doc__ or ""),
    }
    members["__array_namespace_info__"].__name__ = "__array_namespace_info__"
    ns.update(members)
    ns["__all__"] = sorted(k for k in members if k != "__array_api_version__")
    # NumPy's functions that xarray and others look up beyond the standard
    # (not in __all__: they are not part of the standard's namespace).
    ns.update(_numpy_extras.functions())


def namespace_of(*arrays: Any) -> Any:
    """The namespace module of these arrays (lazy when any of them is)."""
    if _functions.operands_backend(*arrays).lazy:
        from . import lazy

        return lazy
    from . import eager

    return eager
