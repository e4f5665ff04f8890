"""Zarr (v3) I/O for ``DaskDimArray``: the unit lives in the ``units`` attribute.

The attribute is CF/UDUNITS text (``"kg m-2 s-1"``, ``"degC"``, ``"hPa"``,
``"1"`` for dimensionless), read and written in the CF dialect
(``units.parse(text, dialect="cf")``, ``Unit.to_cf()``), so xarray,
cf-xarray, Iris and other CF tools read it as the same unit; temperature
differences carry ``units_metadata = "temperature: difference"``.
Reading is lazy (``dask.array.from_zarr``); a store without a ``units``
attribute is an error unless the unit is given, never silently dimensionless.

Stores are paths, zarr stores, opened ``zarr.Array`` objects or fsspec URLs
(``file://``, ``memory://``, ``s3://``, ``gs://``…); ``storage_options`` go
to the filesystem (for s3fs: ``{"anon": True}``, ``{"key": ..., "secret":
...}``, ``{"client_kwargs": {"endpoint_url": ...}}``). Workers of a
dask.distributed cluster open the store themselves, so a URL must be
reachable from them.

>>> import numpy as np, zarr
>>> from dimtensor.dask import DaskDimArray, from_zarr, to_zarr
>>> store = zarr.storage.MemoryStore()
>>> to_zarr(DaskDimArray(np.full(4, 1013.25), "hPa", chunks=2), store)
>>> from_zarr(store).unit.to_string("cf")
'hPa'
>>> from_zarr(store, unit="Pa").compute()
DimArray([101325., 101325., 101325., 101325.], unit='Pa')
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import Any

import dask.array as da

from dimtensor._core import Unit
from dimtensor.dask.array import DaskDimArray
from dimtensor.errors import DimtensorError, UnitParseError
from dimtensor.units import parse_cf

__all__ = ["from_zarr", "to_zarr"]

UNITS_ATTR = "units"
METADATA_ATTR = "units_metadata"


def _where(store: Any, component: str | None) -> str:
    """``'<store>'`` or ``'<store>' component 'a/b'`` for messages."""
    if isinstance(store, os.PathLike):
        store = os.fspath(store)
    text = repr(store) if isinstance(store, str) else f"{type(store).__name__} {store!r}"
    return text if component is None else f"{text} component {component!r}"


def _open_array(
    store: Any, component: str | None, mode: str, storage_options: dict[str, Any] | None = None
) -> Any:
    import zarr

    if isinstance(store, zarr.Array):
        return store
    if isinstance(store, os.PathLike):
        store = os.fspath(store)
    options = {"storage_options": storage_options} if storage_options else {}
    return zarr.open_array(store=store, path=component or "", mode=mode, **options)


def _parse_attr(text: Any, where: str, metadata: Any = None) -> Unit:
    if not isinstance(text, str):
        raise UnitParseError(
            f"the {UNITS_ATTR!r} attribute of zarr array {where} is {text!r}, not unit text"
        )
    try:
        # File attributes are CF/UDUNITS-2 text (with CF 1.11 units_metadata).
        return parse_cf(text, metadata if isinstance(metadata, str) else None)[0]
    except UnitParseError as e:
        raise UnitParseError(
            f"cannot parse the {UNITS_ATTR!r} attribute {text!r} of zarr array {where}: {e}"
        ) from e


def _caller_level() -> int:
    """The ``stacklevel`` of the first caller outside dimtensor (for warnings
    raised inside a function of ours called through another of ours)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def _as_unit(unit: Unit | str) -> Unit:
    return unit if isinstance(unit, Unit) else Unit.parse(unit)


def from_zarr(
    url_or_store: Any,
    component: str | None = None,
    unit: Unit | str | None = None,
    storage_options: dict[str, Any] | None = None,
    chunks: Any = None,
) -> DaskDimArray:
    """Open a zarr array lazily as a :class:`DaskDimArray`.

    ``url_or_store`` is a path, an fsspec URL (``"s3://bucket/t.zarr"``,
    ``"file:///data/t.zarr"``, ``"memory://t.zarr"``), a zarr store or a
    ``zarr.Array``; ``component`` the array's path inside a group;
    ``storage_options`` go to the fsspec filesystem of a URL. The unit is
    read from the ``units`` attribute (CF/UDUNITS syntax).

    ``unit`` says what the result is in: with no attribute, the data are
    taken to be in ``unit``; with a readable attribute, the data are
    converted lazily from it to ``unit`` (a unit of another dimension is a
    ``UnitConversionError``, never a relabelling); with an attribute that is
    not a unit (``"see documentation"``), ``unit`` overrides it and a
    ``UserWarning`` says so. (CF time references, ``"days since …"``, read as
    their time unit.)

    Raises :class:`~dimtensor.errors.DimtensorError` when there is no
    ``units`` attribute and no ``unit``, and
    :class:`~dimtensor.errors.UnitParseError` (naming the text) when the
    attribute cannot be parsed and no ``unit`` is given. Nothing is read
    beyond the metadata.
    """
    where = _where(url_or_store, component)
    z = _open_array(url_or_store, component, "r", storage_options)
    data = da.from_zarr(z, chunks=chunks)
    attr = z.attrs.get(UNITS_ATTR)
    if attr is None:
        if unit is None:
            raise DimtensorError(
                f"zarr array {where} has no {UNITS_ATTR!r} attribute; pass unit=... "
                "to say what unit its data are in"
            )
        return DaskDimArray(data, _as_unit(unit))
    metadata = z.attrs.get(METADATA_ATTR)
    if unit is None:
        return DaskDimArray(data, _parse_attr(attr, where, metadata))
    target = _as_unit(unit)
    try:
        stored = _parse_attr(attr, where, metadata)
    except UnitParseError as e:
        warnings.warn(
            f"{e}; taking the data to be in '{target}' as given by unit= (not converted)",
            UserWarning,
            stacklevel=_caller_level(),
        )
        return DaskDimArray(data, target)
    return DaskDimArray(data, stored).to(target)


def _check_shape(z: Any, x: DaskDimArray, where: str) -> None:
    if tuple(z.shape) != tuple(x.shape):
        raise DimtensorError(
            f"zarr array {where} has shape {tuple(z.shape)}, not writing an array of "
            f"shape {tuple(x.shape)} into it"
        )


def _check_existing(z: Any, x: DaskDimArray, where: str, text: str) -> None:
    """Refuse (before writing) to put ``x`` into ``z`` unless the units agree."""
    attr = z.attrs.get(UNITS_ATTR)
    if attr is None:
        raise DimtensorError(
            f"zarr array {where} exists without a {UNITS_ATTR!r} attribute; not writing "
            f"data in {text!r} into it (use overwrite=True to replace it)"
        )
    if _parse_attr(attr, where, z.attrs.get(METADATA_ATTR)) != x.unit:
        raise DimtensorError(
            f"zarr array {where} holds data in {attr!r}; not writing data in {text!r} "
            "into it (convert with .to(...) first, or use overwrite=True to replace it)"
        )
    _check_shape(z, x, where)


def _set_metadata(attrs: Any, metadata: str | None) -> None:
    """CF 1.11 ``units_metadata`` (temperature points and differences)."""
    if metadata is not None:
        attrs[METADATA_ATTR] = metadata
    elif METADATA_ATTR in attrs:
        del attrs[METADATA_ATTR]


def to_zarr(
    x: DaskDimArray,
    store: Any,
    component: str | None = None,
    overwrite: bool = False,
    storage_options: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Any:
    """Write ``x`` to zarr, with its unit in the ``units`` attribute.

    The attribute is ``x.unit.to_cf()`` (``"degC"``, ``"1"`` for
    dimensionless, ``"kg m-2 s-1"``), text that UDUNITS-2 reads as the same
    unit; a temperature difference (``delta_degC``) is written ``"degC"``
    with ``units_metadata = "temperature: difference"`` (CF 1.11). If an array already exists at
    ``store``/``component`` and ``overwrite`` is false, the data are written
    into it, but only when its ``units`` attribute equals ``x.unit`` by value
    (``"m s-1"`` equals ``"m/s"``) and the shapes match: otherwise
    :class:`~dimtensor.errors.DimtensorError` is raised before anything is
    written. ``overwrite=True`` replaces an existing array, unit included.
    ``store`` may be an fsspec URL, with ``storage_options`` for its
    filesystem, as for :func:`from_zarr`. Other keyword arguments go to
    :func:`dask.array.to_zarr` (e.g. ``compute=False``, or array-creation
    arguments such as ``compressors``).
    """
    import zarr

    if not isinstance(x, DaskDimArray):
        raise TypeError(f"to_zarr needs a DaskDimArray, got {type(x).__name__}")
    where = _where(store, component)
    text, metadata = x.unit.to_cf()

    if isinstance(store, zarr.Array):
        if overwrite:
            _check_shape(store, x, where)
            store.attrs[UNITS_ATTR] = text
            _set_metadata(store.attrs, metadata)
        else:
            _check_existing(store, x, where, text)
        return da.to_zarr(x.data, store, **kwargs)
    if not overwrite:
        try:
            existing = _open_array(store, component, "r+", storage_options)
        except FileNotFoundError:
            existing = None
        if existing is not None:
            _check_existing(existing, x, where, text)
            return da.to_zarr(x.data, existing, **kwargs)

    attributes = dict(kwargs.pop("attributes", None) or {})
    attributes[UNITS_ATTR] = text
    _set_metadata(attributes, metadata)
    if overwrite:
        kwargs["overwrite"] = True
    if isinstance(store, os.PathLike):
        store = os.fspath(store)
    if storage_options:
        kwargs["storage_options"] = storage_options
    return da.to_zarr(x.data, store, component=component, attributes=attributes, **kwargs)


# The class's I/O methods are these functions (``x.to_zarr(store)`` is
# ``to_zarr(x, store)``): zarr I/O builds on the array, so they are put on it
# here rather than imported by it.
DaskDimArray.to_zarr = to_zarr  # type: ignore[attr-defined]
DaskDimArray.from_zarr = staticmethod(from_zarr)  # type: ignore[attr-defined]
