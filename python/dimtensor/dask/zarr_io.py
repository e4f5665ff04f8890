"""Zarr (v3) I/O for ``DaskDimArray``: the unit lives in the ``units`` attribute.

The attribute is CF/UDUNITS text (``"kg m-2 s-1"``, ``"degC"``, ``"hPa"``,
``"1"`` for dimensionless), read and written in the CF dialect
(``units.parse(text, dialect="cf")``, ``Unit.to_cf()``), so xarray,
cf-xarray, Iris and other CF tools read it as the same unit; temperature
differences carry ``units_metadata = "temperature: difference"``.
Reading is lazy (``dask.array.from_zarr``); a store without a ``units``
attribute is an error unless the unit is given, never silently dimensionless.

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


def _open_array(store: Any, component: str | None, mode: str) -> Any:
    import zarr

    if isinstance(store, zarr.Array):
        return store
    if isinstance(store, os.PathLike):
        store = os.fspath(store)
    return zarr.open_array(store=store, path=component or "", mode=mode)


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


def _as_unit(unit: Unit | str) -> Unit:
    return unit if isinstance(unit, Unit) else Unit.parse(unit)


def from_zarr(
    store: Any,
    component: str | None = None,
    unit: Unit | str | None = None,
    chunks: Any = None,
) -> DaskDimArray:
    """Open a zarr array lazily as a :class:`DaskDimArray`.

    ``store`` is a path, a zarr store or a ``zarr.Array``; ``component`` the
    array's path inside a group. The unit is read from the ``units``
    attribute (CF/UDUNITS syntax). With ``unit`` given and no attribute, the
    data are taken to be in ``unit``; with both, the data are converted
    lazily from the attribute's unit to ``unit``.

    Raises :class:`~dimtensor.errors.DimtensorError` when there is no
    ``units`` attribute and no ``unit``, and
    :class:`~dimtensor.errors.UnitParseError` (naming the text) when the
    attribute cannot be parsed. Nothing is read beyond the metadata.
    """
    where = _where(store, component)
    z = _open_array(store, component, mode="r")
    data = da.from_zarr(z, chunks=chunks)
    attr = z.attrs.get(UNITS_ATTR)
    if attr is None:
        if unit is None:
            raise DimtensorError(
                f"zarr array {where} has no {UNITS_ATTR!r} attribute; pass unit=... "
                "to say what unit its data are in"
            )
        return DaskDimArray(data, _as_unit(unit))
    stored = DaskDimArray(data, _parse_attr(attr, where, z.attrs.get(METADATA_ATTR)))
    return stored if unit is None else stored.to(unit)


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
    Other keyword arguments go to :func:`dask.array.to_zarr` (e.g.
    ``compute=False``, or array-creation arguments such as ``compressors``).
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
            existing = _open_array(store, component, mode="r+")
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
    return da.to_zarr(x.data, store, component=component, attributes=attributes, **kwargs)
