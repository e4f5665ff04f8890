"""dimtensor: physical units for NumPy and Dask arrays, with a Rust core.

>>> import dimtensor as dt
>>> from dimtensor import units as u
>>> (u.km / u.h).conversion_factor(u.m / u.s)
0.2777777777777778
>>> str(u.kg * u.m**2 / u.s**2)
'kg·m²/s²'
>>> (u.kg * u.m**2 / u.s**2).simplified().symbol
'J'
"""

from dimtensor import _compat, _dimarray, constants, errors, units
from dimtensor._core import DIMENSIONLESS, DimArray, Dimension, Unit, __version__
from dimtensor._fused import fused
from dimtensor.errors import ConstraintError, DimensionError, UnitConversionError
from dimtensor.functions import (
    arange,
    concatenate,
    dot,
    geomspace,
    linspace,
    logspace,
    matmul,
    norm,
    split,
    stack,
)

_dimarray.install()
_compat.install()


def __getattr__(name: str) -> object:
    # DaskDimArray imports dask: only on first use, so `import dimtensor`
    # stays free of dask.
    if name == "DaskDimArray":
        from dimtensor.dask import DaskDimArray

        return DaskDimArray
    if name in _compat.TOP_LEVEL:
        # dimtensor 5.x names without a counterpart: importable, raise on use.
        return _compat.top_level(name)
    raise AttributeError(f"module 'dimtensor' has no attribute {name!r}")


__all__ = [
    "DIMENSIONLESS",
    "ConstraintError",
    "DaskDimArray",
    "DimArray",
    "Dimension",
    "DimensionError",
    "Unit",
    "UnitConversionError",
    "__version__",
    "arange",
    "concatenate",
    "constants",
    "dot",
    "errors",
    "fused",
    "geomspace",
    "linspace",
    "logspace",
    "matmul",
    "norm",
    "split",
    "stack",
    "units",
]
