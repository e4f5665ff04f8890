"""Merge several runs of tools/array_api_conformance.sh into one baseline list.

usage: array_api_baseline.py OUT RESULTS_DIR... [-- HEADER_LINE...]

Each RESULTS_DIR is one run's results directory (the one holding not-passed.txt and
summary.txt). OUT lists every test that did not pass in at least one run - with Hypothesis
drawing 20 examples (2 for the suite's "unvectorized" tests) some failures are found only in
some runs, so a single run under-reports what the baseline namespace fails. A test that did not
pass in every run is marked `flaky k/N`. HEADER_LINEs are written first as `#` comments, followed
by each run's summary line.
"""

from __future__ import annotations

import sys
from pathlib import Path


def read_not_passed(path: Path) -> dict[str, str]:
    ids = {}
    for line in path.read_text().splitlines():
        test_id, _, comment = line.partition("#")
        if test_id.strip():
            ids[test_id.strip()] = comment.strip()
    return ids


def main(argv: list[str]) -> int:
    args = argv[1:]
    header: list[str] = []
    if "--" in args:
        header = args[args.index("--") + 1 :]
        args = args[: args.index("--")]
    if len(args) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    out, runs = Path(args[0]), [Path(a) for a in args[1:]]

    seen: dict[str, list[str]] = {}
    summaries = []
    for run in runs:
        summaries.append((run / "summary.txt").read_text().splitlines()[0])
        for test_id, comment in read_not_passed(run / "not-passed.txt").items():
            seen.setdefault(test_id, []).append(comment)

    lines = [f"# {h}" if h else "#" for h in header]
    lines += [f"# run {i}: {s}" for i, s in enumerate(summaries, 1)]
    lines.append(f"# {len(seen)} tests did not pass in at least one of these {len(runs)} runs.")
    for test_id in sorted(seen):
        comments = seen[test_id]
        # the most informative reason: the longest one (a bare "failed" says the least)
        comment = max(comments, key=len)
        if len(comments) < len(runs):
            comment = f"flaky {len(comments)}/{len(runs)}, {comment}"
        lines.append(f"{test_id}  # {comment}")
    out.write_text("\n".join(lines) + "\n")
    print(f"{out}: {len(seen)} ids from {len(runs)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
