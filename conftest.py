"""Test-session setup shared by every test (tests/, docstrings, README)."""

import os

# SciPy reads this once, when it is first imported (dask imports it too):
# generic (Array API) code paths, so SciPy runs on DimArray and DaskDimArray
# through their namespaces.
os.environ["SCIPY_ARRAY_API"] = "1"
