"""Summarise one run of tools/array_api_conformance.sh from its pytest JSON report.

usage: array_api_report.py RESULTS_DIR MODULE START END

Reads RESULTS_DIR/report.json (pytest-json-report) and writes, next to it:
  failed.txt      ids of the tests that failed or errored, one per line
  not-passed.txt  ids of every test that did not pass (failed, error, xfailed, skipped), each
                  followed by `  # outcome: reason`, the format tools/compare_failures.py reads
  summary.txt     the counts and the wall time (START and END are epoch seconds)
and prints the summary.
"""

from __future__ import annotations

import ast
import json
import sys
from collections import Counter
from pathlib import Path

NOT_FAILURES = ("passed", "xpassed")
ORDER = ("passed", "failed", "error", "xfailed", "xpassed", "skipped")


def reason(test: dict) -> str:
    """One line saying why a test did not pass: the skip reason or the error's first line."""
    for phase in ("setup", "call", "teardown"):
        info = test.get(phase) or {}
        if info.get("outcome", "passed") == "passed":
            continue
        text = str((info.get("crash") or {}).get("message") or info.get("longrepr") or "")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        lines = [line for line in lines if not line.startswith("[gw")] or [""]  # xdist's header
        text = lines[0]
        if text.startswith("("):  # a skip: "(path, line, 'Skipped: reason')"
            try:
                text = str(ast.literal_eval(text)[-1]).removeprefix("Skipped: ")
            except (ValueError, SyntaxError, IndexError):
                pass
        text = text.replace("#", "")  # the lists use `#` to start the comment
        return text if len(text) <= 110 else text[:107] + "..."
    return ""


def main(argv: list[str]) -> int:
    if len(argv) != 5:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    results, module, start, end = Path(argv[1]), argv[2], float(argv[3]), float(argv[4])
    report = json.loads((results / "report.json").read_text())

    outcomes, reasons = {}, {}
    for test in report.get("tests", []):
        outcomes[test["nodeid"]] = test["outcome"]
        if test["outcome"] not in NOT_FAILURES:
            reasons[test["nodeid"]] = reason(test)
    for coll in report.get("collectors", []):  # collection errors (e.g. an import failure)
        if coll.get("outcome") == "failed":
            node = coll["nodeid"] or "<collection>"
            outcomes[node] = "error"
            lines = str(coll.get("longrepr") or "").strip().splitlines()
            reasons[node] = (lines[-1] if lines else "").replace("#", "")[:110]

    failed = sorted(i for i, o in outcomes.items() if o in ("failed", "error"))
    not_passed = sorted((i, o) for i, o in outcomes.items() if o not in NOT_FAILURES)
    (results / "failed.txt").write_text("".join(f"{i}\n" for i in failed))
    (results / "not-passed.txt").write_text(
        "".join(f"{i}  # {o}: {reasons.get(i, '')}".rstrip(" :") + "\n" for i, o in not_passed)
    )

    counts = Counter(outcomes.values())
    parts = [f"{counts[k]} {k}" for k in ORDER if counts[k]]
    parts += [f"{n} {k}" for k, n in counts.items() if k not in ORDER]
    summary = (
        f"{module}: {', '.join(parts)} of {len(outcomes)} in {end - start:.0f} s wall\n"
        f"failed ids: {results / 'failed.txt'}  (did not pass: {results / 'not-passed.txt'})\n"
    )
    (results / "summary.txt").write_text(summary)
    print("=" * 72)
    print(summary, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
