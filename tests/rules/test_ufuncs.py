"""Every NumPy ufunc on DimArrays (docs/semantics.md): handled with the right unit, or
a clear TypeError / DimensionError. Values are checked against the same
ufunc run by NumPy on the (converted) magnitudes."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from dimtensor import DimArray, Unit, units
from dimtensor.errors import DimensionError

UFUNC_NAMES = sorted(n for n in dir(np) if isinstance(getattr(np, n), np.ufunc))

ONE = units.parse("")
KM = 1000.0  # km -> m, the factor the library multiplies magnitudes by
PERCENT = 0.01
DEG = math.pi / 180

A = np.array([1.5, 2.5, -3.0, 0.25])  # in m
B = np.array([0.001, 0.0025, 0.004, -0.0005])  # in km
P = np.array([10.0, 50.0, 90.0, 25.0])  # in %
D = np.array([30.0, 90.0, 180.0, -45.0])  # in deg
I = np.array([1, 2, 12, 7])  # noqa: E741  (plain integers)


def check(x: Any, values: Any, unit: Unit | str, dtype: Any = None) -> None:
    """``x`` is a DimArray in exactly ``unit`` holding ``values``."""
    assert type(x) is DimArray, type(x)
    expected_unit = units.parse(unit) if isinstance(unit, str) else unit
    assert x.unit == expected_unit, (x.unit, expected_unit)
    assert x.unit.offset == expected_unit.offset
    expected = np.asarray(values)
    assert x.shape == expected.shape
    if dtype is not None:
        assert x.dtype == np.dtype(dtype)
    if expected.dtype.kind in "biu" or expected.dtype == np.bool_:
        np.testing.assert_array_equal(x._data, expected)
    else:
        np.testing.assert_allclose(x._data, expected, rtol=1e-12, atol=1e-15)


def plain(x: Any, values: Any) -> None:
    """``x`` is a unit-free result (truth values, counts, exponents) equal to
    ``values``: a dimensionless DimArray of scale 1, so that it stays an array
    of the same kind as the operands (the Array API standard requires it)."""
    assert isinstance(x, DimArray)
    assert x.unit == units.parse("") and x.unit.scale == 1.0
    np.testing.assert_array_equal(x._data, values)


# --- the table: every ufunc, one class each -------------------------------------------

SAME = ["add", "subtract", "maximum", "minimum", "fmax", "fmin", "hypot", "nextafter"]
EXACT = ["fmod", "remainder", "mod"]
COMPARE = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"]
PRODUCT = {"multiply": "*", "divide": "/", "true_divide": "/"}
MATRIX = ["matmul", "vecdot", "matvec", "vecmat"]
POWER_OF = {"reciprocal": -1.0, "sqrt": 0.5, "cbrt": 1 / 3, "square": 2.0}
POWER = ["power", "pow", "float_power"]
DIMENSIONLESS = ["exp", "exp2", "expm1", "log", "log10", "log1p", "log2"]
DIMENSIONLESS += ["sin", "cos", "tan", "sinh", "cosh", "tanh"]
DIMENSIONLESS += ["arcsinh", "arccosh", "arctanh", "asinh", "acosh", "atanh"]
DIMENSIONLESS_2 = ["logaddexp", "logaddexp2"]
INVERSE_TRIG = ["arcsin", "arccos", "arctan", "asin", "acos", "atan"]
ANGLE = {"deg2rad": ("deg", "rad"), "radians": ("deg", "rad")}
ANGLE |= {"rad2deg": ("rad", "deg"), "degrees": ("rad", "deg")}
PRESERVE = ["negative", "positive", "absolute", "abs", "fabs", "floor", "ceil", "rint"]
PRESERVE += ["trunc", "conj", "conjugate", "spacing"]
PREDICATE = ["isnan", "isfinite", "isinf", "signbit"]
LOGICAL = ["logical_and", "logical_or", "logical_xor", "logical_not"]
INTEGER = ["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_invert"]
INTEGER += ["invert", "bitwise_count", "left_shift", "right_shift"]
INTEGER += ["bitwise_left_shift", "bitwise_right_shift"]
SPECIAL = ["arctan2", "atan2", "floor_divide", "divmod", "copysign", "gcd", "lcm"]
SPECIAL += ["sign", "heaviside", "ldexp", "frexp", "modf", "isnat"]

CLASSES: dict[str, list[str]] = {
    "same": SAME,
    "exact": EXACT,
    "compare": COMPARE,
    "product": list(PRODUCT),
    "matrix": MATRIX,
    "power_of": list(POWER_OF),
    "power": POWER,
    "dimensionless": DIMENSIONLESS + DIMENSIONLESS_2 + INVERSE_TRIG + list(ANGLE),
    "preserve": PRESERVE,
    "predicate": PREDICATE + LOGICAL,
    "integer": INTEGER,
    "special": SPECIAL,
}


def test_every_ufunc_has_exactly_one_class_here() -> None:
    listed = [n for names in CLASSES.values() for n in names]
    assert len(listed) == len(set(listed))
    assert sorted(listed) == UFUNC_NAMES


def ufunc(name: str) -> np.ufunc:
    f = getattr(np, name)
    assert isinstance(f, np.ufunc)
    return f


# --- same dimension -------------------------------------------------------------------


@pytest.mark.parametrize("name", SAME)
def test_same_dimension_converts_the_second_operand(name: str) -> None:
    f = ufunc(name)
    r = f(DimArray(A, "m"), DimArray(B, "km"))
    check(r, f(A, np.multiply(B, KM)), "m")
    r = f(DimArray(B, "km"), DimArray(A, "m"))
    check(r, f(B, np.multiply(A, 1 / KM)), "km")
    check(f(DimArray(A, "m"), DimArray(A, "m")), f(A, A), "m")


@pytest.mark.parametrize("name", EXACT)
def test_remainders_compute_in_the_smaller_unit(name: str) -> None:
    # "1 m // 1 cm gives 99": exact cases stay exact in the smaller unit.
    f = ufunc(name)
    check(f(DimArray(A, "m"), DimArray(B, "km")), f(A, np.multiply(B, KM)), "m")
    check(f(DimArray(B, "km"), DimArray(A, "m")), f(np.multiply(B, KM), A), "m")
    check(f(DimArray([1.0], "m"), DimArray([30.0], "cm")), [10.0], "cm")
    with pytest.raises(DimensionError):
        f(DimArray(A, "m"), DimArray(A, "s"))


def test_1_m_floor_divided_by_1_cm_is_100_and_divmod_works() -> None:
    assert (DimArray(1.0, "m") // DimArray(1.0, "cm")).to_value() == 100.0
    q, r = divmod(DimArray(1.0, "m"), DimArray(30.0, "cm"))
    check(q, 3.0, "")
    check(r, 10.0, "cm")
    q, r = divmod(DimArray(250.0, "cm"), DimArray(1.0, "m"))
    check(q, 2.0, "")
    check(r, 50.0, "cm")


@pytest.mark.parametrize("name", SAME + EXACT)
@pytest.mark.parametrize("other", ["s", "kg", "m^2", "", "plain"])
def test_same_dimension_rejects_other_dimensions(name: str, other: str) -> None:
    f = ufunc(name)
    b = np.array([1.0, 2.0, 3.0, 4.0])
    rhs = b if other == "plain" else DimArray(b, other)
    with pytest.raises(DimensionError) as info:
        f(DimArray(A, "m"), rhs)
    assert name in str(info.value) or f.__name__ in str(info.value)
    with pytest.raises(DimensionError):
        f(rhs, DimArray(A, "m"))


@pytest.mark.parametrize("name", COMPARE)
def test_comparisons_convert_and_give_plain_bools(name: str) -> None:
    f = ufunc(name)
    bv = np.array([0.0015, 0.0025, -0.004, 0.0])  # km
    r = f(DimArray(A, "m"), DimArray(bv, "km"))
    plain(r, f(A, np.multiply(bv, KM)))
    assert r.dtype == np.bool_


@pytest.mark.parametrize("name", COMPARE)
def test_comparisons_between_dimensions(name: str) -> None:
    f = ufunc(name)
    a, s = DimArray(A, "m"), DimArray(A, "s")
    if name in ("equal", "not_equal"):
        plain(f(a, s), np.full(4, name == "not_equal"))
        plain(f(a, A), np.full(4, name == "not_equal"))
    else:
        with pytest.raises(DimensionError):
            f(a, s)
        with pytest.raises(DimensionError):
            f(A, a)


@pytest.mark.parametrize("name", ["arctan2", "atan2"])
def test_arctan2_converts_and_gives_radians(name: str) -> None:
    f = ufunc(name)
    check(f(DimArray(A, "m"), DimArray(B, "km")), f(A, np.multiply(B, KM)), "rad")
    with pytest.raises(DimensionError):
        f(DimArray(A, "m"), DimArray(A, "s"))


def test_floor_divide_and_divmod() -> None:
    a, b = DimArray(A, "m"), DimArray(B, "km")
    bm = np.multiply(B, KM)
    check(np.floor_divide(a, b), np.floor_divide(A, bm), "")
    check(a // b, np.floor_divide(A, bm), "")
    q, r = np.divmod(a, b)
    check(q, np.floor_divide(A, bm), "")
    check(r, np.remainder(A, bm), "m")
    check(a % b, np.remainder(A, bm), "m")
    for f in (np.floor_divide, np.divmod):
        with pytest.raises(DimensionError):
            f(a, DimArray(A, "s"))


def test_copysign_keeps_the_first_unit_and_takes_any_sign() -> None:
    y = np.array([-1.0, 1.0, 1.0, -2.0])
    check(np.copysign(DimArray(A, "m"), DimArray(y, "s")), np.copysign(A, y), "m")
    check(np.copysign(DimArray(A, "m"), y), np.copysign(A, y), "m")


@pytest.mark.parametrize("name", ["gcd", "lcm"])
def test_gcd_lcm_on_integers_of_one_unit(name: str) -> None:
    f = ufunc(name)
    x, y = np.array([4, 6, 9]), np.array([6, 9, 12])
    check(f(DimArray(x, "m"), DimArray(y, "m")), f(x, y), "m", np.int64)
    check(f(DimArray(x), y), f(x, y), "", np.int64)
    with pytest.raises(DimensionError):
        f(DimArray(x, "m"), DimArray(y, "s"))
    # converting km to m would make floats, for which NumPy has no gcd
    with pytest.raises(TypeError):
        f(DimArray(x, "m"), DimArray(y, "km"))


# --- products and powers ---------------------------------------------------------------


@pytest.mark.parametrize("name", PRODUCT)
def test_products_combine_units_without_conversion(name: str) -> None:
    f = ufunc(name)
    unit = units.m * units.km if PRODUCT[name] == "*" else units.m / units.km
    check(f(DimArray(A, "m"), DimArray(B, "km")), f(A, B), unit)
    unit = units.s * units.m if PRODUCT[name] == "*" else units.s / units.m
    check(f(DimArray(A, "s"), DimArray(B, "m")), f(A, B), unit)
    check(f(DimArray(A, "s"), 2.0), f(A, 2.0), "s")
    inverse = units.s if PRODUCT[name] == "*" else units.s**-1
    check(f(2.0, DimArray(A, "s")), f(2.0, A), inverse)


@pytest.mark.parametrize(
    ("name", "shape_a", "shape_b"),
    [
        ("matmul", (2, 3), (3, 4)),
        ("matmul", (3,), (3,)),
        ("vecdot", (2, 3), (3,)),
        ("matvec", (2, 3), (3,)),
        ("vecmat", (3,), (3, 2)),
    ],
)
def test_matrix_ufuncs_multiply_units(
    name: str, shape_a: tuple[int, ...], shape_b: tuple[int, ...]
) -> None:
    f = ufunc(name)
    x = np.arange(1.0, 1.0 + math.prod(shape_a)).reshape(shape_a)
    y = np.linspace(-1.0, 2.0, math.prod(shape_b)).reshape(shape_b)
    check(f(DimArray(x, "N"), DimArray(y, "km")), f(x, y), units.N * units.km)
    check(f(DimArray(x, "N"), y), f(x, y), "N")
    if name == "matmul":
        check(DimArray(x, "N") @ DimArray(y, "s"), x @ y, units.N * units.s)


@pytest.mark.parametrize("name", POWER_OF)
def test_powers_of_the_unit(name: str) -> None:
    f = ufunc(name)
    x = np.array([4.0, 9.0, 0.25, 2.0])
    check(f(DimArray(x, "km")), f(x), units.km ** POWER_OF[name])
    check(f(DimArray(x, "m^2")), f(x), units.m ** (2 * POWER_OF[name]))
    check(f(DimArray(x)), f(x), "")


def test_sqrt_of_a_square_is_the_unit() -> None:
    check(np.sqrt(DimArray([4.0, 9.0], "m^2/s^2")), [2.0, 3.0], "m/s")
    check(np.cbrt(DimArray([8.0], "m^3")), [2.0], "m")
    check(np.reciprocal(DimArray([4.0], "s")), [0.25], "Hz")


@pytest.mark.parametrize("name", POWER)
@pytest.mark.parametrize(
    ("exponent", "p"),
    [(2, 2), (3.0, 3), (-1, -1), (0.5, 0.5), (np.float32(2), 2), (np.array(2.0), 2)],
)
def test_power_with_a_uniform_dimensionless_exponent(name: str, exponent: Any, p: float) -> None:
    f = ufunc(name)
    x = np.array([4.0, 9.0, 0.25])
    check(f(DimArray(x, "km"), exponent), f(x, exponent), units.km**p)
    check(f(DimArray(x, "km"), DimArray(exponent)), f(x, exponent), units.km**p)
    # an exponent in % is converted to a pure number first
    check(f(DimArray(x, "m"), DimArray(100.0 * p, "%")), f(x, float(p)), units.m**p)


@pytest.mark.parametrize("name", POWER)
def test_power_with_a_dimensional_exponent_raises(name: str) -> None:
    f = ufunc(name)
    with pytest.raises(DimensionError):
        f(DimArray([2.0], "m"), DimArray(2.0, "s"))
    with pytest.raises(DimensionError):
        f(2.0, DimArray(2.0, "m"))


@pytest.mark.parametrize("name", POWER)
def test_power_of_a_dimensionless_base(name: str) -> None:
    f = ufunc(name)
    check(f(DimArray(P, "%"), 2), f(P * PERCENT, 2), "")
    check(f(2.0, DimArray(300.0, "%")), f(2.0, 3.0), "")


# --- dimensionless only -----------------------------------------------------------------


DOMAIN = {"arccosh": 1.0, "acosh": 1.0}  # inputs need to be >= 1


@pytest.mark.parametrize("name", DIMENSIONLESS)
def test_dimensionless_functions_convert_to_scale_one(name: str) -> None:
    f = ufunc(name)
    shift = DOMAIN.get(name, 0.0)
    pct = P + 100.0 * shift
    check(f(DimArray(pct, "%")), f(pct * PERCENT), "")
    check(f(DimArray(P * PERCENT + shift)), f(P * PERCENT + shift), "")
    # m/cm is the number 100
    check(f(DimArray(pct * PERCENT / 100, "m/cm")), f(pct * PERCENT), "")
    with pytest.raises(DimensionError) as info:
        f(DimArray(P, "m"))
    assert "dimensionless" in str(info.value)


@pytest.mark.parametrize("name", ["sin", "cos", "tan"])
def test_trig_of_degrees(name: str) -> None:
    f = ufunc(name)
    check(f(DimArray(D, "deg")), f(D * DEG), "")
    check(f(DimArray(D * DEG, "rad")), f(D * DEG), "")


def test_sin_of_90_degrees_is_1() -> None:
    r = np.sin(DimArray(90.0, "deg"))
    check(r, 1.0, "")
    assert float(r) == pytest.approx(1.0, abs=1e-15)
    assert float(np.cos(DimArray(60.0, "deg"))) == pytest.approx(0.5, abs=1e-15)
    assert float(np.sin(DimArray(0.5, "arcmin") * 120)) == pytest.approx(math.sin(DEG))


@pytest.mark.parametrize("name", DIMENSIONLESS_2)
def test_two_operand_dimensionless_functions(name: str) -> None:
    f = ufunc(name)
    check(f(DimArray(P, "%"), DimArray(P, "")), f(P * PERCENT, P), "")
    check(f(DimArray(P, "%"), 1.0), f(P * PERCENT, 1.0), "")
    with pytest.raises(DimensionError):
        f(DimArray(P, "%"), DimArray(P, "s"))


@pytest.mark.parametrize("name", INVERSE_TRIG)
def test_inverse_trig_gives_radians(name: str) -> None:
    f = ufunc(name)
    check(f(DimArray(P, "%")), f(P * PERCENT), "rad")
    check(f(DimArray(P * PERCENT)), f(P * PERCENT), "rad")
    with pytest.raises(DimensionError):
        f(DimArray(P, "m"))


def test_inverse_trig_round_trip() -> None:
    angle = np.arcsin(np.sin(DimArray(30.0, "deg")))
    check(angle.to("deg"), 30.0, "deg")


@pytest.mark.parametrize("name", ANGLE)
def test_angle_conversions(name: str) -> None:
    f = ufunc(name)
    src, dst = ANGLE[name]
    values = D if src == "deg" else D * DEG
    check(f(DimArray(values, src)), f(values), dst)
    # from the other angle unit, the input is converted to what the ufunc expects
    other = "rad" if src == "deg" else "deg"
    check(f(DimArray(D if other == "deg" else D * DEG, other)), D if dst == "deg" else D * DEG, dst)
    with pytest.raises(DimensionError):
        f(DimArray(D, "m"))


# --- unit preserving and sign-like ------------------------------------------------


@pytest.mark.parametrize("name", PRESERVE)
@pytest.mark.parametrize("unit", ["m", "km/h", "%"])
def test_unit_preserving(name: str, unit: str) -> None:
    f = ufunc(name)
    check(f(DimArray(A, unit)), f(A), unit)


def test_unit_preserving_operators() -> None:
    check(-DimArray(A, "J"), -A, "J")
    check(+DimArray(A, "J"), A, "J")
    check(abs(DimArray(A, "J")), np.abs(A), "J")
    check(np.conj(DimArray(A + 1j, "V")), np.conj(A + 1j), "V")


def test_sign_heaviside_ldexp_frexp_modf() -> None:
    a = DimArray(A, "m")
    check(np.sign(a), np.sign(A), "")
    check(np.heaviside(a, 0.5), np.heaviside(A, 0.5), "")
    check(np.heaviside(a, DimArray(50.0, "%")), np.heaviside(A, 0.5), "")
    with pytest.raises(DimensionError):
        np.heaviside(a, DimArray(0.5, "m"))
    e = np.array([1, 2, -1, 3])
    check(np.ldexp(a, e), np.ldexp(A, e), "m")
    with pytest.raises(DimensionError):
        np.ldexp(a, DimArray(e, "s"))
    mantissa, exponent = np.frexp(a)
    check(mantissa, np.frexp(A)[0], "m")
    plain(exponent, np.frexp(A)[1])
    frac, whole = np.modf(a)
    check(frac, np.modf(A)[0], "m")
    check(whole, np.modf(A)[1], "m")


def test_isnat() -> None:
    # DimArrays hold no datetimes; isnat of numbers is NumPy's own TypeError.
    with pytest.raises(TypeError):
        np.isnat(DimArray(A, "m"))


# --- bool results ------------------------------------------------------------------------


@pytest.mark.parametrize("name", PREDICATE + LOGICAL)
@pytest.mark.parametrize("unit", ["m", "degC", "%", ""])
def test_predicates_give_plain_bools_for_any_unit(name: str, unit: str) -> None:
    f = ufunc(name)
    x = np.array([1.0, -0.0, np.nan, np.inf, -np.inf, 0.0])
    args = [DimArray(x, unit)] * f.nin
    r = f(*args)
    plain(r, f(*([x] * f.nin)))
    assert r.dtype == np.bool_


def test_logical_ops_across_units() -> None:
    x, y = np.array([0.0, 1.0, 2.0]), np.array([3.0, 0.0, 0.0])
    plain(np.logical_and(DimArray(x, "m"), DimArray(y, "s")), np.logical_and(x, y))
    plain(np.logical_or(DimArray(x, "m"), y), np.logical_or(x, y))


# --- integers and bits ------------------------------------------------------------------


@pytest.mark.parametrize("name", INTEGER)
def test_integer_ufuncs_on_plain_integers(name: str) -> None:
    f = ufunc(name)
    shifts = np.array([1, 0, 2, 3])
    ops = [I, shifts][: f.nin]
    check(f(*[DimArray(o) for o in ops]), f(*ops), "", f(*ops).dtype)
    check(f(DimArray(I), *ops[1:]), f(*ops), "", f(*ops).dtype)


@pytest.mark.parametrize("name", INTEGER)
@pytest.mark.parametrize("unit", ["m", "%", "km/m"])
def test_integer_ufuncs_reject_units_and_scales(name: str, unit: str) -> None:
    f = ufunc(name)
    ops = [DimArray(I, unit), np.array([1, 0, 2, 3])][: f.nin]
    with pytest.raises(DimensionError) as info:
        f(*ops)
    assert "integers" in str(info.value)


# --- ufunc methods ----------------------------------------------------------------------

M2 = np.array([[1.0, -2.0, 3.5], [4.0, 0.5, -6.0]])


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
def test_add_reduce_keeps_the_unit(axis: Any) -> None:
    check(np.add.reduce(DimArray(M2, "km"), axis=axis), np.add.reduce(M2, axis=axis), "km")


def test_add_reduce_keywords() -> None:
    x = DimArray(M2, "s")
    check(np.add.reduce(x), np.add.reduce(M2), "s")
    check(np.add.reduce(x, axis=1, keepdims=True), np.add.reduce(M2, axis=1, keepdims=True), "s")
    w = np.array([[True, False, True], [False, True, True]])
    check(np.add.reduce(x, axis=None, where=w), np.add.reduce(M2, axis=None, where=w), "s")
    out = DimArray(np.zeros(3), "s")
    assert np.add.reduce(x, axis=0, out=out) is out
    check(out, M2.sum(axis=0), "s")
    out_ms = DimArray(np.zeros(3), "ms")
    assert np.add.reduce(x, axis=0, out=out_ms) is out_ms
    check(out_ms, M2.sum(axis=0) * 1000.0, "ms")


@pytest.mark.parametrize(
    ("axis", "power"), [(None, 6), (0, 2), (1, 3), (-1, 3), ((0, 1), 6), ("default", 2)]
)
def test_multiply_reduce_gives_unit_to_the_count(axis: Any, power: int) -> None:
    x = DimArray(M2, "m")
    if axis == "default":
        check(np.multiply.reduce(x), np.multiply.reduce(M2), units.m**power)
    else:
        check(np.multiply.reduce(x, axis=axis), np.multiply.reduce(M2, axis=axis), units.m**power)
    check(np.multiply.reduce(DimArray(A, "s")), np.prod(A), units.s**4)


def test_accumulate() -> None:
    check(np.add.accumulate(DimArray(A, "m")), np.add.accumulate(A), "m")
    check(np.add.accumulate(DimArray(M2, "m"), axis=1), np.add.accumulate(M2, axis=1), "m")
    check(np.maximum.accumulate(DimArray(A, "m")), np.maximum.accumulate(A), "m")
    check(np.multiply.accumulate(DimArray(A)), np.multiply.accumulate(A), "")
    # m, m², m³, …: no single unit
    with pytest.raises(DimensionError):
        np.multiply.accumulate(DimArray(A, "m"))


def test_other_reductions() -> None:
    check(np.maximum.reduce(DimArray(A, "m")), A.max(), "m")
    check(np.fmin.reduce(DimArray(A, "m")), A.min(), "m")
    check(np.add.reduceat(DimArray(A, "m"), [0, 2]), np.add.reduceat(A, [0, 2]), "m")
    assert np.logical_or.reduce(DimArray(A, "m")) == True  # noqa: E712  (plain, as np.any)
    # no unit rule: a clear TypeError
    with pytest.raises(TypeError) as info:
        np.subtract.reduce(DimArray(A, "m"))
    assert "subtract" in str(info.value)


def test_outer() -> None:
    a, s = DimArray(A, "m"), DimArray(B, "s")
    check(np.multiply.outer(a, s), np.multiply.outer(A, B), units.m * units.s)
    check(np.multiply.outer(a, DimArray(B, "km")), np.multiply.outer(A, B), units.m * units.km)
    check(np.add.outer(a, DimArray(B, "km")), np.add.outer(A, np.multiply(B, KM)), "m")
    with pytest.raises(DimensionError):
        np.add.outer(a, s)


def test_at_converts_into_the_target_unit_in_place() -> None:
    x = DimArray(A.copy(), "m")
    data = x._data
    assert np.add.at(x, [0, 0, 2], DimArray([1.0, 2.0, 3.0], "km")) is None
    assert x._data is data
    added = np.array([3000.0, 0.0, 3000.0, 0.0])
    check(x, A + added, "m")
    np.multiply.at(x, [1], 2.0)
    check(x, A * np.array([1, 2, 1, 1]) + added, "m")
    np.negative.at(x, [3])
    assert x._data[3] == -A[3]


def test_at_rejects_what_would_change_the_unit() -> None:
    x = DimArray(A.copy(), "m")
    with pytest.raises(DimensionError):
        np.add.at(x, [0], DimArray([1.0], "s"))
    with pytest.raises(DimensionError):
        np.multiply.at(x, [0], DimArray([2.0], "m"))
    check(x, A, "m")


# --- out= and where= ------------------------------------------------------------------


def test_out_in_the_same_unit() -> None:
    out = DimArray(np.zeros(4), "m")
    r = np.add(DimArray(A, "m"), DimArray(B, "km"), out=out)
    assert r is out
    check(out, A + np.multiply(B, KM), "m")
    r = np.multiply(DimArray(A, "m"), DimArray(A, "m"), out=(DimArray(np.zeros(4), "m^2"),))
    check(r, A * A, "m^2")


def test_out_in_a_compatible_unit_is_converted_into() -> None:
    out = DimArray(np.zeros(4), "km")
    r = np.add(DimArray(A, "m"), DimArray(A, "m"), out=out)
    assert r is out
    check(out, (A + A) / KM, "km")
    out2 = DimArray(np.zeros(4), "cm^2")
    np.multiply(DimArray(A, "m"), DimArray(A, "m"), out=out2)
    check(out2, A * A * 1e4, "cm^2")
    t = DimArray(np.zeros(2), "degC")
    np.add(DimArray([300.0, 273.15], "K"), DimArray([1.0, 0.0], "K"), out=t)
    check(t, [27.85, 0.0], "degC")


def test_out_a_plain_array() -> None:
    buf = np.zeros(4)
    r = np.add(DimArray(A, "m"), DimArray(B, "km"), out=buf)
    check(r, A + np.multiply(B, KM), "m")
    assert r._data is buf


def test_out_read_only_raises_numpy_error() -> None:
    buf = np.zeros(4)
    buf.flags.writeable = False
    with pytest.raises(ValueError):
        np.add(DimArray(A, "m"), DimArray(A, "m"), out=DimArray(buf, "m"))


def test_two_outputs() -> None:
    q, r = DimArray(np.zeros(4)), DimArray(np.zeros(4), "m")
    res = np.divmod(DimArray(A, "m"), DimArray(B, "km"), out=(q, r))
    assert res[0] is q
    assert res[1] is r
    check(q, np.floor_divide(A, np.multiply(B, KM)), "")
    check(r, np.remainder(A, np.multiply(B, KM)), "m")


def test_where_with_out_in_the_same_unit() -> None:
    out = DimArray(np.full(4, 7.0), "m")
    mask = np.array([True, False, True, False])
    np.add(DimArray(A, "m"), DimArray(B, "km"), out=out, where=mask)
    check(out, np.where(mask, A + np.multiply(B, KM), 7.0), "m")


def test_where_without_out() -> None:
    mask = np.array([True, False, True, False])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # NumPy: "where used without out"
        r = np.multiply(DimArray(A, "m"), DimArray(A, "s"), where=mask)
    assert r.unit == units.m * units.s
    np.testing.assert_array_equal(r._data[mask], (A * A)[mask])


# --- dtypes ------------------------------------------------------------------------

DTYPES = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16]
DTYPES += [np.uint32, np.uint64, np.float16, np.float32, np.float64, np.complex64]
DTYPES += [np.complex128]


def values_of(dtype: Any, n: int = 5) -> np.ndarray:
    return (np.arange(n) % 2 == 0).astype(dtype) if dtype is np.bool_ else np.arange(n) + 1


@pytest.mark.parametrize("dtype", DTYPES, ids=[np.dtype(d).name for d in DTYPES])
@pytest.mark.parametrize("contiguous", [True, False])
def test_add_dtypes(dtype: Any, contiguous: bool) -> None:
    x = values_of(dtype, 10).astype(dtype)
    y = (values_of(dtype, 10)[::-1]).astype(dtype)
    if not contiguous:
        x, y = x[::2], y[1::2]
    same = np.add(DimArray(x, "m"), DimArray(y, "m"))
    check(same, np.add(x, y), "m", np.add(x, y).dtype)
    expected = np.add(x, np.multiply(y, KM))
    converted = np.add(DimArray(x, "m"), DimArray(y, "km"))
    check(converted, expected, "m", expected.dtype)
    # float32 stays float32, ints become float64
    if np.issubdtype(dtype, np.integer) or dtype is np.bool_:
        assert converted.dtype == np.float64
    else:
        assert converted.dtype == dtype
    check(DimArray(x, "m") + DimArray(y, "km"), expected, "m", expected.dtype)
    check(DimArray(x, "m") - DimArray(y, "km"), np.subtract(x, np.multiply(y, KM)), "m")


@pytest.mark.parametrize("dtype", DTYPES, ids=[np.dtype(d).name for d in DTYPES])
@pytest.mark.parametrize("contiguous", [True, False])
def test_multiply_dtypes(dtype: Any, contiguous: bool) -> None:
    x = values_of(dtype, 10).astype(dtype)
    y = (values_of(dtype, 10)[::-1]).astype(dtype)
    if not contiguous:
        x, y = x[::2], y[1::2]
    expected = np.multiply(x, y)
    check(np.multiply(DimArray(x, "m"), DimArray(y, "km")), expected, units.m * units.km)
    r = DimArray(x, "m") * DimArray(y, "s")
    check(r, expected, units.m * units.s, expected.dtype)
    if dtype is not np.bool_:
        q = DimArray(x, "m") / DimArray(y, "s")
        check(q, np.divide(x, y), units.m / units.s, np.divide(x, y).dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fast_and_general_paths_agree(dtype: Any) -> None:
    """Contiguous float arrays and strided views give identical results."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=2000).astype(dtype)
    y = rng.normal(size=2000).astype(dtype)
    xs, ys = np.repeat(x, 2)[::2], np.repeat(y, 2)[::2]  # same values, strided
    for op in (np.add, np.subtract, np.multiply, np.divide):
        contiguous = op(DimArray(x, "m"), DimArray(y, "km"))
        strided = op(DimArray(xs, "m"), DimArray(ys, "km"))
        assert contiguous.dtype == strided.dtype == dtype
        assert contiguous.unit == strided.unit
        np.testing.assert_array_equal(contiguous._data, strided._data)
    sums = [DimArray(x, "m") + DimArray(y, "km"), np.add(x, np.multiply(y, KM))]
    np.testing.assert_array_equal(sums[0]._data, sums[1])


# --- layouts and special arrays ---------------------------------------------------------


def test_non_contiguous_views() -> None:
    base = np.arange(48.0).reshape(6, 8)
    x, y = base[::2, 1::3], base[1::2, ::-3]
    check(DimArray(x, "m") + DimArray(y, "km"), x + np.multiply(y, KM), "m")
    check(DimArray(x, "m") * DimArray(y, "s"), x * y, units.m * units.s)
    check(np.sqrt(DimArray(x, "m^2")), np.sqrt(x), "m")
    check(np.maximum(DimArray(x.T, "m"), DimArray(y.T, "km")), np.maximum(x.T, y.T * KM), "m")


def test_broadcasting() -> None:
    x, y = np.arange(3.0).reshape(3, 1), np.arange(4.0).reshape(1, 4)
    r = DimArray(x, "m") + DimArray(y, "km")
    check(r, x + np.multiply(y, KM), "m")
    assert r.shape == (3, 4)
    check(DimArray(x, "m") * DimArray(y, "s"), x * y, units.m * units.s)
    check(DimArray(x, "m") * y, x * y, "m")
    check(np.hypot(DimArray(x, "m"), 0), np.hypot(x, 0), "m")
    plain(DimArray(x, "m") == DimArray(y, "s"), np.zeros((3, 4), dtype=bool))
    with pytest.raises(ValueError):
        DimArray(np.zeros(3), "m") + DimArray(np.zeros(4), "m")


def test_fortran_order() -> None:
    x = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    y = np.arange(12.0).reshape(3, 4)
    check(DimArray(x, "m") + DimArray(y, "km"), x + np.multiply(y, KM), "m")
    check(DimArray(y, "m") + DimArray(x, "km"), y + np.multiply(x, KM), "m")
    check(DimArray(x, "m") * DimArray(x, "s"), x * x, units.m * units.s)
    check(DimArray(x, "m") - DimArray(x, "cm"), x - x * 0.01, "m")
    assert (DimArray(x, "m") * 2)._data.flags.f_contiguous


def test_big_endian() -> None:
    x = np.array([1.0, 2.0, 3.0], dtype=">f8")
    y = np.array([4.0, 5.0, 6.0], dtype=">f8")
    for r, e in [
        (DimArray(x, "m") + DimArray(y, "km"), np.add(x, np.multiply(y, KM))),
        (DimArray(x, "m") - DimArray(y, "m"), x - y),
        (DimArray(x, "m") * DimArray(y, "s"), x * y),
        (DimArray(x, "m") / DimArray(y, "s"), x / y),
    ]:
        assert r.dtype == e.dtype
        np.testing.assert_array_equal(r._data, e)
    check(np.sqrt(DimArray(x, "m^2")), np.sqrt(x), "m")
    check(DimArray(x, "km").to("m"), x * 1000, "m")


def test_read_only_inputs() -> None:
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    x.flags.writeable = False
    y.flags.writeable = False
    check(DimArray(x, "m") + DimArray(y, "km"), x + y * KM, "m")
    check(DimArray(x, "m") * DimArray(y, "km"), x * y, units.m * units.km)
    check(np.negative(DimArray(x, "m")), -x, "m")
    assert not x.flags.writeable


def test_masked_arrays_keep_their_mask() -> None:
    mask = [False, True, False, False]
    x = np.ma.masked_array(A, mask=mask)
    y = np.ma.masked_array(B, mask=[False, False, True, False])
    for r, e, unit in [
        (DimArray(x, "m") + DimArray(y, "km"), x + y * KM, "m"),
        (DimArray(x, "m") * DimArray(y, "km"), x * y, units.m * units.km),
        (DimArray(x, "m") + DimArray(B, "km"), x + B * KM, "m"),
        (np.sqrt(DimArray(abs(x), "m^2")), np.sqrt(abs(x)), "m"),
        (-DimArray(x, "m"), -x, "m"),
    ]:
        assert isinstance(r._data, np.ma.MaskedArray)
        assert r.unit == (units.parse(unit) if isinstance(unit, str) else unit)
        np.testing.assert_array_equal(np.ma.getmaskarray(r._data), np.ma.getmaskarray(e))
        np.testing.assert_allclose(r._data.compressed(), e.compressed(), rtol=1e-12)
    c = DimArray(x, "m") < DimArray(B, "km")
    assert isinstance(c, DimArray) and isinstance(c._data, np.ma.MaskedArray)
    np.testing.assert_array_equal(np.ma.getmaskarray(c._data), mask)
    assert isinstance(DimArray(x, "km").to("m")._data, np.ma.MaskedArray)


def test_empty_arrays() -> None:
    e = np.zeros(0)
    for r, unit in [
        (DimArray(e, "m") + DimArray(e, "km"), "m"),
        (DimArray(e, "m") * DimArray(e, "s"), units.m * units.s),
        (np.sqrt(DimArray(e, "m^2")), "m"),
        (np.sin(DimArray(e, "deg")), ""),
        (np.maximum(DimArray(e, "m"), 0), "m"),
    ]:
        check(r, e, unit)
    plain(DimArray(e, "m") < DimArray(e, "km"), np.zeros(0, dtype=bool))
    check(np.add.reduce(DimArray(e, "m")), 0.0, "m")
    check(np.multiply.reduce(DimArray(e, "m")), 1.0, "")  # the empty product is the number 1
    check(DimArray(np.zeros((0, 3)), "m").sum(axis=0), np.zeros(3), "m")


def test_0d_arrays() -> None:
    a, b = DimArray(3.0, "m"), DimArray(0.002, "km")
    for r, value, unit in [
        (a + b, 5.0, "m"),
        (np.add(a, b), 5.0, "m"),
        (a * b, 0.006, units.m * units.km),
        (np.sqrt(a * a), 3.0, "m"),
        (np.maximum(a, b), 3.0, "m"),
        (np.sin(DimArray(90.0, "deg")), 1.0, ""),
        (a + 0, 3.0, "m"),
        (a * np.float64(2.0), 6.0, "m"),
    ]:
        check(r, value, unit)
        assert r.ndim == 0
    plain(a > b, True)
    # 0-d with 1-d broadcasts
    check(a + DimArray(A, "km"), 3.0 + A * KM, "m")


def test_nan_and_inf_values() -> None:
    x = np.array([np.nan, np.inf, -np.inf, 1.0, 0.0])
    y = np.array([1.0, -np.inf, np.nan, np.inf, 0.0])
    with np.errstate(invalid="ignore", divide="ignore"):
        for f in (np.add, np.subtract, np.maximum, np.fmin, np.hypot):
            r = f(DimArray(x, "m"), DimArray(y, "km"))
            check(r, f(x, np.multiply(y, KM)), "m")
        check(np.multiply(DimArray(x, "m"), DimArray(y, "s")), x * y, units.m * units.s)
        check(np.divide(DimArray(x, "m"), DimArray(y, "s")), x / y, units.m / units.s)
        check(np.sqrt(DimArray(x, "m^2")), np.sqrt(x), "m")
        check(np.exp(DimArray(x, "%")), np.exp(x * PERCENT), "")
        plain(DimArray(x, "m") < DimArray(y, "km"), x < np.multiply(y, KM))
        plain(DimArray(x, "m") == DimArray(x, "m"), x == x)
    plain(np.isnan(DimArray(x, "m")), np.isnan(x))
    plain(np.isinf(DimArray(x, "m")), np.isinf(x))


# --- ndarray (left) op DimArray (right) ------------------------------------------------


def test_ndarray_on_the_left_dispatches_to_dimarray() -> None:
    x = DimArray(A, "m")
    for r, e, unit in [
        (B * x, B * A, "m"),
        (B / x, B / A, "1/m"),
        (np.multiply(B, x), B * A, "m"),
        (np.float64(2.0) * x, 2.0 * A, "m"),
        (P - DimArray(P, "%"), P - P * PERCENT, ""),
        (P + DimArray(P, ""), P + P, ""),
        (P ** DimArray(2.0), P**2, ""),
        (np.arctan2(B, DimArray(A)), np.arctan2(B, A), "rad"),
        ([1.0, 2.0, 3.0, 4.0] * x, np.array([1.0, 2.0, 3.0, 4.0]) * A, "m"),
    ]:
        check(r, e, unit)
    plain(B == x, np.zeros(4, dtype=bool))
    plain(B != x, np.ones(4, dtype=bool))
    with pytest.raises(DimensionError):
        B + x
    with pytest.raises(DimensionError):
        _ = B < x


def test_a_unit_in_an_expression_is_one_of_that_unit() -> None:
    check(DimArray(A, "m") * units.s, A, units.m * units.s)
    check(units.s * DimArray(A, "m"), A, units.s * units.m)
    check(DimArray(A, "m") / units.s, A, units.m / units.s)
    check(DimArray(A, "m") + units.km, A + KM, "m")
    with pytest.raises(DimensionError):
        DimArray(A, "m") + units.s


M_UNIT = units.m
SPECIAL_ON_METRES: dict[str, Any] = {
    "arctan2": "rad",
    "atan2": "rad",
    "floor_divide": "",
    "divmod": ("", "m"),
    "copysign": "m",
    "gcd": TypeError,  # NumPy has no gcd/lcm for floats
    "lcm": TypeError,
    "sign": "",
    "heaviside": DimensionError,  # h0 must be dimensionless
    "ldexp": DimensionError,  # the exponent must be a plain integer
    "frexp": ("m", None),
    "modf": ("m", "m"),
    "isnat": TypeError,  # NumPy's: datetimes only
}


def expected_on_metres(name: str) -> Any:
    """The unit(s) of ``ufunc(m, m, ...)``, None for a plain result, or the
    exception it raises."""
    if name in SPECIAL_ON_METRES:
        return SPECIAL_ON_METRES[name]
    if name in SAME or name in EXACT or name in PRESERVE:
        return "m"
    if name in COMPARE or name in PREDICATE or name in LOGICAL:
        return None
    if name in MATRIX or PRODUCT.get(name) == "*":
        return M_UNIT**2
    if PRODUCT.get(name) == "/":
        return ""
    if name in POWER_OF:
        return M_UNIT ** POWER_OF[name]
    if name in POWER or name in INTEGER or name in CLASSES["dimensionless"]:
        return DimensionError
    raise AssertionError(name)


@pytest.mark.parametrize("name", UFUNC_NAMES)
def test_every_ufunc_on_metres_gives_its_unit_or_a_clear_error(name: str) -> None:
    """The blanket check: metres in every operand. Either the result carries
    the unit of the ufunc's class, with NumPy's values on the magnitudes, or a
    DimensionError / TypeError that names the ufunc or the unit."""
    f = ufunc(name)
    values = np.array([1.0, 2.0, 4.0])
    raw: list[Any] = [values] * f.nin
    if name == "matvec":
        raw = [np.arange(9.0).reshape(3, 3), values]
    if name == "vecmat":
        raw = [values, np.arange(9.0).reshape(3, 3)]
    if name in POWER:
        raw = [values, np.array(2.0)]  # one exponent (in m) for the whole array
    args = [DimArray(r, "m") for r in raw]
    expected = expected_on_metres(name)
    if isinstance(expected, type) and issubclass(expected, Exception):
        with pytest.raises(expected) as info:
            f(*args)
        assert f.__name__ in str(info.value) or "'m'" in str(info.value) or expected is TypeError
        if expected is DimensionError:
            assert "'m'" in str(info.value)
        return
    with np.errstate(all="ignore"):
        result = f(*args)
        reference = f(*raw)
    results = result if isinstance(result, tuple) else (result,)
    references = reference if isinstance(reference, tuple) else (reference,)
    units_ = expected if isinstance(expected, tuple) else (expected,)
    assert len(results) == len(units_) == f.nout
    for r, ref, unit in zip(results, references, units_, strict=True):
        if unit is None:
            plain(r, ref)
        else:
            check(r, ref, unit)
