"""Units, dimensions and constants are pickled by value and cross processes."""

from __future__ import annotations

import copy
import multiprocessing
import os
import pickle
from fractions import Fraction
from typing import Any

import pytest
from dimtensor import DIMENSIONLESS, Dimension, Unit, constants, units
from dimtensor._core import lookup_unit, unit_names
from dimtensor.constants import Constant

PROTOCOLS = list(range(pickle.HIGHEST_PROTOCOL + 1))
FORMATS = ("unicode", "ascii", "latex", "cf")

SAMPLE_UNITS: list[Unit] = [
    units.m,
    units.km,
    units.kg,
    units.N,
    units.kg * units.m**2 / units.s**2,
    units.km / units.h,
    units.m * 1000,
    units.m ** Fraction(1, 2),
    units.m ** Fraction(-3, 2) * units.s,
    units.parse(""),
    units.degC,
    units.degF,
    units.delta_degC,
    units.ohm * units.m,
    units.um,
    units.percent,
    units.deg**2,
    units.gigasecond,
    units.kilotonne / units.yr,
    Unit("furlong", Dimension(length=1), 201.168),
    Unit("dC", Dimension(temperature=1), 1.0, 273.15),
    Unit("m", Dimension(time=1), 2.0),  # a symbol that parses to something else
    Unit("weird unit!", Dimension(mass=Fraction(1, 3)), 1e-30),
]

SAMPLE_DIMENSIONS: list[Dimension] = [
    DIMENSIONLESS,
    Dimension(length=1),
    Dimension(length=1, mass=1, time=-2),
    Dimension(length=Fraction(1, 2), time=-1),
    Dimension(1, 2, 3, 4, 5, 6, 7),
    Dimension(temperature=Fraction(-7, 3), luminosity=32767),
]

CONSTANT_NAMES = ["c", "G", "h", "hbar", "e", "alpha", "m_e", "k_B", "N_A", "R_inf", "E_h"]


def same_constant(a: Constant, b: Constant) -> bool:
    return (
        type(a) is type(b)
        and a.symbol == b.symbol
        and a.name == b.name
        and a.value == b.value
        and a.uncertainty == b.uncertainty
        and a.unit == b.unit
        and a.unit.symbol == b.unit.symbol
        and a.is_exact == b.is_exact
    )


def same_unit(a: Unit, b: Unit) -> bool:
    """Equal value and the same symbol; every text form still reads back.
    (The order of factors in the latex/cf forms may change: `m⁻³ᐟ²·s` is
    written `s/m³ᐟ²`.)"""
    return (
        a == b
        and hash(a) == hash(b)
        and a.dimension == b.dimension
        and a.scale == b.scale
        and a.offset == b.offset
        and a.symbol == b.symbol
        and all(
            units.parse(a.to_string(f)) == units.parse(b.to_string(f))
            for f in ("unicode", "ascii", "cf")
            if _parses(b.to_string(f))
        )
    )


def _parses(text: str) -> bool:
    try:
        units.parse(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("unit", SAMPLE_UNITS, ids=lambda u: repr(u))
def test_unit_round_trip(unit: Unit, protocol: int) -> None:
    back = pickle.loads(pickle.dumps(unit, protocol=protocol))
    assert type(back) is Unit
    assert same_unit(back, unit)
    assert back.symbol == unit.symbol


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_every_registered_unit_round_trips(protocol: int) -> None:
    bad = []
    for name in unit_names():
        u = lookup_unit(name)
        assert u is not None
        back = pickle.loads(pickle.dumps(u, protocol=protocol))
        # A registered unit keeps its text in every format exactly.
        if back != u or any(back.to_string(f) != u.to_string(f) for f in FORMATS):
            bad.append((name, u.symbol, back.symbol))
    assert bad == []


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("dim", SAMPLE_DIMENSIONS, ids=str)
def test_dimension_round_trip(dim: Dimension, protocol: int) -> None:
    back = pickle.loads(pickle.dumps(dim, protocol=protocol))
    assert type(back) is Dimension
    assert back == dim
    assert hash(back) == hash(dim)
    assert back.exponents == dim.exponents
    assert str(back) == str(dim)


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("name", CONSTANT_NAMES)
def test_constant_round_trip(name: str, protocol: int) -> None:
    const = getattr(constants, name)
    back = pickle.loads(pickle.dumps(const, protocol=protocol))
    assert back == const
    assert hash(back) == hash(const)
    assert same_constant(back, const)
    assert back.relative_uncertainty == const.relative_uncertainty


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_every_registered_constant_round_trips(protocol: int) -> None:
    names = [n for n in constants.__all__ if isinstance(getattr(constants, n), Constant)]
    assert len(names) > 40
    for name in names:
        const = getattr(constants, name)
        back = pickle.loads(pickle.dumps(const, protocol=protocol))
        assert back == const, name
        assert hash(back) == hash(const), name


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_user_constant_round_trips_by_value(protocol: int) -> None:
    mine = Constant("g_moon", "lunar surface gravity", 1.62, units.m / units.s**2, 0.01)
    back = pickle.loads(pickle.dumps(mine, protocol=protocol))
    assert same_constant(back, mine)
    assert back.relative_uncertainty == mine.relative_uncertainty


def test_pickle_is_by_value_not_by_registry_identity() -> None:
    data = pickle.dumps(units.km / units.h)
    # The payload carries the symbol and exponents, not a registry reference.
    assert b"km/h" in data
    assert b"_unit_from_state" in data
    assert b"registry" not in data


def test_containers_of_units_round_trip() -> None:
    payload = {
        "units": SAMPLE_UNITS,
        "by_dim": {units.N.dimension: units.N, units.J.dimension: units.J},
        "set": {units.m, units.km, units.kg * units.m / units.s**2, units.N},
    }
    back = pickle.loads(pickle.dumps(payload))
    assert back["units"] == SAMPLE_UNITS
    assert back["by_dim"][Dimension(length=1, mass=1, time=-2)] == units.N
    assert back["set"] == {units.m, units.km, units.N}


# --- copy ------------------------------------------------------------------------


@pytest.mark.parametrize("obj", [*SAMPLE_UNITS, *SAMPLE_DIMENSIONS], ids=repr)
def test_copy_and_deepcopy(obj: Any) -> None:
    a = copy.copy(obj)
    b = copy.deepcopy(obj)
    assert a == obj
    assert b == obj
    assert hash(a) == hash(b) == hash(obj)
    assert str(a) == str(b) == str(obj)
    nested = copy.deepcopy({"x": [obj, (obj,)]})
    assert nested["x"][0] == obj
    assert nested["x"][1][0] == obj


@pytest.mark.parametrize("name", CONSTANT_NAMES)
def test_copy_constants(name: str) -> None:
    const = getattr(constants, name)
    for dup in (copy.copy(const), copy.deepcopy(const), copy.deepcopy([const])[0]):
        assert dup == const
        assert hash(dup) == hash(const)
        assert same_constant(dup, const)


# --- across processes ------------------------------------------------------------


def _check_in_child(payload: bytes) -> dict[str, Any]:
    """Runs in a freshly spawned interpreter: unpickle, compare with objects
    built there from scratch, and send everything back pickled again."""
    from dimtensor import Dimension, Unit, constants
    from dimtensor import units as child_units

    env = {"Unit": Unit, "Dimension": Dimension, "Fraction": Fraction}
    data = pickle.loads(payload)
    unit_checks = []
    for u, text in data["units"]:
        fresh = eval(text, env)  # the repr, rebuilt in this process
        unit_checks.append((text, u == fresh, hash(u) == hash(fresh), u.symbol))
    dim_checks = []
    for d, text in data["dims"]:
        fresh = eval(text, env)
        dim_checks.append((text, d == fresh, hash(d) == hash(fresh)))
    const_checks = []
    for name, c in data["constants"]:
        fresh = getattr(constants, name)
        ok = c == fresh and hash(c) == hash(fresh) and same_constant(c, fresh)
        const_checks.append((name, ok))
    parsed = [child_units.parse(t) for t in data["texts"]]
    return {
        "pid": os.getpid(),
        "units": unit_checks,
        "dims": dim_checks,
        "constants": const_checks,
        "echo": pickle.dumps((data, parsed)),
    }


def test_unpickle_in_a_spawned_process() -> None:
    const_objs = [(n, getattr(constants, n)) for n in CONSTANT_NAMES]
    texts = ["kg m2 s-2", "km/h", "degC", "µm", "1e-3 m"]
    data = {
        "units": [(u, repr(u)) for u in SAMPLE_UNITS],
        "dims": [(d, repr(d)) for d in SAMPLE_DIMENSIONS],
        "constants": const_objs,
        "texts": texts,
    }
    payload = pickle.dumps(data)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        result = pool.apply(_check_in_child, (payload,))
    assert result["pid"] != os.getpid()

    assert len(result["units"]) == len(SAMPLE_UNITS)
    for (text, equal, hash_equal, symbol), unit in zip(result["units"], SAMPLE_UNITS, strict=True):
        assert equal, text
        assert hash_equal, text
        assert symbol == unit.symbol
    assert len(result["dims"]) == len(SAMPLE_DIMENSIONS)
    for text, equal, hash_equal in result["dims"]:
        assert equal, text
        assert hash_equal, text
    assert result["constants"] == [(n, True) for n in CONSTANT_NAMES]

    # Objects made or unpickled in the child come back equal.
    echoed, parsed = pickle.loads(result["echo"])
    for (u, _), original in zip(echoed["units"], SAMPLE_UNITS, strict=True):
        assert same_unit(u, original)
    for (d, _), original in zip(echoed["dims"], SAMPLE_DIMENSIONS, strict=True):
        assert d == original
        assert hash(d) == hash(original)
    for (_, c), (_, original) in zip(echoed["constants"], const_objs, strict=True):
        assert c == original
        assert hash(c) == hash(original)
        assert same_constant(c, original)
    assert parsed == [units.parse(t) for t in texts]
