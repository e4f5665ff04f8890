"""The dimtensor 5.x import layout: aliases of the same objects."""

from __future__ import annotations

import importlib
import subprocess
import sys

import dimtensor
import dimtensor.core
import dimtensor.core.dimensions
import dimtensor.core.units


def test_core_units_is_the_units_module() -> None:
    assert dimtensor.core.units is dimtensor.units
    assert sys.modules["dimtensor.core.units"] is dimtensor.units
    assert importlib.import_module("dimtensor.core.units") is dimtensor.units


def test_from_core_units_import_names() -> None:
    from dimtensor.core.units import kg, m, s

    assert m is dimtensor.units.m
    assert s is dimtensor.units.s
    assert kg is dimtensor.units.kg
    assert m.symbol == "m"
    assert (kg * m / s**2) == dimtensor.units.N


def test_from_core_units_import_less_common_names() -> None:
    from dimtensor.core.units import degC, km, ohm, parse

    assert km.scale == 1000.0
    assert degC.offset == 273.15
    assert ohm.symbol == "Ω"
    assert parse("km/h") == km / dimtensor.units.h


def test_core_dimensions() -> None:
    from dimtensor.core.dimensions import DIMENSIONLESS, Dimension

    assert Dimension is dimtensor.Dimension
    assert dimtensor.core.dimensions.Dimension is dimtensor.Dimension
    assert DIMENSIONLESS == dimtensor.DIMENSIONLESS
    assert DIMENSIONLESS.is_dimensionless


def test_top_level_names() -> None:
    for name in ("Unit", "Dimension", "DIMENSIONLESS", "units", "constants", "errors"):
        assert hasattr(dimtensor, name), name
        assert name in dimtensor.__all__
    assert isinstance(dimtensor.__version__, str)
    assert dimtensor.__version__.count(".") >= 2
    assert dimtensor.units.Unit is dimtensor.Unit


def test_core_units_import_in_a_fresh_interpreter() -> None:
    # The alias must work when it is the very first thing imported.
    code = (
        "from dimtensor.core.units import m, s, kg\n"
        "import dimtensor\n"
        "assert m is dimtensor.units.m and (kg*m/s**2) == dimtensor.units.N\n"
        "from dimtensor.core.dimensions import Dimension\n"
        "assert Dimension is dimtensor.Dimension\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "ok"
