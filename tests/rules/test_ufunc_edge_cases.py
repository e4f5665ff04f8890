"""Regression tests: array exponents, out= in other units with where=, errstate on the
fast path, where= with out=None, bitwise operators."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from dimtensor import DimArray, units
from dimtensor.errors import DimensionError, OffsetUnitError


# power with an array exponent: uniform ones are one exponent; varying ones are
# an error on a dimensional base only.
def test_power_uniform_array_exponent() -> None:
    r = DimArray([1.0, 2.0], "m") ** np.array([2.0, 2.0])
    assert r.unit == units.m**2
    np.testing.assert_array_equal(r._data, [1.0, 4.0])


def test_power_varying_exponent_on_dimensional_base_is_a_dimension_error() -> None:
    with pytest.raises(DimensionError):
        DimArray([1.0, 2.0], "m") ** np.array([2.0, 3.0])


def test_power_varying_exponent_on_dimensionless_base() -> None:
    r = np.power(DimArray([2.0, 3.0]), np.array([2.0, 3.0]))
    np.testing.assert_array_equal(r._data, [4.0, 27.0])
    r = 2.0 ** DimArray([1.0, 2.0])
    np.testing.assert_array_equal(r._data, [2.0, 4.0])


# out= in another unit with where=: elements the ufunc skips keep their values.
def test_out_in_other_unit_with_where() -> None:
    out = DimArray(np.full(3, 7.0), "km")
    np.add(
        DimArray([1000.0, 2000.0, 3000.0], "m"),
        DimArray([1000.0, 2000.0, 3000.0], "m"),
        out=out,
        where=np.array([True, False, True]),
    )
    np.testing.assert_allclose(out._data, [2.0, 7.0, 6.0])


# out= in an incompatible unit: the error comes before anything is written.
def test_out_incompatible_leaves_out_unchanged() -> None:
    out = DimArray(np.full(2, 7.0), "s")
    with pytest.raises(DimensionError):
        np.add(DimArray([1.0, 2.0], "m"), DimArray([1.0, 2.0], "m"), out=out)
    np.testing.assert_array_equal(out._data, [7.0, 7.0])


# The fast path follows the rule table: an offset unit times a dimensionless
# array is an error, as on the general path.
@pytest.mark.parametrize(
    "op",
    [
        lambda t, n: t * n,
        lambda t, n: n * t,
        lambda t, n: t / n,
    ],
)
def test_fast_path_offset_times_dimensionless_raises(op) -> None:
    t = DimArray([20.0, 30.0], "degC")
    with pytest.raises(OffsetUnitError):
        op(t, DimArray([2.0, 2.0]))


# The fast path honours np.errstate and NumPy's floating-point warnings.
def test_fast_path_respects_errstate() -> None:
    with np.errstate(divide="raise"), pytest.raises(FloatingPointError):
        DimArray([1.0, 2.0], "m") / DimArray([0.0, 1.0], "s")


def test_fast_path_warns_like_numpy() -> None:
    with pytest.warns(RuntimeWarning):
        DimArray([1.0, 2.0], "m") / DimArray([0.0, 1.0], "s")


# where= with out=None gives no 'where used without out' warning.
def test_where_with_explicit_out_none_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.multiply(
            DimArray([1.0, 2.0], "m"),
            DimArray([1.0, 2.0], "s"),
            where=np.array([True, False]),
            out=None,
        )


# Bitwise operators on dimensionless integer arrays.
def test_bitwise_operators() -> None:
    x, y = DimArray(np.array([12, 10])), DimArray(np.array([10, 6]))
    np.testing.assert_array_equal((x & y)._data, [8, 2])
    np.testing.assert_array_equal((x | y)._data, [14, 14])
    np.testing.assert_array_equal((x ^ y)._data, [6, 12])
    np.testing.assert_array_equal((~x)._data, [-13, -11])
    np.testing.assert_array_equal((x << 1)._data, [24, 20])
    with pytest.raises(DimensionError):
        DimArray(np.array([1]), "m") & DimArray(np.array([1]), "m")
