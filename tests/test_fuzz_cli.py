"""Hostile files through the command line: never an internal error (exit 1), never past the budget.

Hypothesis writes data files with odd line endings (LF, CRLF, CR alone), NUL bytes,
other encodings (declared or not), nested Parquet columns, rows longer than the
parser's block, random bytes, and gzip and bzip2 bombs, and runs ``statreport fit``
on each (in this process, `statreport.cli.main`) under ``--max-memory 64MB``. Every
run must end in a documented exit code with one line on stderr, and the process's
peak resident memory (its high-water mark reset before each run, Linux) may grow by
no more than the budget plus a margin for Python's own objects.

The examples are derandomized (one fixed sequence), so a failure reproduces.
"""

from __future__ import annotations

import bz2
import gzip
import io
import re
import tempfile
from collections import Counter
from contextlib import redirect_stderr
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from conftest import EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_budget import bzip2_bomb, gzip_bomb

from statreport.cli import main

BUDGET = 64 * 10**6
#: What one run may add to this process's peak beyond the budget: Python's objects for
#: messages and small frames, and the allocator's slack (the imports are done by then).
IN_PROCESS_MARGIN = 150 * 10**6
EXIT_CODES = {0, 2, 3, 4}
FORMULAS = ["y ~ x", "y ~ x + g", "y ~ C(g)", "y ~ x + C(n)", "y ~ n", "y ~ bs(x, df=3)", "y ~ x + z"]
TEXTS = ["a", "b", "é", "Ü", "日本", "", "NA", "c"]


MUTATIONS = ("crlf", "cr", "nul in a field", "nul in the header", "nuls scattered", "row of 200 kB",
             "row of 1.5 MB", "junk bytes", "latin-1", "cp1252", "utf-16", "bom", "declared encoding",
             "wrong encoding declared", "unknown encoding declared", "semicolons", "tabs", "3 rows",
             "no rows", "text outcome", "constant outcome", "gzip", "bzip2", "no final line end")


def _rows(rng: np.random.Generator, n: int, outcome: str) -> list[list[str]]:
    rows = []
    for i in range(n):
        y = {"01": str(i % 2), "text": ("yes", "no")[i % 2], "constant": "1"}[outcome]
        text = TEXTS[int(rng.integers(0, len(TEXTS)))]
        rows.append([f"{rng.normal():.3f}", y, text, f"{rng.normal():.2f}"])
    return rows


@st.composite
def delimited(draw) -> tuple[bytes, str, list[str]]:
    """A delimited text file's bytes, its suffix, and the options to read it with: a clean
    file changed by a few of `MUTATIONS` (none, often)."""
    changes = draw(st.sets(st.sampled_from(MUTATIONS), max_size=3))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    n = 0 if "no rows" in changes else 3 if "3 rows" in changes else 40
    outcome = "text" if "text outcome" in changes else "constant" if "constant outcome" in changes else "01"
    sep = ";" if "semicolons" in changes else "\t" if "tabs" in changes else ","
    ending = "\r\n" if "crlf" in changes else "\r" if "cr" in changes else "\n"
    lines = [sep.join(["x", "y", "g", "z"])] + [sep.join(row) for row in _rows(rng, n, outcome)]
    for change, size in (("row of 200 kB", 200_000), ("row of 1.5 MB", 1_500_000)):
        if change in changes:
            lines.insert(len(lines) // 2 + 1, sep.join(["1" * size, "1", "a", "0"]))
    text = ending.join(lines) + ("" if "no final line end" in changes else ending)
    encoding = next((e for e in ("latin-1", "cp1252", "utf-16") if e in changes), "utf-8")
    if "bom" in changes and encoding == "utf-8":
        encoding = "utf-8-sig"
    raw = text.encode(encoding, errors="replace")
    if "nul in a field" in changes and b"\n" in raw:
        raw = raw.replace(b"\n", b"\x00\n", 2)
    if "nul in the header" in changes:
        raw = b"x\x00" + raw
    if "nuls scattered" in changes:
        raw = bytes(b if i % 97 else 0 for i, b in enumerate(raw))
    if "junk bytes" in changes:
        where = draw(st.integers(0, len(raw)))
        raw = raw[:where] + draw(st.binary(min_size=1, max_size=12)) + raw[where:]
    options = []
    if "declared encoding" in changes:
        options += ["--encoding", encoding]
    elif "wrong encoding declared" in changes:
        options += ["--encoding", "utf-16" if encoding != "utf-16" else "utf-8"]
    elif "unknown encoding declared" in changes:
        options += ["--encoding", "no-such-encoding"]
    suffix = ".tsv" if sep == "\t" else ".csv"
    if "gzip" in changes:
        raw, suffix = gzip.compress(raw), suffix + ".gz"
    elif "bzip2" in changes:
        raw, suffix = bz2.compress(raw), suffix + ".bz2"
    return raw, suffix, options


@st.composite
def hostile_files(draw, folder: Path) -> tuple[Path, list[str], str | None]:
    """A data file in ``folder``, the options to read it with, and the formula it calls for (None: any)."""
    kind = draw(st.sampled_from(["text", "parquet", "text", "gzip bomb", "bzip2 bomb", "random bytes"]))
    if kind == "random bytes":
        path = folder / draw(st.sampled_from(["r.csv", "r.csv.gz", "r.parquet", "r.csv.bz2"]))
        path.write_bytes(draw(st.binary(max_size=3000)))
        return path, [], None
    if kind.endswith("bomb"):
        inflated = draw(st.sampled_from([150, 300])) * 10**6
        bomb = gzip_bomb(folder / "bomb.csv.gz", inflated) if kind == "gzip bomb" else \
            bzip2_bomb(folder / "bomb.csv.bz2", inflated)
        return bomb, [], draw(st.sampled_from(["y ~ x + z", "y ~ x", "y ~ C(w)"]))
    if kind == "parquet":
        n = draw(st.sampled_from([40, 5, 1]))
        rows = _rows(np.random.default_rng(draw(st.integers(0, 2**16))), n, "01")
        nested = draw(st.sampled_from(["flat", "list", "struct", "map", "large_list"]))
        column = {
            "list": pa.array([[i, i + 1] for i in range(n)]),
            "large_list": pa.array([[i] for i in range(n)], type=pa.large_list(pa.int64())),
            "struct": pa.array([{"a": i} for i in range(n)]),
            "map": pa.array([[("k", i)] for i in range(n)], type=pa.map_(pa.string(), pa.int64())),
            "flat": pa.array([f"v{i % 3}" for i in range(n)]),
        }[nested]
        table = pa.table({"x": [float(r[0]) for r in rows], "y": [int(r[1]) for r in rows],
                          "g": [r[2] for r in rows], "z": [float(r[3]) for r in rows], "n": column})
        path = folder / "d.parquet"
        pq.write_table(table, path)
        return path, [], None
    raw, suffix, options = draw(delimited())
    path = folder / f"d{suffix}"
    path.write_bytes(raw)
    return path, options, None


def _high_water_reset() -> bool:
    """Reset this process's peak resident memory (Linux: /proc/self/clear_refs), if it can be."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _memory(field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    return int(match.group(1)) * 1024 if match else 0


OUTCOMES: Counter[int] = Counter()
GROWTH: list[int] = []


def _warm_up() -> None:
    """One clean run first, so that the imports a fit makes are not counted as a run's memory."""
    if not GROWTH:
        with tempfile.TemporaryDirectory() as folder, redirect_stderr(io.StringIO()):
            main(["fit", "y ~ x", str(EXAMPLES / "tutorial.csv"), "-o", str(Path(folder) / "r.json"), "-q"])


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_no_hostile_file_ends_in_an_internal_error_or_past_the_budget(data):
    with tempfile.TemporaryDirectory() as folder:
        path, options, formula = data.draw(hostile_files(Path(folder)))
        formula = formula or data.draw(st.sampled_from(FORMULAS))
        out = Path(folder) / "out" / "r.json"
        out.parent.mkdir()
        _warm_up()
        measured = _high_water_reset()
        before = _memory("VmRSS")
        stderr = io.StringIO()
        with redirect_stderr(stderr):
            code = main(["fit", formula, str(path), "-o", str(out), "--max-memory", str(BUDGET), "-q",
                         *options])
        peak = _memory("VmHWM")
        err = stderr.getvalue()
    OUTCOMES[code] += 1
    assert code in EXIT_CODES, err  # never 1, the internal error
    if code:
        assert err.count("\n") == 1 and err.startswith("statreport: error:"), err
        assert "Traceback" not in err
    if measured:
        GROWTH.append(peak - before)
        assert peak - before <= BUDGET + IN_PROCESS_MARGIN, f"peak grew by {(peak - before) / 1e6:.0f} MB"


def test_the_fuzzing_reached_reports_and_each_kind_of_error():
    """Run after the fuzz test (file order): a fuzzer that only ever failed would prove little."""
    if not OUTCOMES:  # pragma: no cover - run on its own
        return
    assert OUTCOMES[0] >= 15 and OUTCOMES[2] >= 5 and OUTCOMES[3] >= 50 and 1 not in OUTCOMES, OUTCOMES
