"""Algebraic laws of units and dimensions, checked by hypothesis."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from dimtensor import DIMENSIONLESS, Dimension, Unit, units
from dimtensor._core import lookup_unit, unit_names
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

LAWS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Registered units without an offset and with moderate scales, so that any
# product of three of them with exponents up to 3 stays a finite double
# whatever the order of evaluation.
PLAIN_NAMES = sorted(
    n
    for n in unit_names()
    if (u := lookup_unit(n)) is not None and u.offset == 0.0 and 1e-30 <= u.scale <= 1e30
)
OFFSET_FREE = st.sampled_from(PLAIN_NAMES).map(lambda n: lookup_unit(n))
# For powers of products: scales within 1e±10, so (x³·y³)⁶ is still finite.
MODERATE = st.sampled_from(
    [n for n in PLAIN_NAMES if 1e-10 <= lookup_unit(n).scale <= 1e10]  # type: ignore[union-attr]
).map(lambda n: lookup_unit(n))

small_ints = st.integers(min_value=-3, max_value=3)
nonzero_ints = small_ints.filter(bool)
small_fractions = st.builds(
    Fraction, st.integers(min_value=-6, max_value=6), st.integers(min_value=1, max_value=6)
)
pow_exponents = st.one_of(
    small_ints,
    st.builds(
        Fraction, st.integers(min_value=-3, max_value=3), st.integers(min_value=1, max_value=3)
    ),
)


@st.composite
def products(draw: st.DrawFn, max_factors: int = 3, base: st.SearchStrategy = OFFSET_FREE) -> Unit:
    """A product of registered units with small integer exponents."""
    n = draw(st.integers(min_value=1, max_value=max_factors))
    u = units.parse("")
    for _ in range(n):
        u = u * draw(base) ** draw(nonzero_ints)
    # Far from the double range limits (and from subnormals), so that a
    # product or quotient of two of them is still exact to ~1e-15.
    assume(1e-100 <= u.scale <= 1e100)
    return u


def moderate_products(max_factors: int = 3) -> st.SearchStrategy[Unit]:
    return products(max_factors, MODERATE)


def close(a: float, b: float, rel: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=0.0)


# --- unit multiplication ------------------------------------------------------------


@LAWS
@given(OFFSET_FREE, OFFSET_FREE, OFFSET_FREE)
def test_multiplication_is_associative(a: Unit, b: Unit, c: Unit) -> None:
    left = (a * b) * c
    right = a * (b * c)
    assert left == right
    assert hash(left) == hash(right)
    assert left.dimension == right.dimension


@LAWS
@given(OFFSET_FREE, OFFSET_FREE)
def test_multiplication_is_commutative(a: Unit, b: Unit) -> None:
    assert a * b == b * a
    assert hash(a * b) == hash(b * a)


@LAWS
@given(products())
def test_self_division_is_dimensionless_with_scale_one(a: Unit) -> None:
    q = a / a
    assert q.is_dimensionless
    assert q.dimension == DIMENSIONLESS
    assert q.scale == pytest.approx(1.0, rel=1e-15)
    assert q.offset == 0.0
    assert q == units.parse("1")
    assert q.symbol == ""


@LAWS
@given(products(), products())
def test_multiply_then_divide_is_identity(a: Unit, b: Unit) -> None:
    assert (a * b) / b == a
    assert (a / b) * b == a
    assert ((a * b) / b).dimension == a.dimension


@LAWS
@given(MODERATE, MODERATE, pow_exponents, pow_exponents)
def test_power_of_power(x: Unit, y: Unit, p: int | Fraction, q: int | Fraction) -> None:
    a = x * y
    pq = Fraction(p) * Fraction(q)
    nested = (a**p) ** q
    direct = a**pq
    assert nested.dimension == direct.dimension
    assert nested == direct


@LAWS
@given(
    MODERATE,
    MODERATE,
    st.integers(min_value=-4, max_value=4),
    st.integers(min_value=-4, max_value=4),
)
def test_integer_powers_add(x: Unit, y: Unit, p: int, q: int) -> None:
    a = x / y
    assert (a**p) * (a**q) == a ** (p + q)
    assert (a**p) / (a**q) == a ** (p - q)


@LAWS
@given(moderate_products(2), moderate_products(2))
def test_power_distributes_over_product(a: Unit, b: Unit) -> None:
    assert (a * b) ** 2 == a**2 * b**2
    assert (a / b) ** -1 == b / a


@LAWS
@given(products(), st.floats(min_value=1e-6, max_value=1e6))
def test_numeric_factor(a: Unit, x: float) -> None:
    scaled = a * x
    assert close(scaled.scale, a.scale * x)
    assert scaled.dimension == a.dimension
    assert (x * a) == scaled
    assert scaled / x == a


# --- conversion -------------------------------------------------------------------


def _by_dimension() -> dict[Dimension, list[str]]:
    groups: dict[Dimension, list[str]] = {}
    for n in PLAIN_NAMES:
        u = lookup_unit(n)
        assert u is not None
        groups.setdefault(u.dimension, []).append(n)
    return groups


# Dimensions with several registered units (length: m, ft, au, …).
SAME_DIMENSION = [sorted(v) for v in _by_dimension().values() if len(v) > 1]


@st.composite
def compatible(draw: st.DrawFn, a: Unit) -> Unit:
    """A unit of a's dimension with a different scale and symbol: a·x/y for
    registered x and y of one dimension."""
    group = draw(st.sampled_from(SAME_DIMENSION))
    x = lookup_unit(draw(st.sampled_from(group)))
    y = lookup_unit(draw(st.sampled_from(group)))
    assert x is not None and y is not None
    return a * x / y


@LAWS
@given(st.data())
def test_conversion_factor_round_trip(data: st.DataObject) -> None:
    a = data.draw(products())
    b = data.draw(compatible(a))
    assert a.is_compatible(b)
    assert b.is_compatible(a)
    f = a.conversion_factor(b)
    g = b.conversion_factor(a)
    assert f > 0
    assert close(f * g, 1.0)
    assert close(f, a.scale / b.scale)


@LAWS
@given(st.data())
def test_conversion_factors_compose(data: st.DataObject) -> None:
    a = data.draw(products())
    b = data.draw(compatible(a))
    c = data.draw(compatible(b))
    assert close(a.conversion_factor(b) * b.conversion_factor(c), a.conversion_factor(c))


@LAWS
@given(products(), products())
def test_incompatible_units_never_convert(a: Unit, b: Unit) -> None:
    assume(a.dimension != b.dimension)
    assert not a.is_compatible(b)
    with pytest.raises(ValueError):
        a.conversion_factor(b)


# --- text round trips -------------------------------------------------------------


def read_back(u: Unit, text: str, fmt: str) -> Unit:
    """``text`` (``u`` written in ``fmt``) read as it is meant to be read: CF
    text of a temperature interval (``degC`` for Δ°C) carries its kind in
    the ``units_metadata`` attribute, not in the text."""
    if fmt == "cf" and u.kind == "interval":
        return units.parse_cf(text, "temperature: difference")[0]
    return units.parse(text)


@LAWS
@given(products(), st.sampled_from(["unicode", "ascii", "cf"]))
@example(units.parse("delta_degC"), "cf")  # CF writes degC, with units_metadata
def test_parse_of_to_string_is_identity(u: Unit, fmt: str) -> None:
    text = u.to_string(fmt)
    back = read_back(u, text, fmt)
    assert back == u, text
    assert back.dimension == u.dimension
    assert back.to_string(fmt) == text


@LAWS
@given(
    products(),
    st.sampled_from([2.0, 1000.0, 0.001, 1e-30, 2.5e20, 0.1, 3.7]),
    st.sampled_from(["unicode", "ascii", "cf"]),
)
def test_parse_of_to_string_with_a_numeric_factor(u: Unit, x: float, fmt: str) -> None:
    scaled = u * x
    text = scaled.to_string(fmt)
    back = read_back(scaled, text, fmt)
    assert back == scaled, text


@LAWS
@given(moderate_products(2), pow_exponents, st.sampled_from(["unicode", "ascii", "cf"]))
@example(units.parse("delta_degC"), 1, "cf")  # drawn once in CI
def test_parse_of_to_string_with_fractional_exponents(u: Unit, p: int | Fraction, fmt: str) -> None:
    v = u**p
    text = v.to_string(fmt)
    assert read_back(v, text, fmt) == v, text


@LAWS
@given(products())
def test_to_base_and_simplified_keep_the_value(u: Unit) -> None:
    base = u.to_base()
    assert base.dimension == u.dimension
    assert base.scale == 1.0
    assert close(u.conversion_factor(base), u.scale)
    assert units.parse(base.symbol) == base
    s = u.simplified()
    assert s == u
    assert units.parse(s.symbol) == s


# --- dimensions -------------------------------------------------------------------

rational_exponents = st.builds(
    Fraction, st.integers(min_value=-12, max_value=12), st.integers(min_value=1, max_value=4)
)
dimensions = st.builds(
    Dimension,
    length=rational_exponents,
    mass=rational_exponents,
    time=rational_exponents,
    current=rational_exponents,
    temperature=rational_exponents,
    amount=rational_exponents,
    luminosity=rational_exponents,
)


@LAWS
@given(dimensions, dimensions, dimensions)
def test_dimension_group_laws(a: Dimension, b: Dimension, c: Dimension) -> None:
    assert (a * b) * c == a * (b * c)
    assert a * b == b * a
    assert a * DIMENSIONLESS == a
    assert a / a == DIMENSIONLESS
    assert (a / b) * b == a
    assert DIMENSIONLESS / (DIMENSIONLESS / a) == a
    assert hash(a * b) == hash(b * a)


@LAWS
@given(dimensions, dimensions)
def test_dimension_exponents_add(a: Dimension, b: Dimension) -> None:
    assert (a * b).exponents == tuple(x + y for x, y in zip(a.exponents, b.exponents, strict=True))
    assert (a / b).exponents == tuple(x - y for x, y in zip(a.exponents, b.exponents, strict=True))


@LAWS
@given(dimensions, small_fractions, small_fractions)
def test_dimension_powers(a: Dimension, p: Fraction, q: Fraction) -> None:
    assert (a**p).exponents == tuple(x * p for x in a.exponents)
    assert (a**p) ** q == a ** (p * q)
    assert (a**p) * (a**q) == a ** (p + q)
    assert (a * a) ** Fraction(1, 2) == a
    assert a**0 == DIMENSIONLESS
    assert a**1 == a


@LAWS
@given(dimensions)
def test_dimension_text_and_repr(a: Dimension) -> None:
    assert (str(a) == "1") == a.is_dimensionless
    assert eval(repr(a), {"Dimension": Dimension, "Fraction": Fraction}) == a


@LAWS
@given(moderate_products(), products())
def test_unit_dimensions_follow_dimension_algebra(a: Unit, b: Unit) -> None:
    assert (a * b).dimension == a.dimension * b.dimension
    assert (a / b).dimension == a.dimension / b.dimension
    assert (a**3).dimension == a.dimension**3
    assert (a.is_compatible(b)) == (a.dimension == b.dimension)
