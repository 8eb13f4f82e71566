"""The memory budget: sizes, the estimates made before each big allocation, and the peak
memory of a run under a small budget (measured on the child process, `os.wait4`)."""

from __future__ import annotations

import ast
import bz2
import gzip
import os
import subprocess
import sys
import warnings
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES, REPO

import statreport
from statreport import budget as budget_module
from statreport.budget import MARGIN, MemoryBudget, format_size, parse_size
from statreport.checks import check_design_size
from statreport.errors import DataError, FitError, OptionTypeError, UsageError
from statreport.formula import parse_formula
from statreport.formula_safety import constant_value, term_count
from statreport.options import validate

# --- running the command line and measuring it ----------------------------------------------------


#: Starts the command line as a child of a small process: a child forked from (or spawned
#: by) pytest would count pytest's own resident memory in its peak.
_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "statreport", *sys.argv[1:]])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss * 1024)
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def measured_cli(*args: str | bytes, timeout: float = 120) -> tuple[int, str, int]:
    """``python -m statreport ARGS``: (exit code, stderr, peak resident memory in bytes).

    The peak is the command's own process (and any it waited for), from `os.wait4`.
    """
    env = {**os.environ, "PYTHONPATH": str(REPO), "STATREPORT_NO_HELPER": "1"}
    proc = subprocess.run([sys.executable, "-c", _LAUNCHER, *args], env=env, capture_output=True,
                          timeout=timeout)
    err = proc.stderr.decode("utf-8", "backslashreplace")
    return proc.returncode, err, int(proc.stdout.decode().split()[-1])


def assert_one_clean_line(code: int, err: str, expected: int) -> None:
    """The documented exit code and one line on stderr: never an internal error or a traceback."""
    assert code == expected, err
    if expected:
        assert err.count("\n") == 1 and err.startswith("statreport: error:"), err
    assert "Traceback" not in err and "internal error" not in err, err


MB = 10**6


def gzip_bomb(path: Path, inflated: int, *, header: bytes = b"x,y,z,w\n") -> Path:
    """A .csv.gz of repeated members: a few kB that inflate to ``inflated`` bytes of rows."""
    chunk = b"0.5,1,0.25,0\n" * (4 * 2**20 // 13)
    member = _compressed(chunk, "gz")
    with path.open("wb") as handle:
        handle.write(gzip.compress(header))
        for _ in range(max(inflated // len(chunk), 1)):
            handle.write(member)
    return path


def bzip2_bomb(path: Path, inflated: int, *, header: bytes = b"x,y,z,w\n") -> Path:
    chunk = b"0.5,1,0.25,0\n" * (4 * 2**20 // 13)
    member = _compressed(chunk, "bz2")
    with path.open("wb") as handle:
        handle.write(bz2.compress(header))
        for _ in range(max(inflated // len(chunk), 1)):
            handle.write(member)
    return path


@cache
def _compressed(chunk: bytes, kind: str) -> bytes:
    return gzip.compress(chunk, 9) if kind == "gz" else bz2.compress(chunk, 9)


# --- sizes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "size"), [
    ("4GB", 4 * 10**9), ("4 gb", 4 * 10**9), ("4GiB", 4 * 2**30), ("4G", 4 * 2**30), ("500MB", 500 * MB),
    ("1.5GB", 1_500_000_000), ("64mib", 64 * 2**20), ("1e9", 10**9), ("123", 123), (" 2 TB ", 2 * 10**12),
])
def test_a_size_reads_in_decimal_and_binary_units(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["lots", "", "4XB", "GB", "-1GB", "1e400", "nan"])
def test_a_text_that_is_no_size_is_refused(text):
    with pytest.raises(ValueError, match="not a size"):
        parse_size(text)


def test_sizes_are_written_in_the_units_max_memory_takes():
    assert [format_size(s) for s in (999, 64 * MB, 1_234_567_890, 12.3e9)] == [
        "999 bytes", "64 MB", "1.2 GB", "12 GB"]


def test_max_memory_is_checked_up_front_types_included():
    assert validate({"max_memory": "4GB"})["max_memory"] == 4 * 10**9
    assert validate({"max_memory": 10**8})["max_memory"] == 10**8
    assert validate({})["max_memory"] is None
    for wrong in (1.5e9, True, [1], b"4GB"):
        with pytest.raises(OptionTypeError, match="max_memory must be a size such as '4GB'"):
            validate({"max_memory": wrong})
    for bad in ("lots", 0, "0MB", -5):
        with pytest.raises(UsageError, match="max_memory must be a size"):
            validate({"max_memory": bad})


def test_a_bad_max_memory_on_the_command_line_is_a_usage_error(tmp_path, capsys):
    from statreport.cli import main

    code = main(["fit", "y ~ x", str(EXAMPLES / "tutorial.csv"), "-o", str(tmp_path / "r.json"),
                 "--max-memory", "lots"])
    err = capsys.readouterr().err
    assert_one_clean_line(code, err, 2)
    assert "--max-memory must be a size such as '4GB'" in err and "got 'lots'" in err


def test_the_default_budget_is_a_share_of_the_available_memory(monkeypatch):
    monkeypatch.setattr(budget_module, "available_memory", lambda: 8 * 10**9)
    default = MemoryBudget.from_option(None)
    assert default.limit == 4 * 10**9 and not default.given
    assert "50% of the memory available; pass max_memory" in default.describe()
    given = MemoryBudget.from_option(2 * 10**9, "firth")
    assert given.given and given.method == "firth" and "(max_memory='2GB')" in given.describe()
    monkeypatch.setattr(budget_module, "available_memory", lambda: None)
    assert MemoryBudget.from_option(None).limit > 10**18  # nowhere to read it: no limit, not a guess


def test_available_memory_is_read_from_the_system():
    available = budget_module.available_memory()
    assert available is None or 0 < available < 2**50


# --- estimates -------------------------------------------------------------------------------------


def value_of(text: str) -> float | None:
    return constant_value(ast.parse(text, mode="eval").body)


@pytest.mark.parametrize(("text", "value"), [
    ("2*100000", 200_000), ("1+20000", 20_001), ("10**6", 10**6), ("-3", -3), ("(1+1)*(2+2)", 8),
    ("7//2", 3), ("7 % 4", 3), ("1e3", 1000), ("2**10**10", float("inf")), ("9**9**9**9", float("inf")),
])
def test_constant_arithmetic_is_evaluated_from_the_ast(text, value):
    assert value_of(text) == value


@pytest.mark.parametrize("text", ["x * 2", "'a'", "1/0", "True + 1", "__import__('os').getpid()",
                                  "(-8)**0.5"])
def test_anything_but_constant_arithmetic_has_no_value(text):
    assert value_of(text) is None


@pytest.mark.parametrize(("rhs", "terms"), [
    ("a", 1), ("a + b", 2), ("a:b", 1), ("a*b*c", 7), ("(a+b+c)**2", 6), ("a/b", 2),
    ("a + b - b", 2),  # at most: '- b' is not counted off
    ("*".join(f"x{i}" for i in range(40)), 2**40 - 1),
    ("(" + "+".join(f"x{i}" for i in range(30)) + ")**30", 2**30 - 1),
])
def test_a_formulas_terms_are_counted_without_expanding_it(rhs, terms):
    assert term_count(ast.parse(rhs.replace(":", "&"), mode="eval").body) == terms


def design_refusal(formula: str, frame: pd.DataFrame, limit: int = 10**6) -> str:
    with pytest.raises((DataError, FitError)) as info:
        check_design_size(parse_formula(formula).rhs, frame, MemoryBudget(limit))
    return str(info.value)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    n = 3000
    rng = np.random.default_rng(2)
    return pd.DataFrame({"y": np.arange(n) % 2, "x": rng.normal(size=n),
                         "id": pd.Categorical([f"id{i % 1000}" for i in range(n)]),
                         "code": np.arange(n) % 500})


@pytest.mark.parametrize(("formula", "columns"), [
    ('y ~ Q("id")', 1000), ("y ~ `id`", 1000), ("y ~ id", 1000), ("y ~ C(id)", 1000), ("y ~ C(code)", 500),
    ("y ~ bs(x, df=2*100)", 200), ("y ~ bs(x, 2*100)", 200), ("y ~ poly(x, degree=1+199)", 200),
    ("y ~ bs(x, degree=150+50)", 200), ("y ~ cr(x, df=10**2*2)", 200), ("y ~ x:C(code)", 500),
])
def test_the_design_estimate_sees_levels_bases_and_arithmetic(formula, columns, frame):
    message = design_refusal(formula, frame)
    assert f"alone makes {columns:,} columns" in message, message


def test_a_comparison_of_a_text_column_is_one_column(frame):
    check_design_size(parse_formula("y ~ I(id == 'id3')").rhs, frame, MemoryBudget(10**6))


def test_more_columns_than_rows_is_refused_before_the_design_is_built(frame):
    message = design_refusal("y ~ bs(x, df=2*100000)", frame, limit=10**15)
    assert message.startswith("3,000 complete row(s) for at least 200,001 parameters")


def fit_frame(n: int = 20_000, k: int = 10) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    data = pd.DataFrame(rng.normal(size=(n, k)), columns=[f"x{i}" for i in range(k)])
    data["y"] = (rng.random(n) < 1 / (1 + np.exp(-data["x0"]))).astype(int)
    return data


def test_a_fit_over_the_budget_is_a_fit_error_exit_4_naming_sizes_and_advice():
    data = fit_frame()  # design: 20,000 x 11 x 8 = 1.76 MB; data held 1.76 MB
    formula = "y ~ " + " + ".join(f"x{i}" for i in range(10))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        statreport.fit(formula, data, max_memory="8MB")  # 4 copies: 7 MB
        with pytest.raises(FitError) as info:
            statreport.fit(formula, data, max_memory="8MB", method="firth")  # 7 copies: 12 MB
    message = str(info.value)
    assert info.value.exit_code == 4 and isinstance(info.value, ValueError)
    assert "fitting the model would need about 12 MB (7 copies of a 1.8 MB design matrix, 20,000 rows x 11 " \
           "columns), more than the memory budget of 8.0 MB (max_memory='8MB')" in message
    assert "fit a sample of the rows, or, if the machine has the memory, a larger budget: max_memory='15MB'" \
        in message
    with pytest.raises(DataError, match="the design matrix would need about 1.8 MB"):
        statreport.fit(formula, data, max_memory="4MB")  # built beside the data: 5.3 MB


# --- reading ---------------------------------------------------------------------------------------


def test_a_file_far_inside_the_budget_is_read_without_watching(tmp_path, monkeypatch):
    import statreport.data as data

    def refuse(*args):  # pragma: no cover - the fast path must not get here
        raise AssertionError("a small plain file was read through the watcher")

    monkeypatch.setattr(data, "_Watched", refuse)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        statreport.fit("y ~ x", EXAMPLES / "tutorial.csv", max_memory="1GB")


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz", ".csv.bz2"])
def test_a_watched_read_gives_the_same_fit(suffix, tmp_path):
    frame = fit_frame(5000, 3)
    plain = tmp_path / "d.csv"
    frame.to_csv(plain, index=False)
    path = tmp_path / f"w{suffix}"
    opener = {".csv": open, ".csv.gz": gzip.open, ".csv.bz2": bz2.open}[suffix]
    with opener(path, "wb") as handle:
        handle.write(plain.read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = statreport.fit("y ~ x0 + x1 + x2", plain)  # 300 kB: read as it is
        watched = statreport.fit("y ~ x0 + x1 + x2", path, max_memory="4MB")  # 8 x 300 kB > 2 MB
    assert watched.coefficients.equals(expected.coefficients)


def test_reading_a_bomb_stops_as_soon_as_the_data_pass_the_budget(tmp_path):
    bomb = gzip_bomb(tmp_path / "bomb.csv.gz", 1000 * MB)  # 1 GB of rows in 50 kB
    code, err, peak = measured_cli("fit", "y ~ x + z", str(bomb), "-o", str(tmp_path / "r.json"),
                                   "--max-memory", "64MB")
    assert_one_clean_line(code, err, 3)
    assert "reading 'bomb.csv.gz' stopped at" in err, err
    assert "the data may take 32 MB, 50% of the memory budget of 64 MB (--max-memory 64MB); use a " \
        "sample of the rows or only the model's columns" in err, err
    assert peak < 64 * MB + MARGIN, format_size(peak)


def test_a_parquet_file_is_refused_from_its_metadata_before_it_is_read(tmp_path):
    pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = pa.table({"x": np.zeros(10_000_000), "y": np.arange(10_000_000) % 2})  # constant: a few kB
    pq.write_table(rows, tmp_path / "rle.parquet", compression="zstd")
    cell = pa.table({"x": [1.0, 2.0, 3.0], "y": [0, 1, 0], "s": ["a" * 50_000_000, "b", "c"]})
    pq.write_table(cell, tmp_path / "cell.parquet", compression="zstd")
    del rows, cell
    for name, formula, words in (
            ("rle.parquet", "y ~ x", "would take about 162 MB once read (column 'x'"),
            ("cell.parquet", "y ~ x + s", "would take about 50 MB once read (column 's'")):
        assert (tmp_path / name).stat().st_size < 200_000
        code, err, peak = measured_cli("fit", formula, str(tmp_path / name), "-o", str(tmp_path / "r.json"),
                                       "--max-memory", "40MB")
        assert_one_clean_line(code, err, 3)
        assert words in err and "the data may take 20 MB" in err, err
        assert peak < 40 * MB + MARGIN, format_size(peak)


def test_parquet_text_is_read_as_a_dictionary_with_the_same_result(tmp_path):
    frame = pd.read_csv(EXAMPLES / "anes96.csv")
    frame.to_parquet(tmp_path / "a.parquet")
    formula = "vote ~ C(party, Treatment('independent')) + age + education + self_lr"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from_csv = statreport.fit(formula, EXAMPLES / "anes96.csv", positive="Dole")
        from_parquet = statreport.fit(formula, tmp_path / "a.parquet", positive="Dole", max_memory="50MB")
    assert np.allclose(from_csv.coefficients["estimate"], from_parquet.coefficients["estimate"], rtol=1e-12)
