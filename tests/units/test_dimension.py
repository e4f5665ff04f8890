"""Dimension: seven exact rational exponents."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import dimtensor as dt
import numpy as np
import pytest
from dimtensor import DIMENSIONLESS, Dimension
from dimtensor.errors import DimensionError, DimtensorError
from hypothesis import given, settings
from hypothesis import strategies as st

NAMES = ("length", "mass", "time", "current", "temperature", "amount", "luminosity")
I32_MAX = 2**31 - 1


# --- construction -----------------------------------------------------------------


def test_default_is_dimensionless() -> None:
    d = Dimension()
    assert d == DIMENSIONLESS
    assert d.is_dimensionless
    assert d.exponents == (Fraction(0),) * 7
    assert not Dimension(length=1).is_dimensionless


def test_keywords_in_base_order() -> None:
    d = Dimension(length=1, mass=2, time=3, current=4, temperature=5, amount=6, luminosity=7)
    assert [getattr(d, n) for n in NAMES] == [1, 2, 3, 4, 5, 6, 7]
    assert d.exponents == tuple(Fraction(k) for k in range(1, 8))


def test_positional_order_matches_keywords() -> None:
    assert Dimension(1, 2, 3, 4, 5, 6, 7) == Dimension(
        length=1, mass=2, time=3, current=4, temperature=5, amount=6, luminosity=7
    )
    assert Dimension(0, 1) == Dimension(mass=1)


@pytest.mark.parametrize("name", NAMES)
def test_each_property_returns_fraction(name: str) -> None:
    d = Dimension(**{name: Fraction(-3, 2)})
    value = getattr(d, name)
    assert type(value) is Fraction
    assert value == Fraction(-3, 2)
    for other in NAMES:
        if other != name:
            assert type(getattr(d, other)) is Fraction
            assert getattr(d, other) == 0


def test_properties_are_read_only() -> None:
    d = Dimension(length=1)
    with pytest.raises(AttributeError):
        d.length = Fraction(2)  # type: ignore[misc]
    assert d.length == 1


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        (2, Fraction(2)),
        (-3, Fraction(-3)),
        (0, Fraction(0)),
        (Fraction(1, 2), Fraction(1, 2)),
        (Fraction(4, 6), Fraction(2, 3)),
        (Fraction(-7, 3), Fraction(-7, 3)),
        (0.5, Fraction(1, 2)),
        (-1.5, Fraction(-3, 2)),
        (1 / 3, Fraction(1, 3)),
        (2 / 3, Fraction(2, 3)),
        (0.3333, Fraction(1, 3)),  # nearest fraction with denominator <= 1000
        (0.1, Fraction(1, 10)),
        (3.14159265, Fraction(355, 113)),
        (0.0015, Fraction(1, 667)),
        (1e-9, Fraction(0)),
        (np.int64(3), Fraction(3)),
        (np.float64(0.25), Fraction(1, 4)),
    ],
)
def test_exponent_types(arg: object, expected: Fraction) -> None:
    d = Dimension(length=arg)  # type: ignore[arg-type]
    assert d.length == expected
    assert type(d.length) is Fraction


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-30.0, max_value=30.0, allow_nan=False))
def test_float_is_rounded_like_limit_denominator(x: float) -> None:
    exact = Fraction(x)
    want = exact.limit_denominator(1000)
    got = Dimension(time=x).time
    assert got.denominator <= 1000
    if got != want:
        # Only an exact tie (up to float rounding of the distances) may differ.
        assert abs(abs(got - exact) - abs(want - exact)) <= Fraction(1, 2**50)


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-(2.0**31) / 1000, max_value=2.0**31 / 1000, allow_nan=False))
def test_every_float_dimtensor_5_accepted_is_accepted(x: float) -> None:
    """dimtensor 5.x took any float as ``Fraction(x).limit_denominator(1000)``;
    every such fraction whose numerator fits 32 bits is accepted here, exactly."""
    want = Fraction(x).limit_denominator(1000)
    got = Dimension(amount=x).amount
    if got != want:
        exact = Fraction(x)
        assert abs(abs(got - exact) - abs(want - exact)) <= Fraction(1, 2**50)


def test_wide_float_exponents() -> None:
    # Numerators beyond 16 bits (dimtensor 5.x accepted them; so do we).
    assert Dimension(length=-32861 / 660).length == Fraction(-32861, 660)
    assert Dimension(mass=1e6).mass == 1_000_000
    assert Dimension(time=123456.789).time == Fraction(123456789, 1000)
    assert Dimension(length=float(I32_MAX)).length == I32_MAX
    with pytest.raises(DimensionError, match="overflow"):
        Dimension(length=float(I32_MAX + 1))


@pytest.mark.parametrize(
    "bad",
    ["1", b"1", [1], (1,), {1: 1}, object(), Decimal("1.5"), 1j, True, False, Dimension()],
)
def test_bad_exponent_types_raise_type_error(bad: object) -> None:
    with pytest.raises(TypeError):
        Dimension(length=bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Dimension(mass=1) ** bad  # type: ignore[operator]


def test_unknown_keyword_and_too_many_positionals_raise_type_error() -> None:
    with pytest.raises(TypeError):
        Dimension(size=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Dimension(1, 2, 3, 4, 5, 6, 7, 8)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "value",
    [
        I32_MAX + 1,
        -(2**31),
        2**40,
        2**70,
        -(2**70),
        Fraction(1, 2**40),
        Fraction(2**40, 3),
        1e10,
        -1e300,
        float("inf"),
        float("-inf"),
        float("nan"),
    ],
)
def test_out_of_range_exponent_raises_dimension_error(value: object) -> None:
    with pytest.raises(DimensionError):
        Dimension(length=value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [-(2**63), Fraction(-(2**63), 3), 2**63, Fraction(1, 2**63)])
def test_i64_boundary_exponents_raise_dimension_error(value: object) -> None:
    # Must be a DimensionError, never a Rust panic (pyo3 PanicException).
    with pytest.raises(DimensionError):
        Dimension(length=value)  # type: ignore[arg-type]
    with pytest.raises(DimensionError):
        Dimension(length=1) ** value  # type: ignore[operator]


def test_largest_exponent_is_accepted() -> None:
    assert Dimension(length=I32_MAX).length == I32_MAX
    assert Dimension(length=-I32_MAX).length == -I32_MAX
    assert Dimension(length=Fraction(1, I32_MAX)).length == Fraction(1, I32_MAX)


# --- algebra ----------------------------------------------------------------------

FORCE = Dimension(length=1, mass=1, time=-2)
LENGTH = Dimension(length=1)
TIME = Dimension(time=1)


def test_multiplication_adds_exponents() -> None:
    assert LENGTH * LENGTH == Dimension(length=2)
    assert FORCE * LENGTH == Dimension(length=2, mass=1, time=-2)
    assert LENGTH * DIMENSIONLESS == LENGTH


def test_division_subtracts_exponents() -> None:
    assert LENGTH / TIME == Dimension(length=1, time=-1)
    assert FORCE / FORCE == DIMENSIONLESS
    assert DIMENSIONLESS / TIME == Dimension(time=-1)


def test_fractional_algebra_is_exact() -> None:
    third = Dimension(length=Fraction(1, 3))
    assert third * third * third == LENGTH
    assert (third * third).length == Fraction(2, 3)
    assert Dimension(length=Fraction(1, 6)) * Dimension(length=Fraction(1, 3)) == Dimension(
        length=Fraction(1, 2)
    )
    assert (Dimension(mass=Fraction(1, 2)) / Dimension(mass=Fraction(1, 3))).mass == Fraction(1, 6)


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (2, Dimension(length=2, mass=2, time=-4)),
        (-1, Dimension(length=-1, mass=-1, time=2)),
        (0, DIMENSIONLESS),
        (Fraction(1, 2), Dimension(length=Fraction(1, 2), mass=Fraction(1, 2), time=-1)),
        (0.5, Dimension(length=Fraction(1, 2), mass=Fraction(1, 2), time=-1)),
        (1 / 3, Dimension(length=Fraction(1, 3), mass=Fraction(1, 3), time=Fraction(-2, 3))),
        (Fraction(-3, 2), Dimension(length=Fraction(-3, 2), mass=Fraction(-3, 2), time=3)),
    ],
)
def test_power(p: object, expected: Dimension) -> None:
    assert FORCE**p == expected  # type: ignore[operator]


def test_power_then_root_is_identity() -> None:
    d = Dimension(length=3, time=-2, temperature=Fraction(1, 5))
    assert (d**7) ** Fraction(1, 7) == d
    assert (d ** Fraction(2, 3)) ** 1.5 == d


def test_pow_with_modulus_is_type_error() -> None:
    with pytest.raises(TypeError):
        pow(LENGTH, 2, 3)  # type: ignore[misc]


@pytest.mark.parametrize("other", [2, 2.0, "L", None, Fraction(1, 2)])
def test_mul_div_with_non_dimension_is_type_error(other: object) -> None:
    with pytest.raises(TypeError):
        LENGTH * other  # type: ignore[operator]
    with pytest.raises(TypeError):
        other * LENGTH  # type: ignore[operator]
    with pytest.raises(TypeError):
        LENGTH / other  # type: ignore[operator]
    with pytest.raises(TypeError):
        other / LENGTH  # type: ignore[operator]


def test_rpow_is_type_error() -> None:
    with pytest.raises(TypeError):
        2**LENGTH  # type: ignore[operator]


def test_overflow_raises_dimension_error_never_wraps() -> None:
    big = Dimension(length=2_000_000_000)
    with pytest.raises(DimensionError):
        big**2
    with pytest.raises(DimensionError):
        big * big
    with pytest.raises(DimensionError):
        Dimension(length=-2_000_000_000) / big
    with pytest.raises(DimensionError):
        Dimension(length=I32_MAX) * LENGTH
    with pytest.raises(DimensionError):
        Dimension(length=Fraction(1, 2_000_000_000)) * Dimension(length=Fraction(1, 1_999_999_999))
    with pytest.raises(DimensionError):
        Dimension(length=50_000) ** 50_000
    with pytest.raises(DimensionError):
        LENGTH**1e10
    # What 16-bit exponents refused is exact now.
    assert Dimension(length=300) ** 300 == Dimension(length=90_000)
    # The error is a DimtensorError and a ValueError, and its message says why.
    with pytest.raises(ValueError, match="overflow") as info:
        big**2
    assert isinstance(info.value, DimtensorError)
    # Operands are untouched.
    assert big.length == 2_000_000_000


# --- equality and hashing ---------------------------------------------------------


def test_equality_by_exponents() -> None:
    assert Dimension(length=1, time=-1) == Dimension(time=-1, length=1)
    assert Dimension(length=Fraction(2, 4)) == Dimension(length=0.5)
    assert Dimension(length=1) != Dimension(length=2)
    assert Dimension(length=1) != Dimension(mass=1)
    assert not (Dimension(length=1) != Dimension(length=Fraction(1)))


@pytest.mark.parametrize("other", [1, "L", None, (1, 0, 0, 0, 0, 0, 0), dt.units.m])
def test_not_equal_to_other_types(other: object) -> None:
    assert LENGTH != other
    assert not (LENGTH == other)
    assert DIMENSIONLESS != other


def test_hash_consistent_with_equality() -> None:
    a = Dimension(length=1, mass=Fraction(1, 2))
    b = Dimension(mass=0.5) * Dimension(length=Fraction(3, 3))
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b, Dimension(length=1), Dimension(length=1)}) == 2
    table = {FORCE: "force"}
    assert table[Dimension(length=1, mass=1, time=-2)] == "force"


def test_hash_distinguishes_common_dimensions() -> None:
    dims = [Dimension(**{n: e}) for n in NAMES for e in (-2, -1, 1, 2, Fraction(1, 2))]
    assert len({hash(d) for d in dims}) == len(dims)


def test_dimension_is_immutable_and_usable_as_key() -> None:
    with pytest.raises(AttributeError):
        LENGTH.foo = 1  # type: ignore[attr-defined]


# --- text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dim", "text"),
    [
        (Dimension(mass=1, length=1, time=-2), "LMT⁻²"),
        (Dimension(), "1"),
        (DIMENSIONLESS, "1"),
        (Dimension(length=1), "L"),
        (Dimension(length=2), "L²"),
        (Dimension(time=-1), "T⁻¹"),
        (Dimension(length=Fraction(1, 2), time=-1), "L¹ᐟ²T⁻¹"),
        (Dimension(mass=Fraction(-3, 2)), "M⁻³ᐟ²"),
        (Dimension(current=1, temperature=1, amount=1, luminosity=1), "IΘNJ"),
        (Dimension(luminosity=1, length=-3), "L⁻³J"),
        (Dimension(length=12, time=-10), "L¹²T⁻¹⁰"),
        (Dimension(length=2, mass=1, time=-3, current=-2), "L²MT⁻³I⁻²"),
    ],
)
def test_str(dim: Dimension, text: str) -> None:
    assert str(dim) == text


@pytest.mark.parametrize(
    "dim",
    [
        Dimension(),
        Dimension(length=1, mass=1, time=-2),
        Dimension(length=Fraction(1, 2), time=-1),
        Dimension(temperature=-1, amount=Fraction(-2, 7), luminosity=3, current=2),
    ],
)
def test_repr_evaluates_back(dim: Dimension) -> None:
    text = repr(dim)
    assert text.startswith("Dimension(")
    assert eval(text, {"Dimension": Dimension, "Fraction": Fraction}) == dim


def test_repr_examples() -> None:
    assert repr(Dimension()) == "Dimension()"
    assert repr(FORCE) == "Dimension(length=1, mass=1, time=-2)"
    assert repr(Dimension(time=Fraction(1, 2))) == "Dimension(time=Fraction(1, 2))"


def test_compat_alias_module_exports() -> None:
    assert dt.DIMENSIONLESS == Dimension()
    assert dt.Dimension is Dimension
