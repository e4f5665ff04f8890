#!/usr/bin/env bash
# Run the Array API conformance suite (data-apis/array-api-tests) against one array namespace.
#
# The suite lives outside this repository (clone it plus its `array-api` spec submodule, e.g. to
# /work/array-api-tests). Standard 2024.12, 20 Hypothesis examples per test.
set -euo pipefail

usage() {
    cat >&2 <<'USAGE'
usage: tools/array_api_conformance.sh SUITE_DIR [MODULE] [extra pytest args...]

  SUITE_DIR  checkout of https://github.com/data-apis/array-api-tests with its `array-api`
             submodule checked out (SUITE_DIR/array-api/src/array_api_stubs must exist)
  MODULE     short name or a module path (default: dimarray)
               dimarray     -> dimtensor.array_api.eager
               dask         -> dimtensor.array_api.lazy
               compat-numpy -> array_api_compat.numpy
               compat-dask  -> array_api_compat.dask.array
               torch        -> dimtensor.torch.array_api (uint16/32/64 skipped)
               compat-torch -> array_api_compat.torch (likewise)
               anything else is used as ARRAY_API_TESTS_MODULE as given
  extra pytest args are passed on, e.g. `-n 2`, `-k test_add`, `-x`,
  `array_api_tests/test_creation_functions.py` (replaces the default `array_api_tests`).

Uses tests/array_api/xfails-<name>.txt when it exists (one test id or id prefix per line,
optional `# reason` after it; full-line `#` comments and blank lines are ignored).
When tests/array_api/baseline-<compat>.txt exists for the namespace (dimarray -> compat-numpy,
dask -> compat-dask, torch -> compat-torch), prints the tests that did not pass here but passed in the baseline.

Environment:
  PYTHON                      interpreter (default: <repo>/.venv/bin/python)
  ARRAY_API_RESULTS_DIR       results root (default: /tmp/array-api-results); this run writes
                              <root>/<name>/{report.json,pytest.log,failed.txt,not-passed.txt,
                              summary.txt}
  ARRAY_API_MAX_EXAMPLES      Hypothesis max examples (default: 20)
  ARRAY_API_TESTS_VERSION     standard version (default: 2024.12)
  ARRAY_API_XFAILS_FILE       xfails file to use instead of tests/array_api/xfails-<name>.txt
                              (set to an empty string to run without one)
  ARRAY_API_BASELINE          baseline list to compare against (empty string: no comparison)
  ARRAY_API_DEADLINE=1        keep the suite's 800 ms Hypothesis deadline (default: disabled)
  ARRAY_API_TESTS_XFAIL_MARK=skip  skip the listed xfails instead of running them (faster)
Exit status: pytest's (0 when nothing failed, 1 when some test failed, ...), and 1 when a test
that passes in the baseline does not pass here.

Notes: `-n 2` needs pytest-xdist (not among the suite's requirements). Hypothesis keeps the
failing examples it found in SUITE_DIR/.hypothesis and replays them first, so a rerun is faster
(no new search-and-shrink) and a failure once found stays; delete that folder for a fresh search.
The suite's "unvectorized" tests run max-examples/10 examples (2 by default).
USAGE
    exit 2
}

[[ $# -ge 1 ]] || usage
case "$1" in -h | --help) usage ;; esac

SUITE_DIR=$(cd "$1" 2>/dev/null && pwd) || {
    echo "error: no directory $1 (see --help)" >&2
    exit 2
}
shift
NAME=dimarray
if [[ $# -ge 1 && "$1" != -* ]]; then
    NAME=$1
    shift
fi

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-$REPO/.venv/bin/python}

case "$NAME" in
    dimarray) MODULE=dimtensor.array_api.eager ;;
    # The suite reads every generated element and result through float()/int()/
    # bool(), which a lazy DaskDimArray refuses unless told it may compute.
    dask) MODULE=dimtensor.array_api.lazy; export DASK_DIMTENSOR__LAZY_SCALARS=compute ;;
    compat-numpy) MODULE=array_api_compat.numpy ;;
    compat-dask) MODULE=array_api_compat.dask.array ;;
    torch) MODULE=dimtensor.torch.array_api ;;
    compat-torch) MODULE=array_api_compat.torch ;;
    *) MODULE=$NAME ;;
esac
case "$NAME" in
    # torch has no arithmetic kernels for uint16/32/64: not a units question
    torch | compat-torch) export ARRAY_API_TESTS_SKIP_DTYPES=${ARRAY_API_TESTS_SKIP_DTYPES-uint16,uint32,uint64} ;;
esac
case "$NAME" in
    dimarray) BASELINE_DEFAULT=$REPO/tests/array_api/baseline-compat-numpy.txt ;;
    dask) BASELINE_DEFAULT=$REPO/tests/array_api/baseline-compat-dask.txt ;;
    torch) BASELINE_DEFAULT=$REPO/tests/array_api/baseline-compat-torch.txt ;;
    *) BASELINE_DEFAULT= ;;
esac
# A file-system-safe label for a module path given as-is.
LABEL=$(printf '%s' "$NAME" | tr -c 'A-Za-z0-9._-' '_')

if [[ ! -d "$SUITE_DIR/array_api_tests" || ! -f "$SUITE_DIR/requirements.txt" ]]; then
    echo "error: $SUITE_DIR is not an array-api-tests checkout" >&2
    exit 2
fi
if [[ ! -d "$SUITE_DIR/array-api/src/array_api_stubs" ]]; then
    echo "error: $SUITE_DIR/array-api (the spec submodule) is not checked out;" \
        "run 'git submodule update --init' there or check out the pinned commit" >&2
    exit 2
fi
[[ -x "$PYTHON" ]] || {
    echo "error: no Python at $PYTHON (run 'make build' or set PYTHON)" >&2
    exit 2
}

# Install the suite's requirements only when one is missing or too old (pip is the only network use).
if ! "$PYTHON" - "$SUITE_DIR/requirements.txt" <<'PY'; then
import sys
from importlib.metadata import PackageNotFoundError, version

from packaging.requirements import Requirement

missing = []
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    req = Requirement(line)
    try:
        if not req.specifier.contains(version(req.name), prereleases=True):
            missing.append(line)
    except PackageNotFoundError:
        missing.append(line)
if missing:
    print("missing suite requirements:", ", ".join(missing), file=sys.stderr)
    sys.exit(1)
PY
    "$PYTHON" -m pip install -q -r "$SUITE_DIR/requirements.txt"
fi

RESULTS=${ARRAY_API_RESULTS_DIR:-/tmp/array-api-results}/$LABEL
mkdir -p "$RESULTS"
rm -f "$RESULTS"/{report.json,pytest.log,failed.txt,not-passed.txt,summary.txt}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# (--json-report-omit takes several values, so an option must follow it.)
ARGS=(--json-report --json-report-file="$RESULTS/report.json"
    --json-report-omit keywords streams log warnings
    --max-examples="${ARRAY_API_MAX_EXAMPLES:-20}" -rfE --tb=short)
# Hypothesis' 800 ms per-example deadline measures speed, not conformance: on a loaded 2-core
# machine it fails tests at random (and its shrinking then costs minutes), so it is off by default.
if [[ "${ARRAY_API_DEADLINE:-0}" != 1 ]]; then
    ARGS+=(--disable-deadline)
fi

# The suite takes each non-blank line not starting with `#` verbatim as an id, so strip the
# trailing `# reason` comments (test ids contain spaces but never `#`) and surrounding blanks.
XFAILS=${ARRAY_API_XFAILS_FILE-$REPO/tests/array_api/xfails-$LABEL.txt}
if [[ -n "$XFAILS" && -f "$XFAILS" ]]; then
    sed -e 's/[[:space:]]*#.*$//' -e 's/^[[:space:]]*//' -e '/^$/d' "$XFAILS" >"$TMP/xfails.txt"
    ARGS+=(--xfails-file="$TMP/xfails.txt")
    echo "xfails: $XFAILS ($(wc -l <"$TMP/xfails.txt") ids)"
elif [[ -n "$XFAILS" && -n "${ARRAY_API_XFAILS_FILE:-}" ]]; then
    echo "error: xfails file $XFAILS not found" >&2
    exit 2
fi

# Test selection: `array_api_tests` unless the extra arguments name tests themselves.
SELECT=(array_api_tests)
for arg in "$@"; do
    case "$arg" in array_api_tests*) SELECT=() ;; esac
done

echo "module: $MODULE  standard: ${ARRAY_API_TESTS_VERSION:-2024.12}  results: $RESULTS"
start=$(date +%s.%N)
rc=0
(
    cd "$SUITE_DIR"
    ARRAY_API_TESTS_MODULE=$MODULE \
        ARRAY_API_TESTS_VERSION=${ARRAY_API_TESTS_VERSION:-2024.12} \
        "$PYTHON" -m pytest -p no:cacheprovider "${SELECT[@]}" "${ARGS[@]}" "$@"
) 2>&1 | tee "$RESULTS/pytest.log" || rc=$?
end=$(date +%s.%N)

if [[ ! -s "$RESULTS/report.json" ]]; then
    echo "error: pytest wrote no report (exit status $rc); see $RESULTS/pytest.log" >&2
    exit "$((rc == 0 ? 1 : rc))"
fi

"$PYTHON" "$REPO/tools/array_api_report.py" "$RESULTS" "$MODULE" "$start" "$end"

BASELINE=${ARRAY_API_BASELINE-$BASELINE_DEFAULT}
if [[ -n "$BASELINE" ]]; then
    if [[ -f "$BASELINE" ]]; then
        "$PYTHON" "$REPO/tools/compare_failures.py" "$RESULTS/not-passed.txt" "$BASELINE" ||
            rc=$((rc == 0 ? 1 : rc))
    else
        echo "note: no baseline list at $BASELINE, no comparison" >&2
    fi
fi
exit "$rc"
