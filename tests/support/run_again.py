"""Runs a module's file a second time as another module, as pytest's
importlib mode does when it collects a file by its path."""

import importlib.util
import sys
from types import ModuleType


def run_again(module: ModuleType) -> ModuleType:
    """The file of ``module`` executed anew under a sibling name."""
    package, _, name = module.__name__.rpartition(".")
    spec = importlib.util.spec_from_file_location(f"{package}._{name}_again", module.__file__)
    assert spec is not None and spec.loader is not None
    again = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = again
    try:
        spec.loader.exec_module(again)
    finally:
        del sys.modules[spec.name]
    return again
