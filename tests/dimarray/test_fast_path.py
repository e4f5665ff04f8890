"""The Rust fast path (`a + b` etc. between exact contiguous float arrays)
gives bit-identical results and units to the general NumPy-ufunc path, which
`np.add(a, b)` always takes through `__array_ufunc__`."""

import operator

import numpy as np
import pytest
from dimtensor import DimArray
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

OPS = [
    (operator.add, np.add),
    (operator.sub, np.subtract),
    (operator.mul, np.multiply),
    (operator.truediv, np.divide),
    (operator.lt, np.less),
    (operator.le, np.less_equal),
    (operator.gt, np.greater),
    (operator.ge, np.greater_equal),
    (operator.eq, np.equal),
    (operator.ne, np.not_equal),
]
# Pairs of units with the same dimension (conversion folded into the loop)
# and with different ones (for * and /).
UNITS = ["m", "km", "mm", "ft", "s", "h", "kg", "g", "1", "%", "m/s", "km/h"]


def same_bits(x: DimArray | np.ndarray, y: DimArray | np.ndarray) -> None:
    if not isinstance(y, DimArray):  # comparisons give plain boolean arrays
        assert not isinstance(x, DimArray)
        np.testing.assert_array_equal(x, y)
        assert x.dtype == y.dtype == np.bool_
        return
    assert x.unit == y.unit and x.unit.symbol == y.unit.symbol
    assert x.dtype == y.dtype and x.shape == y.shape
    # Bit patterns, so NaNs and signed zeros must match too.
    assert np.ascontiguousarray(x._data).tobytes() == np.ascontiguousarray(y._data).tobytes()


@settings(max_examples=150, deadline=None)
@given(
    dtype=st.sampled_from([np.float64, np.float32]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=5),
    units=st.tuples(st.sampled_from(UNITS), st.sampled_from(UNITS)),
    op=st.sampled_from(OPS),
    data=st.data(),
)
def test_fast_path_equals_general_path(dtype, shape, units, op, data) -> None:
    elements = st.floats(-1e6, 1e6, width=32) | st.sampled_from([np.nan, np.inf, -np.inf, 0.0])
    a = data.draw(hnp.arrays(dtype, shape, elements=elements))
    b = data.draw(hnp.arrays(dtype, shape, elements=elements))
    x, y = DimArray(a, units[0]), DimArray(b, units[1])
    fast, general = op
    try:
        with np.errstate(all="ignore"):
            expected = general(x, y)
    except ValueError as e:  # DimensionError: the fast path must raise it too
        with pytest.raises(type(e)):
            fast(x, y)
        return
    with np.errstate(all="ignore"):
        same_bits(fast(x, y), expected)


@pytest.mark.parametrize("n", [0, 1, 7, 1000, 100_000])
def test_large_and_empty_arrays_convert_in_one_pass(n: int) -> None:
    a = np.linspace(-3.0, 7.0, n)
    b = np.linspace(2.0, -5.0, n)
    x, y = DimArray(a, "m"), DimArray(b, "km")
    same_bits(x + y, np.add(x, y))
    same_bits(x - y, np.subtract(x, y))
    np.testing.assert_array_equal((x + y).to_value(), a + b * 1000.0)


@pytest.mark.parametrize(
    "make",
    [
        lambda a: a[::2],  # non-contiguous
        lambda a: np.asfortranarray(a.reshape(2, -1)),  # Fortran order
        lambda a: a.astype(">f8"),  # big-endian
        lambda a: np.ma.masked_less(a, 0.5),  # subclass
        lambda a: a.astype(np.int64),  # no kernel for this dtype
    ],
    ids=["strided", "fortran", "big-endian", "masked", "int64"],
)
def test_inputs_the_fast_path_declines_give_the_same_answer(make) -> None:
    a = make(np.arange(12.0))
    b = make(np.arange(12.0) * 2 + 1)
    x, y = DimArray(a, "m"), DimArray(b, "km")
    expected = np.asarray(a, dtype=float) + np.asarray(b, dtype=float) * 1000.0
    np.testing.assert_allclose(np.asarray((x + y).to_value(), dtype=float), expected)
    assert (x + y).unit == x.unit


@settings(max_examples=100, deadline=None)
@given(
    dtype=st.sampled_from([np.float64, np.float32]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=5),
    pair=st.sampled_from(
        [("m", "km"), ("km", "mm"), ("degC", "degF"), ("degF", "K"), ("K", "degC"), ("%", "1")]
    ),
    data=st.data(),
)
def test_conversion_equals_numpy_arithmetic(dtype, shape, pair, data) -> None:
    """`.to()` runs one Rust pass; NumPy's `x * a (+ b)` is the reference."""
    x = data.draw(hnp.arrays(dtype, shape, elements=st.floats(-1e6, 1e6, width=32)))
    q = DimArray(x, pair[0])
    a, b = q.unit.conversion_affine(pair[1])
    expected = np.multiply(x, a) + b if b else np.multiply(x, a)
    got = q.to(pair[1])
    assert got.dtype == dtype
    assert np.ascontiguousarray(got._data).tobytes() == np.ascontiguousarray(expected).tobytes()
