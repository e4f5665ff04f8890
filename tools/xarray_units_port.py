"""Run xarray's own unit tests for pint against dimtensor, and compare.

xarray ships ``xarray/tests/test_units.py``, which tests xarray wrapping pint
quantities. Only its helpers are pint-specific, so this script runs the
installed, unmodified file twice, each in a subprocess of its own:

- ``pint``: with the real pint (the baseline, pint's own failures included);
- ``dimtensor``: with ``tools/xarray_units/pint_adapter`` first on
  ``sys.path``, a stand-in for the part of pint's API the file uses, whose
  quantities are dimtensor's ``DimArray``/``DaskDimArray``.

A plugin (``tools/xarray_units/outcomes.py``) records every test's outcome;
the script prints a markdown table comparing the two runs and can write a
JSON summary. The test file is read where xarray is installed; nothing of it
is copied into this repository.

    python tools/xarray_units_port.py                   # full run (minutes)
    python tools/xarray_units_port.py --max-tests 100   # 100 tests, spread out
    python tools/xarray_units_port.py -k TestVariable --json out.json
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent / "xarray_units"
PLUGIN_DIR = HERE
STANDIN_DIR = HERE / "pint_adapter"
SIDES = ("pint", "dimtensor")
OUTCOMES = ("passed", "failed", "xfailed", "xpassed", "skipped", "error")
# The pytest configuration for the subprocesses: none of this project's
# options (its addopts and --strict-markers do not fit xarray's test file).
PYTEST_INI = "[pytest]\n"


def test_file() -> Path:
    """xarray's installed ``tests/test_units.py``."""
    spec = importlib.util.find_spec("xarray")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("xarray is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "tests" / "test_units.py"
    if not path.exists():
        raise SystemExit(f"{path} is missing (xarray installed without its tests?)")
    return path


def run_side(
    side: str,
    *,
    python: str,
    keyword: str | None,
    every: int,
    most: int,
    pint_tolerance: bool,
    timeout: float,
    workdir: Path,
) -> dict[str, Any]:
    """Run the test file once; the outcome per test, the pint module used, times."""
    outcomes = workdir / f"{side}.jsonl"
    log = workdir / f"{side}.log"
    ini = workdir / "pytest.ini"
    ini.write_text(PYTEST_INI, encoding="utf-8")
    path = [str(PLUGIN_DIR)]
    if side == "dimtensor":
        path.insert(0, str(STANDIN_DIR))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*path, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["XARRAY_PORT_OUTCOMES"] = str(outcomes)
    env["XARRAY_PORT_EVERY"] = str(every)
    env["XARRAY_PORT_MAX"] = str(most)
    env.setdefault("MPLBACKEND", "Agg")
    command = [python, "-m", "pytest", str(test_file()), "-c", str(ini)]
    command += ["--rootdir", str(workdir), "-p", "outcomes", "-p", "no:cacheprovider"]
    # importlib: pytest must not put site-packages (the test file's root) ahead
    # of the stand-in on sys.path, as its default "prepend" mode would.
    command += ["--import-mode=importlib", "-q", "--tb=short"]
    if keyword:
        command += ["-k", keyword]
    if pint_tolerance and side == "dimtensor":
        command += ["-p", "tolerance"]
    start = time.perf_counter()
    timed_out = False
    with open(log, "w", encoding="utf-8") as out:
        try:
            rc = subprocess.run(
                command, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout
            ).returncode
        except subprocess.TimeoutExpired:
            rc, timed_out = -1, True
    seconds = time.perf_counter() - start
    pint_file, tests = read_outcomes(outcomes)
    if not tests and not timed_out:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"the {side} run recorded no test (exit {rc}):\n{tail}")
    return {
        "pint_module": pint_file,
        "tests": tests,
        "seconds": round(seconds, 1),
        "returncode": rc,
        "timed_out": timed_out,
    }


def read_outcomes(path: Path) -> tuple[str | None, dict[str, dict[str, str]]]:
    """The plugin's lines: a test's first failure (or error) wins, else its last record."""
    if not path.exists():
        return None, {}
    pint_file = None
    tests: dict[str, dict[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if "pint" in record:
            pint_file = record["pint"]
            continue
        name = record["test"]
        if name in tests and tests[name]["outcome"] in ("failed", "error"):
            continue
        tests[name] = {"outcome": record["outcome"], "cause": record["cause"]}
    return pint_file, tests


_ADDRESS = re.compile(r"0x[0-9a-f]+")
_QUOTED = re.compile(r"'[^']*'")
_BRACKETS = re.compile(r"\[[^\]]*\]?")
_NUMBER = re.compile(r"(?<![A-Za-z_])[-+]?\d+(\.\d*)?(e[-+]?\d+)?")
_SPACES = re.compile(r"\s+")


def cause_group(cause: str) -> str:
    """A failure's cause with units, values and addresses blanked, to group alike ones."""
    text = _ADDRESS.sub("0x…", cause)
    if "unit" in text.lower() or "dimension" in text.lower():  # names kept elsewhere
        text = _QUOTED.sub("'…'", text)
        text = _BRACKETS.sub("[…]", text)
    text = _NUMBER.sub("N", text)
    text = _SPACES.sub(" ", text).strip()
    return text[:110] + ("…" if len(text) > 110 else "")


def summarize(results: dict[str, dict[str, Any]], top: int) -> dict[str, Any]:
    pint, dimt = results["pint"]["tests"], results["dimtensor"]["tests"]
    totals = {
        side: {o: sum(t["outcome"] == o for t in results[side]["tests"].values()) for o in OUTCOMES}
        for side in SIDES
    }
    common = sorted(set(pint) & set(dimt))
    ok = ("passed", "xpassed")
    regressions = [t for t in common if pint[t]["outcome"] in ok and dimt[t]["outcome"] not in ok]
    gains = [
        t
        for t in common
        if pint[t]["outcome"] in ("failed", "xfailed", "error") and dimt[t]["outcome"] in ok
    ]
    causes = collections.Counter(
        f"{dimt[t]['outcome']}: {cause_group(dimt[t]['cause'])}" for t in regressions
    )
    return {
        "test_file": str(test_file()),
        "totals": totals,
        "seconds": {side: results[side]["seconds"] for side in SIDES},
        "timed_out": {side: results[side]["timed_out"] for side in SIDES},
        "pint_module": {side: results[side]["pint_module"] for side in SIDES},
        "only_in_one_run": sorted(set(pint) ^ set(dimt)),
        "pint_passes_dimtensor_not": len(regressions),
        "regression_causes": causes.most_common(top),
        "dimtensor_passes_pint_not": len(gains),
        "dimtensor_passes_pint_not_tests": gains,
        "regressions": {t: dimt[t] for t in regressions},
    }


def markdown(summary: dict[str, Any]) -> str:
    totals = summary["totals"]
    lines = [
        "| outcome | pint | dimtensor |",
        "|---|---:|---:|",
        *(f"| {o} | {totals['pint'][o]} | {totals['dimtensor'][o]} |" for o in OUTCOMES),
        f"| **total** | {sum(totals['pint'].values())} | {sum(totals['dimtensor'].values())} |",
        "| wall time (s) | "
        + " | ".join(str(summary["seconds"][side] or "—") for side in SIDES)
        + " |",
        "",
        f"pint passes, dimtensor does not: **{summary['pint_passes_dimtensor_not']}**",
        f"dimtensor passes where pint fails or xfails: **{summary['dimtensor_passes_pint_not']}**",
        "",
        "| count | dimtensor's outcome and cause (pint passes) |",
        "|---:|---|",
        *(f"| {n} | `{c.replace('|', '¦')}` |" for c, n in summary["regression_causes"]),
    ]
    if summary.get("pint_tolerance"):
        lines.append("\n**Diagnostic run (--pint-tolerance): not the port's result.**")
    for side in SIDES:
        if summary["timed_out"][side]:
            lines.append(f"\n**The {side} run hit its timeout; its counts are partial.**")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", dest="keyword", help="pytest -k expression, passed on")
    parser.add_argument(
        "--every", type=int, default=1, help="run every n-th collected test (a quick subset)"
    )
    parser.add_argument(
        "--max-tests",
        type=int,
        default=0,
        help="at most about this many tests, evenly spread over those collected",
    )
    parser.add_argument("--json", type=Path, help="write the summary here")
    parser.add_argument("--keep", type=Path, help="keep the logs and raw outcomes in this folder")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    parser.add_argument("--top", type=int, default=25, help="causes listed")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the runs")
    parser.add_argument("--side", choices=("both", *SIDES), default="both")
    parser.add_argument(
        "--pint-tolerance",
        action="store_true",
        help="diagnostic: xarray's assert_allclose gives its plain atol the operand's unit,"
        " as pint reads it (tools/xarray_units/tolerance.py); not the port's result",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="reuse the pint outcomes (pint.jsonl of an earlier --keep) instead of running pint",
    )
    args = parser.parse_args(argv)

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="xarray-units-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sides = SIDES if args.side == "both" else (args.side,)
    results: dict[str, dict[str, Any]] = {side: {"tests": {}} for side in SIDES}
    for side in SIDES:
        results[side].update(seconds=0.0, timed_out=False, pint_module=None)
    if args.baseline:
        pint_file, tests = read_outcomes(args.baseline)
        results["pint"].update(pint_module=pint_file, tests=tests, seconds=None)
        sides = tuple(side for side in sides if side != "pint")
    for side in sides:
        results[side] = run_side(
            side,
            python=args.python,
            keyword=args.keyword,
            every=args.every,
            most=args.max_tests,
            pint_tolerance=args.pint_tolerance,
            timeout=args.timeout,
            workdir=workdir,
        )
    summary = summarize(results, args.top)
    summary["every"] = args.every
    summary["max_tests"] = args.max_tests
    summary["pint_tolerance"] = args.pint_tolerance
    summary["keyword"] = args.keyword
    print(markdown(summary))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    standin = summary["pint_module"]["dimtensor"]
    if "dimtensor" in sides and (standin is None or not standin.startswith(str(STANDIN_DIR))):
        print(f"the dimtensor run imported pint from {standin}, not the stand-in", file=sys.stderr)
        return 1
    return 1 if any(summary["timed_out"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
