"""Test-session setup shared by every test (tests/, docstrings, README)."""

import os

# SciPy reads this once, when it is first imported (dask imports it too):
# generic (Array API) code paths, so SciPy runs on DimArray and DaskDimArray
# through their namespaces.
os.environ["SCIPY_ARRAY_API"] = "1"

# Hypothesis: CI (.ci/run sets DIMTENSOR_HYPOTHESIS=ci) draws a fixed set of
# examples, so a failure there is reproducible and whether a change lands
# never depends on the luck of a draw; every other run draws new examples
# and keeps exploring. Loaded here, before any test module makes settings.
from hypothesis import settings

settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("DIMTENSOR_HYPOTHESIS", "default"))
