"""Print the Array API conformance tests we fail that a baseline namespace passes.

usage: compare_failures.py OURS BASELINE

Both files list test ids, one per line, as written by tools/array_api_conformance.sh
(`not-passed.txt`: every test that did not pass - failed, error, xfailed or skipped) or kept in
tests/array_api/baseline-*.txt. Blank lines, `#` comment lines and trailing `# ...` comments
are ignored. Exits 1 when some test fails here but passes in the baseline (the target metric:
that list must be empty), else 0.
"""

from __future__ import annotations

import sys
from pathlib import Path


def read_ids(path: str) -> dict[str, str]:
    """Test id -> its trailing comment (the outcome, in the files the runner writes)."""
    ids = {}
    for line in Path(path).read_text().splitlines():
        test_id, _, comment = line.partition("#")
        test_id = test_id.strip()
        if test_id:
            ids[test_id] = comment.strip()
    return ids


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    ours, baseline = read_ids(argv[1]), read_ids(argv[2])
    worse = sorted(set(ours) - set(baseline))
    better = sorted(set(baseline) - set(ours))
    print(f"compared with {argv[2]}:")
    print(f"  {len(worse)} tests do not pass here but pass in the baseline")
    for test_id in worse:
        outcome = f"  ({ours[test_id]})" if ours[test_id] else ""
        print(f"    {test_id}{outcome}")
    print(f"  {len(better)} tests pass here but not in the baseline (or were not run)")
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
