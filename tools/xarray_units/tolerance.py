"""A diagnostic plugin for ``tools/xarray_units_port.py --pint-tolerance``.

xarray's ``assert_allclose`` compares with ``np.isclose(a, b, atol=1e-08)``.
pint reads that plain ``atol`` in the operands' unit; dimtensor refuses a
plain number added to a dimensional value (only 0, ±inf and nan meet any
unit), so on the dimtensor side every such comparison of dimensional data
fails before the test's own checks run. With this plugin loaded, the
tolerance is given the first operand's unit, as pint does, so that the run
shows what those tests would find next. It changes xarray's test helper, not
dimtensor: its counts are a diagnostic, never the port's result.
"""

from __future__ import annotations

from typing import Any


def pytest_configure(config: Any) -> None:
    import xarray.core.duck_array_ops as ops
    from dimtensor import DimArray

    isclose = ops.isclose

    def isclose_in_unit(a: Any, b: Any, *args: Any, atol: Any = 1e-08, **kwargs: Any) -> Any:
        unit = getattr(a, "unit", None)
        if unit is not None and isinstance(atol, float) and atol != 0:
            atol = DimArray(atol, unit)
        return isclose(a, b, *args, atol=atol, **kwargs)

    ops.isclose = isclose_in_unit
