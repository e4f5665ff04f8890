"""Names of dimtensor 5.x that this dimtensor does not provide.

Importing them works, so 5.x code that imports but does not use them keeps
running; any use (an attribute, a call, arithmetic) raises
:class:`dimtensor.errors.UnavailableError` saying what to use instead.

>>> import dimtensor
>>> dimtensor.weighted_mean([])
Traceback (most recent call last):
dimtensor.errors.UnavailableError: dimtensor.weighted_mean (dimtensor 5.x) is not part of this ...
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import types
from typing import Any, NoReturn

from dimtensor.errors import UnavailableError

# name -> (what it was in 5.x, what to use instead)
_TOP_LEVEL = {
    "weighted_mean": (
        "it combined the uncertainties that 5.x DimArrays carried, and DimArrays here carry none",
        "weight explicitly with numpy.average(x, weights=w)",
    ),
    "domains": (
        "a module of domain-specific unit collections",
        "every unit is in dimtensor.units (units.parsec, units.ly, units.erg, …) or "
        'parses from text (units.parse("..."))',
    ),
    "visualization": (
        "plotting helpers",
        "plot x.magnitude() and label axes with str(x.unit)",
    ),
    "validation": (
        "value constraints",
        "check values with NumPy on x.magnitude()",
    ),
    "config": (
        "display options",
        "NumPy's own print options (numpy.set_printoptions)",
    ),
    "profiling": ("profiling helpers", "your profiler of choice"),
    "analysis": (
        "dimensional analysis helpers",
        "Unit and Dimension algebra (x.unit.dimension, Unit.simplified())",
    ),
    "experiments": ("experiment tracking", "your tracking tool of choice"),
    "research": ("paper-reproduction helpers", "plain dimtensor arrays"),
    "schema": (
        "unit schema sharing",
        "the CF `units` attribute that dimtensor.dask.to_zarr writes",
    ),
    "serverless": ("serverless deployment helpers", "plain dimtensor arrays"),
    "education": ("interactive textbook material", "plain dimtensor arrays"),
    "i18n": ("translated unit names", "Unit.to_string(fmt)"),
    "accessibility": ("accessible formatting", "Unit.to_string(fmt)"),
}

TOP_LEVEL = frozenset(_TOP_LEVEL)
MODULES = TOP_LEVEL - {"weighted_mean"}


def _refuse(dotted: str) -> NoReturn:
    what, instead = _TOP_LEVEL[dotted.split(".")[1]]
    raise UnavailableError(
        f"{dotted} (dimtensor 5.x) is not part of this dimtensor: {what}; {instead}"
    )


class Unavailable:
    """Stands for a dimtensor 5.x function: calling it (or any other use)
    raises ``UnavailableError``."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_"):
            raise AttributeError(attr)  # protocol probes (copy, pickle, inspect)
        _refuse(self._name)

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (Unavailable, (self._name,))

    def __setattr__(self, attr: str, value: Any) -> None:
        _refuse(self._name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        _refuse(self._name)

    def __repr__(self) -> str:
        return f"<{self._name} (dimtensor 5.x): not available here; using it raises>"


class UnavailableModule(types.ModuleType):
    """A dimtensor 5.x module (or one of its submodules): importable, and
    every attribute raises ``UnavailableError``."""

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_"):
            raise AttributeError(attr)  # protocol probes (copy, pickle, inspect)
        _refuse(self.__name__)


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes ``import dimtensor.domains.astronomy`` and the like work."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        parts = fullname.split(".")
        if len(parts) >= 2 and parts[0] == "dimtensor" and parts[1] in MODULES:
            return importlib.util.spec_from_loader(fullname, self, is_package=True)
        return None

    def create_module(self, spec: Any) -> types.ModuleType:
        return UnavailableModule(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        pass


def install() -> None:
    """Lets the 5.x module names be imported (once per process)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())


def top_level(name: str) -> Any:
    """The object standing for the 5.x top-level ``name``."""
    if name in MODULES:
        return importlib.import_module(f"dimtensor.{name}")
    return Unavailable(f"dimtensor.{name}")
