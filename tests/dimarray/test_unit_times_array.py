"""`array * unit` builds a DimArray; `number * unit` stays a Unit."""

import numpy as np
import pytest
from dimtensor import DimArray, Unit
from dimtensor import units as u


@pytest.mark.parametrize("data", [np.array([1.0, 2.0]), [1.0, 2.0], (1.0, 2.0)])
def test_array_like_times_unit_is_a_dimarray(data: object) -> None:
    x = data * u.km
    assert isinstance(x, DimArray)
    assert x.unit == u.km
    np.testing.assert_array_equal(x.to_value(), [1.0, 2.0])


def test_array_over_unit_is_inverse_unit() -> None:
    x = np.array([2.0, 4.0]) / u.s
    assert isinstance(x, DimArray)
    assert x.unit == 1 / u.s
    np.testing.assert_array_equal(x.to_value("1/min"), [120.0, 240.0])


def test_numbers_times_unit_stay_units() -> None:
    assert isinstance(5 * u.m, Unit)
    assert isinstance(np.float64(2.0) * u.m, Unit)
    assert (1000 * u.m) == u.km


def test_dimarray_times_unit_combines_units_without_touching_values() -> None:
    x = DimArray([1.0, 2.0], "m") * u.s
    assert x.unit == u.m * u.s
    np.testing.assert_array_equal(x.to_value(), [1.0, 2.0])
