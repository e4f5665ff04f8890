"""A pytest plugin that records one outcome per test, for the xarray port.

Loaded with ``-p outcomes`` by ``tools/xarray_units_port.py`` (which puts this
folder on ``sys.path`` of a subprocess). Environment variables:

- ``XARRAY_PORT_OUTCOMES``: a file that receives one JSON line per report,
  ``{"test": ..., "outcome": ..., "cause": ...}``, written as the run goes
  (a run stopped by its timeout keeps what it had), after a first line
  ``{"pint": <file of the imported pint module>}``.
- ``XARRAY_PORT_EVERY`` (optional): keep every n-th collected test, a
  deterministic subset for quick runs; ``XARRAY_PORT_MAX`` (optional): keep
  about this many, evenly spread (sets the step from the collected count).

Test names are the node ids without their file part (``TestVariable::test_x``),
so the two runs' names match whatever the rootdir. Outcomes are pytest's:
passed, failed, xfailed, xpassed, skipped, error (a failure outside the test
call: setup, teardown or collection). The reader keeps a test's first failed
or error record, else its last record.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

_out: Any = None


def _name(nodeid: str) -> str:
    return nodeid.split("::", 1)[1] if "::" in nodeid else nodeid


def _cause(report: Any) -> str:
    """The first line of the exception message (pytest puts the type first)."""
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return crash.message.splitlines()[0][:300] if crash.message else ""
    if isinstance(report.longrepr, tuple):  # skips: (file, line, reason)
        return str(report.longrepr[2])[:300]
    return str(report.longrepr).splitlines()[-1][:300] if report.longrepr else ""


def _open() -> Any:
    global _out
    if _out is None:
        _out = open(os.environ["XARRAY_PORT_OUTCOMES"], "w", encoding="utf-8")
        pint = sys.modules.get("pint")
        _out.write(json.dumps({"pint": getattr(pint, "__file__", None)}) + "\n")
    return _out


def _write(record: dict[str, Any]) -> None:
    out = _open()
    out.write(json.dumps(record) + "\n")
    out.flush()


def _record(nodeid: str, outcome: str, cause: str = "") -> None:
    _write({"test": _name(nodeid), "outcome": outcome, "cause": cause})


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    every = int(os.environ.get("XARRAY_PORT_EVERY", "1") or 1)
    most = int(os.environ.get("XARRAY_PORT_MAX", "0") or 0)
    if most > 0:
        every = max(every, -(-len(items) // most))
    if every > 1:
        kept = items[::every]
        chosen = {id(item) for item in kept}
        config.hook.pytest_deselected(items=[i for i in items if id(i) not in chosen])
        items[:] = kept


def pytest_runtest_logreport(report: Any) -> None:
    xfail = hasattr(report, "wasxfail")
    if report.when == "call":
        if report.passed:
            _record(report.nodeid, "xpassed" if xfail else "passed")
        elif report.skipped:
            _record(report.nodeid, "xfailed" if xfail else "skipped", _cause(report))
        else:
            _record(report.nodeid, "failed", _cause(report))
    elif report.failed:  # setup or teardown
        _record(report.nodeid, "error", _cause(report))
    elif report.skipped and report.when == "setup":
        _record(report.nodeid, "xfailed" if xfail else "skipped", _cause(report))


def pytest_collectreport(report: Any) -> None:
    if report.failed:
        _record(report.nodeid or "<collection>", "error", _cause(report))


def pytest_sessionfinish(session: Any) -> None:
    _open().close()
