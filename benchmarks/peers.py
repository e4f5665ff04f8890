"""The unit libraries installed here, each with how to make a quantity in m
and km: dimtensor always, pint, astropy and unyt when present (``make bench``
installs them). Shared by the benchmark scripts."""

from __future__ import annotations


def peers() -> dict[str, dict[str, object]]:
    """Unit libraries installed here: how to make a quantity in m and km."""
    out: dict[str, dict[str, object]] = {}
    import dimtensor

    out["dimtensor"] = {
        "version": dimtensor.__version__,
        "m": lambda x: dimtensor.DimArray(x, "m"),
        "km": lambda x: dimtensor.DimArray(x, "km"),
    }
    try:
        import pint

        ureg = pint.UnitRegistry()
        out["pint"] = {
            "version": pint.__version__,
            "m": lambda x: ureg.Quantity(x, "m"),
            "km": lambda x: ureg.Quantity(x, "km"),
        }
    except ImportError:
        pass
    try:
        import astropy
        import astropy.units as au

        out["astropy"] = {
            "version": astropy.__version__,
            "m": lambda x: x * au.m,
            "km": lambda x: x * au.km,
        }
    except ImportError:
        pass
    try:
        import unyt

        out["unyt"] = {
            "version": unyt.__version__,
            "m": lambda x: unyt.unyt_array(x, "m"),
            "km": lambda x: unyt.unyt_array(x, "km"),
        }
    except ImportError:
        pass
    return out
