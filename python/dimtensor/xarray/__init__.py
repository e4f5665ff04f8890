"""xarray integration: the ``.dimtensor`` accessor on DataArray and Dataset.

``import dimtensor.xarray`` registers the accessor (``import dimtensor``
alone imports no xarray). DimArray and DaskDimArray are xarray duck arrays:
a DataArray holding one keeps its unit through arithmetic, reductions,
``groupby``, ``resample``, ``coarsen``, ``weighted``, ``quantile``,
``rolling``, ``differentiate``, ``integrate``, ``concat`` and the rest, with the core's
rules (a unit mistake raises while the expression is built, before dask
runs anything). The accessor moves between files and quantities:

- ``quantify(units=None)``: data variables and non-index coordinates with a
  CF ``units`` attribute (read in the CF dialect, with ``units_metadata``)
  become DimArrays, or DaskDimArrays for dask-backed data (lazily: no task
  is added); index coordinates keep their values and their ``units``
  attribute, which :meth:`sel`, :attr:`loc`, :meth:`integrate` and
  :meth:`differentiate` read;
- ``dequantify()``: the magnitudes, with ``units`` (and ``units_metadata =
  "temperature: difference"`` for anomalies, CF 1.11) that udunits2 reads;
- ``to(unit)``, unit-aware ``sel``/``loc`` (a label in other units is
  converted to the coordinate's unit), ``to_zarr``/``to_netcdf`` (which
  write the units);
- ``ffill``, ``bfill``, ``interpolate_na``, ``interp`` and ``polyfit``, which
  xarray runs on plain arrays only: on the numbers, with the units put back
  (``polyfit``: the coefficients' unit from the function table's rule).

>>> import numpy as np, xarray as xr
>>> import dimtensor.xarray
>>> ds = xr.Dataset(
...     {"t": ("x", np.array([280.0, 281.5, 283.0]), {"units": "K"})},
...     coords={"x": ("x", [0.0, 1.0, 2.0], {"units": "km"})},
... )
>>> q = ds.dimtensor.quantify()
>>> q.t.data
DimArray([280. , 281.5, 283. ], unit='K')
>>> (q.t - q.t.mean()).dimtensor.dequantify().attrs
{'units': 'K'}
>>> q.t.dimtensor.sel(x=dimtensor.DimArray(1000.0, "m")).data
DimArray(281.5, unit='K')
>>> q.t.dimtensor.integrate("x").data.to("K*m")
DimArray(563000., unit='K·m')
"""

from __future__ import annotations

from . import _chunkmanager
from ._accessor import DataArrayAccessor, DatasetAccessor

_chunkmanager.install()

__all__ = ["DataArrayAccessor", "DatasetAccessor"]
