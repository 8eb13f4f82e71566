"""Bad, hostile and hopeless input: documented exit code, one clear line, no file left behind."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES, statreport_warnings_only, warned_messages

from statreport.cli import main

TUTORIAL = "x,y\n0,0\n1,1\n2,0\n3,0\n4,1\n5,1\n6,1\n7,1\n8,1\n9,1\n"


def run(tmp_path: Path, capsys, formula: str, data: str | Path, *extra: str) -> tuple[int, str]:
    """Run the CLI; assert one line on stderr, no traceback and no output left behind."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    code = main(["fit", formula, str(data), "-o", str(out / "r.html"), "-o", str(out / "r.json"), *extra])
    err = capsys.readouterr().err
    if code != 0:
        assert err.count("\n") == 1, err
        assert "Traceback" not in err and err.startswith("statreport: error:")
        assert list(out.iterdir()) == [], "a failed run left a file behind"
    return code, err


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


# --- formulas are data, not code -------------------------------------------------------------

INJECTIONS = [
    "y ~ __import__('os').system('touch {sentinel}')",
    "y ~ x + I(__import__('os').system('touch {sentinel}'))",
    "y ~ {{__import__('os').system('touch {sentinel}')}}",
    "y ~ x + open('{sentinel}', 'w').close()",
    "y ~ x + C(x).__class__.__init__.__globals__",
    "y ~ x + eval(\"__import__('os').system('touch {sentinel}')\")",
    "y ~ x + [__import__('os').system('touch {sentinel}') for _ in x]",
    "y ~ x + (lambda: __import__('os').system('touch {sentinel}'))()",
    "I(__import__('os').system('touch {sentinel}')) ~ x",
    "y ~ `a\\`` + {{__import__('pathlib').Path('{sentinel}').touch()}} + `#\\``",
    "y ~ x + `a` # {{__import__('os').system('touch {sentinel}')}}",
]


@pytest.mark.parametrize("template", INJECTIONS)
def test_formula_injection_is_refused_and_nothing_runs(template, tmp_path, capsys):
    sentinel = tmp_path / "SENTINEL"
    data = write(tmp_path, "d.csv", TUTORIAL)
    code, err = run(tmp_path, capsys, template.format(sentinel=sentinel), data)
    assert code == 2
    assert "not allowed" in err or "not a valid formula" in err
    assert not sentinel.exists()


def test_injection_error_names_the_offending_piece(tmp_path, capsys):
    data = write(tmp_path, "d.csv", TUTORIAL)
    code, err = run(tmp_path, capsys, "y ~ x + mylib.transform(x)", data)
    assert code == 2
    assert "'mylib.transform(x)'" in err and "--allow-python-formula" in err


def test_allowed_transforms_still_work(tmp_path, capsys):
    frame = pd.read_csv(EXAMPLES / "anes96.csv")
    frame.to_csv(tmp_path / "a.csv", index=False)
    formula = ("vote ~ C(party, Treatment('independent')) + log(age) + I(age ** 2) "
               "+ center(self_lr) + sqrt(income)")
    code, err = run(tmp_path, capsys, formula, tmp_path / "a.csv", "--positive", "Dole")
    assert code == 0, err


def test_a_text_outcome_can_be_compared_with_one_of_its_levels():
    import statreport

    frame = pd.read_csv(EXAMPLES / "anes96.csv")
    with statreport_warnings_only():
        result = statreport.fit("I(vote == 'Dole') ~ age + self_lr", frame)
        recoded = statreport.fit("vote ~ age + self_lr", frame, positive="Dole")
    assert result.fit.events == int((frame["vote"] == "Dole").sum())
    assert [r.estimate for r in result.coefficient_rows] == [r.estimate for r in recoded.coefficient_rows]


@pytest.mark.parametrize("formula", [
    "I(vote == 'Dole' * 3) ~ age",  # a string only as a level compared with
    "I(vote == 'Dole'.upper()) ~ age",
    "I(vote == ('Dole')[0]) ~ age",
])
def test_strings_in_comparisons_stay_plain_levels(formula, tmp_path, capsys):
    frame = pd.read_csv(EXAMPLES / "anes96.csv")
    frame.to_csv(tmp_path / "a.csv", index=False)
    code, err = run(tmp_path, capsys, formula, tmp_path / "a.csv")
    assert code == 2 and "not allowed" in err


def test_allow_python_formula_opts_out(tmp_path, capsys):
    data = write(tmp_path, "d.csv", TUTORIAL)
    code, _ = run(tmp_path, capsys, "y ~ np.log1p(x)", data, "--allow-python-formula")
    assert code == 0


def test_placeholder_names_are_just_columns(tmp_path, capsys):
    data = write(tmp_path, "d.csv", TUTORIAL.replace("x,y", "_bq0_,y"))
    code, err = run(tmp_path, capsys, "y ~ _bq0_", data)
    assert code == 0, err


@pytest.mark.parametrize("name", ["my col", "a.b", "class", "C", "np"])
def test_awkward_column_names_work_when_quoted(name, tmp_path, capsys):
    data = write(tmp_path, "d.csv", TUTORIAL.replace("x,y", f'"{name}",y'))
    for formula in (f"y ~ `{name}`", f"y ~ Q('{name}')"):
        code, err = run(tmp_path, capsys, formula, data)
        assert code == 0, (formula, err)


# --- files -----------------------------------------------------------------------------------

def test_empty_file(tmp_path, capsys):
    code, err = run(tmp_path, capsys, "y ~ x", write(tmp_path, "e.csv", ""))
    assert code == 3 and "empty" in err


def test_header_only_file(tmp_path, capsys):
    code, err = run(tmp_path, capsys, "y ~ x", write(tmp_path, "h.csv", "x,y\n"))
    assert code == 3 and "no data rows" in err


def test_utf8_bom_is_accepted(tmp_path, capsys):
    code, err = run(tmp_path, capsys, "y ~ x", write(tmp_path, "b.csv", b"\xef\xbb\xbf" + TUTORIAL.encode()))
    assert code == 0, err


def test_non_utf8_file_names_line_and_encoding_option(tmp_path, capsys):
    content = TUTORIAL.replace("x,y", "x,y,name") .replace("\n0,0\n", "\n0,0,caf\xe9\n")
    lines = [line + ("" if "caf" in line or line == "x,y,name" else ",a") for line in content.splitlines()]
    data = write(tmp_path, "l.csv", ("\n".join(lines) + "\n").encode("latin-1"))
    code, err = run(tmp_path, capsys, "y ~ x + name", data)
    assert code == 3 and "--encoding" in err and "line 2" in err and "0xe9" in err
    code, err = run(tmp_path, capsys, "y ~ x", data, "--encoding", "latin-1")
    assert code == 0, err


def test_semicolon_file_is_detected(tmp_path, capsys):
    code, err = run(tmp_path, capsys, "y ~ x", write(tmp_path, "s.csv", TUTORIAL.replace(",", ";")))
    assert code == 0, err


@pytest.mark.parametrize("suffix", [".csv.gz", ".csv.bz2", ".tsv.gz"])
def test_compressed_text_is_read_like_the_plain_file(suffix, tmp_path, capsys):
    import bz2
    import gzip

    import statreport

    text = TUTORIAL.replace(",", "\t" if ".tsv" in suffix else ";")  # the delimiter is sniffed
    compress = gzip.compress if suffix.endswith(".gz") else bz2.compress
    data = write(tmp_path, "t" + suffix, compress(text.encode()))
    code, err = run(tmp_path, capsys, "y ~ x", data)
    assert code == 0, err
    plain = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")
    compressed = statreport.fit("y ~ x", data)
    assert compressed.coefficient_rows == plain.coefficient_rows
    assert compressed.data.source == "t" + suffix and compressed.data.delimiter != ","


def test_compressed_file_problems_are_named_as_in_the_plain_file(tmp_path, capsys):
    import gzip

    ragged = write(tmp_path, "r.csv.gz", gzip.compress(TUTORIAL.replace("\n5,1\n", "\n5,1,7\n").encode()))
    code, err = run(tmp_path, capsys, "y ~ x", ragged)
    assert code == 3 and "line 7" in err and "3 fields" in err
    latin = write(tmp_path, "l.csv.gz", gzip.compress(TUTORIAL.replace("x,y", "x,y\xe9").encode("latin-1")))
    code, err = run(tmp_path, capsys, "y ~ x", latin)
    assert code == 3 and "--encoding" in err and "line 1" in err and "0xe9" in err
    fake = write(tmp_path, "f.csv.gz", TUTORIAL)
    code, err = run(tmp_path, capsys, "y ~ x", fake)
    assert code == 3 and "cannot decompress 'f.csv.gz'" in err
    # cut short past the lines sampled for the delimiter: pyarrow finds it while parsing
    rows = np.random.default_rng(1).random((20_000, 2)).round(6)
    rows[:, 1] = rows[:, 1] > 0.5
    whole = gzip.compress(("x,y\n" + "\n".join(f"{a},{b:.0f}" for a, b in rows) + "\n").encode())
    cut = write(tmp_path, "c.csv.gz", whole[: len(whole) // 2])
    code, err = run(tmp_path, capsys, "y ~ x", cut)
    assert code == 3 and "cannot decompress 'c.csv.gz'" in err and "cut short" in err


@pytest.mark.parametrize(("name", "content", "words"), [
    ("d.xlsx", b"PK\x03\x04rest of a zip", "is a spreadsheet; save the sheet as CSV"),
    ("d.csv", b"PK\x03\x04rest of a zip", "is a spreadsheet (or another binary file), not delimited text"),
    ("d.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "not delimited text"),
])
def test_a_spreadsheet_is_named_as_one(name, content, words, tmp_path, capsys):
    code, err = run(tmp_path, capsys, "y ~ x", write(tmp_path, name, content))
    assert code == 3 and words in err, err


def test_a_folder_given_as_data_is_named_as_one(tmp_path, capsys):
    (tmp_path / "data").mkdir()
    code, err = run(tmp_path, capsys, "y ~ x", tmp_path / "data")
    assert code == 3 and "is a folder" in err


def test_ambiguous_delimiter_fails_loudly(tmp_path, capsys):
    data = write(tmp_path, "a.csv", "x;y,z\n1;2,3\n4;5,6\n")
    code, err = run(tmp_path, capsys, "y ~ x", data)
    assert code == 3 and "--sep" in err


def test_ragged_row_names_its_line(tmp_path, capsys):
    data = write(tmp_path, "r.csv", TUTORIAL.replace("\n5,1\n", "\n5,1,7\n"))
    code, err = run(tmp_path, capsys, "y ~ x", data)
    assert code == 3 and "line 7" in err and "3 fields" in err


def test_ragged_row_in_a_short_file_names_its_line_not_the_delimiter(tmp_path, capsys):
    data = write(tmp_path, "s.csv", "admit,gre,gpa\n1,380,3.61\n0,660,3.67,9\n1,800,4.0\n")
    code, err = run(tmp_path, capsys, "admit ~ gre + gpa", data)
    assert code == 3 and "line 3" in err and "4 fields" in err and "--sep" not in err


def test_duplicate_column_name(tmp_path, capsys):
    data = write(tmp_path, "d.csv", "x,y,x\n" + "".join(f"{i},{i % 2},{i}\n" for i in range(10)))
    code, err = run(tmp_path, capsys, "y ~ x", data)
    assert code == 3 and "'x' appears 2 times" in err


def test_missing_column_suggests_nearest(tmp_path, capsys):
    code, err = run(tmp_path, capsys, "y ~ X1", write(tmp_path, "d.csv", TUTORIAL.replace("x,y", "x1,y")))
    assert code == 2 and "did you mean 'x1'" in err


@pytest.mark.parametrize(("formula", "words"), [
    ("y ~ age years", "in backticks, `age years`"),
    ("y ~ x + class", "'class' is a reserved word: write a column of that name in backticks, `class`"),
    ("y ~ C(g", "does not parse: a '(' is not closed"),
    ("y ~ C(g))", "does not parse: it has a ')' without its '('"),
    ("y ~ g +", "a term is missing after the last '+'"),
    ("y ~ `age years` + class", "near 'years` + class'"),  # a quoted name shown as typed
])
def test_a_formula_that_does_not_parse_says_the_likely_cause(formula, words, tmp_path, capsys):
    data = write(tmp_path, "d.csv", "y,age years,class,g\n" + "0,1,a,u\n1,2,b,v\n" * 5)
    code, err = run(tmp_path, capsys, formula, data)
    assert code == 2 and words in err, err


@pytest.mark.parametrize(("formula", "words"), [
    ("y ~ np.log(x + 1)", "the call 'np.log(...)' in 'np.log(x + 1)'. Write 'log(x + 1)' instead."),
    ("y ~ numpy.sqrt(x)", "Write 'sqrt(x)' instead."),
    ("y ~ C(g, Treatment(reference='b'))", "Write Treatment('b') or Treatment(base='b')."),
    ("y ~ x + offset(x)", "statreport fits no offsets"),
    ("y ~ foo(x)", "transforms C, Treatment, Sum, Helmert, Diff, Poly, I, Q, log, log2, log10, log1p, "
                   "exp, sqrt, abs, center, scale, standardize, bs, cr, cs, cc, poly (--allow-python"),
])
def test_a_refused_formula_names_the_allowed_spelling(formula, words, tmp_path, capsys):
    import statreport

    data = write(tmp_path, "d.csv", TUTORIAL.replace("x,y\n", "x,y,g\n").replace("\n", ",a\n")
                 .replace("x,y,g,a", "x,y,g").replace("\n3,0,a\n", "\n3,0,b\n"))
    code, err = run(tmp_path, capsys, formula, data)
    assert code == 2 and words in err, err
    with pytest.raises(statreport.FormulaError) as info:  # the library: the keyword, not the option
        statreport.fit(formula, data)
    assert words.replace("--allow-python", "allow_python_formula=True") in str(info.value)


def test_output_equal_to_input_or_in_missing_folder(tmp_path, capsys):
    data = write(tmp_path, "d.json", "{}")
    assert main(["fit", "y ~ x", str(data), "-o", str(data)]) == 2
    assert data.read_text() == "{}"
    capsys.readouterr()


def test_a_folder_that_refuses_new_files_is_an_output_error(tmp_path, capsys, monkeypatch):
    """os.access can say a folder is writable where creating a file fails (root on /sys,
    a read-only mount): still exit 5 and one line, not an internal error."""
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    data = write(tmp_path, "t.csv", TUTORIAL)
    code = main(["fit", "y ~ x", str(data), "-o", str(tmp_path / "r.json")])
    err = capsys.readouterr().err
    target = tmp_path / "r.json"
    assert code == 5 and err == f"statreport: error: cannot write '{target}': Permission denied\n"
    assert not (tmp_path / "r.json").exists()


# --- outcomes --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("y", "extra", "words"),
    [
        ([1] * 10, (), "constant"),
        ([0, 1, 2] * 3 + [0], (), "3 distinct values"),
        ([1, 2] * 5, (), "--positive"),
        ([0.5, 0.25] * 5, (), "fractional"),
        (["yes", "no"] * 5, (), "--positive"),
        (["yes", "no"] * 5, ("--positive", "maybe"), "not a value"),
        (["Yes", "yes ", "NO", "no", "no"] * 2, ("--positive", "Yes"), "differ only in capitals or spaces"),
        (["north", "south", "east"] * 3 + ["west"], (), "I(y == \"...\")"),
        ([0, 1, 2] * 3 + [0], (), "I(y > 0)"),
    ],
)
def test_outcome_problems(y, extra, words, tmp_path, capsys):
    frame = pd.DataFrame({"x": range(10), "y": y})
    frame.to_csv(tmp_path / "o.csv", index=False)
    code, err = run(tmp_path, capsys, "y ~ x", tmp_path / "o.csv", *extra)
    assert code == 3
    assert words in err and ("'y'" in err or "--positive 'maybe'" in err)


# --- values ----------------------------------------------------------------------------------

def test_numbers_stored_as_text(tmp_path, capsys):
    data = tmp_path / "n.csv"
    frame = pd.DataFrame({"y": [i % 2 for i in range(10)], "x": [f"{i},5" for i in range(10)]})
    frame.to_csv(data, index=False)
    code, err = run(tmp_path, capsys, "y ~ x", data)
    assert code == 3 and "numbers written as text" in err and "--decimal" in err


@pytest.mark.parametrize(("cells", "extra", "advice"), [
    (["{i},5"], (), "for a decimal comma pass --decimal ','"),
    (["{i}.5"], ("--decimal", ","), "use '.' as the decimal mark, so leave out --decimal ','"),
    (["{i},234.5"], (), "remove the thousands separators"),
    (["{i} 234"], (), "remove the thousands separators"),
    (["{i},234"], (), "pass --decimal ','; if ',' separates thousands, remove it"),
])
def test_numbers_as_text_get_advice_that_fits_them(cells, extra, advice, tmp_path, capsys):
    data = tmp_path / "n.csv"
    frame = pd.DataFrame({"y": [i % 2 for i in range(10)],
                          "x": [cells[0].format(i=i + 1) for i in range(10)]})
    frame.to_csv(data, index=False, sep=";")
    code, err = run(tmp_path, capsys, "y ~ x", data, *extra)
    assert code == 3 and "numbers written as text" in err and advice in err, err


def test_a_stray_word_in_a_number_column_is_named_with_its_line(tmp_path, capsys):
    data = tmp_path / "stray.csv"
    rows = ["y,x"] + [f"{i % 2},{i * 0.37 - 5:.3f}" for i in range(40)]
    rows[8] = "0,abc"  # line 9 of the file
    data.write_text("\n".join(rows) + "\n")
    code, err = run(tmp_path, capsys, "y ~ x", data)
    assert code == 3
    assert "'abc' on data row 8 (line 9 of the file) is not a number" in err
    assert "C(x)" in err


@pytest.mark.parametrize("rows", [3, 5])
def test_a_stray_word_in_a_short_number_column_is_named_too(tmp_path, capsys, rows):
    # too few rows for "over 90% numbers", but numbers and one word are a number column
    data = tmp_path / "short.csv"
    lines = ["y,x"] + [f"{i % 2},{i * 0.37 + 1:.2f}" for i in range(rows)]
    lines[2] = "1,abc"
    data.write_text("\n".join(lines) + "\n")
    code, err = run(tmp_path, capsys, "y ~ x", data)
    assert code == 3
    assert "'abc' on data row 2 (line 3 of the file) is not a number" in err


def test_a_text_column_of_words_is_still_a_categorical(tmp_path, capsys):
    data = tmp_path / "words.csv"
    levels = ["low", "low", "high", "1", "high", "low", "high", "mid", "low", "high", "mid", "high"]
    lines = ["y,g"] + [f"{i % 2},{level}" for i, level in enumerate(levels)]
    data.write_text("\n".join(lines) + "\n")
    code, err = run(tmp_path, capsys, "y ~ g", data)
    assert code == 0, err  # fitted with g's levels (and its warnings)
    assert "is not a number" not in err and "written as text" not in err


def test_decimal_comma_option_reads_them(tmp_path, capsys):
    frame = pd.DataFrame({"y": [0, 1, 0, 0, 1, 1, 1, 0, 1, 1], "x": [f"{i},5" for i in range(10)]})
    frame.to_csv(tmp_path / "n.csv", index=False, sep=";")
    code, err = run(tmp_path, capsys, "y ~ x", tmp_path / "n.csv", "--decimal", ",")
    assert code == 0, err


def test_infinite_value_names_column_and_row(tmp_path, capsys):
    data = write(tmp_path, "i.csv", TUTORIAL.replace("\n3,0\n", "\ninf,0\n"))
    code, err = run(tmp_path, capsys, "y ~ x", data)
    assert code == 3 and "'x'" in err and "infinite" in err and "data row 4" in err


def test_every_row_missing(tmp_path, capsys):
    data = write(tmp_path, "m.csv", "x,y\n" + "".join(f",{i % 2}\n" for i in range(10)))
    code, err = run(tmp_path, capsys, "y ~ x", data)
    assert code == 3 and "no complete rows" in err


def test_missing_raise(tmp_path, capsys):
    data = write(tmp_path, "m.csv", TUTORIAL.replace("\n4,1\n", "\n,1\n"))
    code, err = run(tmp_path, capsys, "y ~ x", data, "--missing", "raise")
    assert code == 3 and "'x'" in err and "data row 5" in err


def test_fewer_rows_than_parameters(tmp_path, capsys):
    data = write(tmp_path, "f.csv", "x,z,w,y\n1,2,3,0\n2,1,1,1\n3,3,2,0\n")
    code, err = run(tmp_path, capsys, "y ~ x + z + w", data)
    assert code == 3 and "parameters" in err


def test_huge_categorical_is_refused_before_allocating(tmp_path, capsys, monkeypatch):
    import statreport.checks as checks

    monkeypatch.setattr(checks, "MAX_DESIGN_BYTES", 10_000)
    frame = pd.DataFrame({"y": np.arange(400) % 2, "id": [f"id{i}" for i in range(400)]})
    frame.to_csv(tmp_path / "c.csv", index=False)
    code, err = run(tmp_path, capsys, "y ~ id", tmp_path / "c.csv")
    assert code == 3 and "'id'" in err and "400 columns" in err


def test_interaction_of_large_categoricals_is_refused(monkeypatch):
    import statreport
    import statreport.checks as checks

    monkeypatch.setattr(checks, "MAX_DESIGN_BYTES", 200_000)
    rng = np.random.default_rng(5)
    n = 300
    frame = pd.DataFrame({"y": rng.integers(0, 2, n), "a": rng.choice([f"a{i}" for i in range(30)], n),
                          "b": rng.choice([f"b{i}" for i in range(30)], n)})
    with pytest.raises(statreport.DataError, match="C\\(a\\):C\\(b\\)"):
        statreport.fit("y ~ C(a):C(b)", frame)


def test_sparse_levels_are_warned_about():
    import statreport

    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"y": rng.integers(0, 2, 100), "g": ["a"] * 50 + ["b"] * 47 + ["c"] * 3})
    with pytest.warns(statreport.StatReportWarning, match=r"'c' \(3\).*\[sparse_levels\]"):
        result = statreport.fit("y ~ g", frame)
    assert any(w.code == "sparse_levels" and "'c' (3)" in w.message for w in result.warnings)


# --- estimation --------------------------------------------------------------------------------

def test_collinear_columns_are_named_exit_4(tmp_path, capsys):
    frame = pd.DataFrame({"y": [0, 1, 0, 0, 1, 1, 0, 1, 1, 0], "a": range(10)})
    frame["b"] = frame["a"] * 2 + 1
    frame.to_csv(tmp_path / "c.csv", index=False)
    code, err = run(tmp_path, capsys, "y ~ a + b", tmp_path / "c.csv")
    assert code == 4 and "'b'" in err and "linear combination" in err


def test_dummy_trap_names_the_redundant_level(tmp_path, capsys):
    frame = pd.DataFrame({"y": [0, 1, 0, 0, 1, 1, 0, 1, 1, 0] * 2,
                          "g": ["a", "b"] * 10})
    frame["ga"] = (frame["g"] == "a").astype(int)
    frame.to_csv(tmp_path / "d.csv", index=False)
    code, err = run(tmp_path, capsys, "y ~ g + ga", tmp_path / "d.csv")
    assert code == 4 and "'ga'" in err


def test_complete_separation_exit_4_names_variable(tmp_path, capsys):
    data = write(tmp_path, "s.csv", "x,y\n" + "".join(f"{i},{int(i > 4)}\n" for i in range(10)))
    code, err = run(tmp_path, capsys, "y ~ x", data)
    assert code == 4 and "complete separation" in err and "'x'" in err and "--penalty l2" in err


def quasi_separated(tmp_path) -> Path:
    rng = np.random.default_rng(0)
    n = 200
    frame = pd.DataFrame({"x": rng.normal(size=n), "g": rng.choice(["a", "b", "c"], n)})
    frame["y"] = (rng.random(n) < 0.4).astype(int)
    frame.loc[frame["g"] == "c", "y"] = 1
    path = tmp_path / "q.csv"
    frame.to_csv(path, index=False)
    return path


def test_quasi_separation_is_shown_prominently(tmp_path, capsys):
    code, _ = run(tmp_path, capsys, "y ~ x + g", quasi_separated(tmp_path))
    assert code == 0
    html = (tmp_path / "out" / "r.html").read_text()
    alert = html[html.index('role="alert"'): html.index("</section>")]
    assert "quasi-complete separation" in alert and "along &#39;g: c&#39;" in alert  # level c of g
    import json

    document = json.loads((tmp_path / "out" / "r.json").read_text())
    row = next(c for c in document["coefficients"] if c["term"] == "g[T.c]")
    assert row["p_value"] is None and row["std_error"] is None and row["separated"] is True


def test_strict_turns_warnings_into_exit_4(tmp_path, capsys):
    code, err = run(tmp_path, capsys, "y ~ x + g", quasi_separated(tmp_path), "--strict")
    assert code == 4 and "--strict" in err and "separation" in err


def test_non_convergence_is_a_top_warning(monkeypatch):
    import statreport
    import statreport.estimators.mle as estimate

    monkeypatch.setattr(estimate, "MAX_NEWTON_ITERATIONS", 1)
    with statreport_warnings_only() as caught:
        result = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")
    assert result.warnings[0].code == "not_converged"
    assert warned_messages(caught)[0].startswith("the fit did not converge")
    assert "1 of 1 iterations" in result.warnings[0].message


def test_sentinel_dir_is_clean():
    assert not any(p.name == "SENTINEL" for p in Path(os.getcwd()).iterdir())


def test_bom_only_file_is_empty(tmp_path, capsys):
    code, err = run(tmp_path, capsys, "y ~ x", write(tmp_path, "b.csv", b"\xef\xbb\xbf\r\n\r\n"))
    assert code == 3 and "empty" in err


@pytest.mark.parametrize("sep", ["ab", "", '"'])
def test_bad_sep_is_a_usage_error(sep, tmp_path, capsys):
    code, err = run(tmp_path, capsys, "y ~ x", write(tmp_path, "d.csv", TUTORIAL), "--sep", sep)
    assert code == 2 and "--sep" in err


@pytest.mark.parametrize("sep", ["tab", "TAB", "\\t", "\t"])
def test_tab_can_be_named(sep, tmp_path, capsys):
    code, err = run(tmp_path, capsys, "y ~ x", write(tmp_path, "d.dat", TUTORIAL.replace(",", "\t")),
                    "--sep", sep)
    assert code == 0, err


def test_the_same_output_named_twice_is_written_once(tmp_path, capsys):
    data = write(tmp_path, "t.csv", TUTORIAL)
    out = tmp_path / "r.json"
    assert main(["fit", "y ~ x", str(data), "-o", str(out), "-o", str(tmp_path / "." / "r.json")]) == 0
    assert f"wrote {out} (" in capsys.readouterr().err and out.exists()


def test_a_sparse_reference_level_is_named_with_a_better_one():
    import statreport

    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"y": rng.integers(0, 2, 100),
                          "g": ["Atlantis"] * 3 + ["north"] * 40 + ["south"] * 57})
    with statreport_warnings_only() as caught:
        result = statreport.fit("y ~ g", frame)
    assert [w.code for w in result.warnings] == ["sparse_levels", "sparse_reference"]
    assert "C(g, Treatment('south')) (57 rows)" in warned_messages(caught)[1]
    with statreport_warnings_only() as caught:  # the advice taken: no warning about the reference
        result = statreport.fit("y ~ C(g, Treatment('south'))", frame)
    assert [w.code for w in result.warnings] == ["sparse_levels"]


def test_a_stata_missing_code_is_named_and_can_be_declared(tmp_path, capsys):
    import statreport

    text = TUTORIAL.replace("x,y\n", "x,y,g\n").replace("\n", ",a\n").replace("x,y,g,a", "x,y,g")
    text = text.replace("\n3,0,a\n", "\n3,0,.\n").replace("\n5,1,a\n", "\n.,1,b\n")
    data = write(tmp_path, "s.csv", text)
    code, err = run(tmp_path, capsys, "y ~ x", data)
    assert code == 3 and "'.' on data row 6 (line 7 of the file)" in err and "--na-value '.'" in err
    with statreport_warnings_only() as caught:
        result = statreport.fit("y ~ g", data)
    named = [m for m in warned_messages(caught) if m.endswith("[missing_code_as_level]")]
    assert len(named) == 1 and "'g' has the level '.' (1 row), kept as a category" in named[0]
    assert "na_values=['.']" in named[0]  # the library's reader is told the keyword
    code, err = run(tmp_path, capsys, "y ~ x + g", data, "--na-value", ".")
    assert code == 0 and "2 of 10 rows" in err, err
    with statreport_warnings_only():
        result = statreport.fit("y ~ x", data, na_values=["."])
    assert result.data.n_obs == 9 and dict(result.data.dropped_by_column)["x"] == 1


def test_na_values_are_for_text_files_only():
    import statreport

    with pytest.raises(statreport.UsageError, match="delimited text"):
        statreport.fit("y ~ x", pd.read_csv(EXAMPLES / "tutorial.csv"), na_values=["."])


def test_badly_scaled_but_full_rank_design_is_not_refused():
    import statreport

    rng = np.random.default_rng(0)
    year = rng.integers(2000, 2011, 300).astype(float)
    frame = pd.DataFrame({"y": (rng.random(300) < 0.5).astype(int), "year": year})
    result = statreport.fit("y ~ year + I(year**2)", frame)  # R's glm fits this too
    assert len(result.coefficient_rows) == 3


def test_non_converged_fit_shows_no_p_values(monkeypatch):
    import statreport
    import statreport.estimators.mle as estimate

    monkeypatch.setattr(estimate, "MAX_NEWTON_ITERATIONS", 1)
    with statreport_warnings_only():
        result = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")
    assert all(np.isnan(row.p_value) and np.isnan(row.ci_low) for row in result.coefficient_rows)
    assert np.isnan(result.fit.llr_p_value)
    from statreport.report.html import render_html

    html = render_html(result, with_figures=False)
    assert "are at the point where the optimizer stopped, not at a maximum" in html


def test_refit_with_ridge_is_refused():
    import statreport

    with pytest.raises(statreport.UsageError, match="l1 or elasticnet"):
        statreport.fit("y ~ x", EXAMPLES / "tutorial.csv", penalty="l2", alpha=0.1, refit=True)


def test_penalty_with_only_an_intercept_is_refused():
    import statreport

    with pytest.raises(statreport.UsageError, match="at least one predictor"):
        statreport.fit("y ~ 1", EXAMPLES / "tutorial.csv", penalty="l1", alpha="cv")


def test_advice_names_the_option_on_the_command_line_and_the_keyword_in_python(tmp_path, capsys):
    import statreport

    data = write(tmp_path, "d.csv", "x;y\n1,5;0\n2,5;1\n3,5;0\n4,5;1\n")
    code, err = run(tmp_path, capsys, "y ~ x", data)
    assert code == 3 and "pass --decimal ','" in err and "decimal=" not in err
    with pytest.raises(statreport.DataError) as info:
        statreport.fit("y ~ x", data)
    assert "pass decimal=','" in str(info.value) and "--" not in str(info.value)

    outcome = write(tmp_path, "o.csv", "x,y\n1,no\n2,yes\n3,no\n4,yes\n")
    code, err = run(tmp_path, capsys, "y ~ x", outcome)
    assert code == 3 and "--positive 'yes'" in err
    with pytest.raises(statreport.DataError, match=r"for example positive='yes'\)"):
        statreport.fit("y ~ x", outcome)
    with pytest.raises(statreport.UsageError, match=r"^refit=True needs a penalty"):
        statreport.fit("y ~ x", outcome, positive="yes", penalty="l2", alpha=0.1, refit=True)


def test_a_constant_column_and_empty_data_are_named_as_such(tmp_path, capsys):
    import statreport

    data = write(tmp_path, "k.csv", TUTORIAL.replace("x,y\n", "x,y,k\n").replace("\n", ",3\n")
                 .replace("x,y,k,3", "x,y,k"))
    code, err = run(tmp_path, capsys, "y ~ x + k", data)
    assert code == 4 and "'k' has the same value (3) in every row used" in err and "remove it" in err
    with pytest.raises(statreport.DataError, match="^the data have no rows$"):
        statreport.fit("y ~ x", pd.DataFrame({"x": [], "y": []}))


def test_a_dataframes_rows_are_named_by_index_label_and_advice_is_pandas():
    import statreport

    frame = pd.read_csv(EXAMPLES / "tutorial.csv")
    frame.index = [f"pt{1000 + i}" for i in range(len(frame))]
    frame.loc["pt1004", "x"] = np.nan
    with pytest.raises(statreport.DataError, match=r"the first on the row with index 'pt1004'; fill"):
        statreport.fit("y ~ x", frame, missing="raise")
    frame = pd.read_csv(EXAMPLES / "tutorial.csv").astype({"x": str})
    frame.loc[6, "x"] = "abc"
    with pytest.raises(statreport.DataError) as info:
        statreport.fit("y ~ x", frame)
    message = str(info.value)
    assert "'abc' on the row with index 6 is not a number" in message and "line" not in message
    assert "replace it with frame.replace({'abc': None}) if it marks a missing value" in message
    assert "na_value" not in message  # an option for files only


@pytest.mark.parametrize(("formula", "words"), [
    ("y ~ log(x)", "design column 'log(x)' has infinite values: a log of a value of 0 or below"),
    ("y ~ log(x - 3)", "'log(x - 3)' is undefined for some rows: a log of a value of 0 or below"),
    ("y ~ sqrt(x - 3)", "'sqrt(x - 3)' is undefined for some rows"),
])
def test_a_transform_undefined_on_some_rows_says_why_without_numpy_warnings(formula, words, tmp_path, capsys):
    import warnings

    data = write(tmp_path, "d.csv", TUTORIAL)  # x runs from 0 to 9
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, err = run(tmp_path, capsys, formula, data)
    assert code == 3 and words in err and "log(x + 1)" in err, err
    assert err.count("\n") == 1 and not [w for w in caught if issubclass(w.category, RuntimeWarning)]


def test_a_natural_spline_that_spans_the_intercept_says_to_centre_it(tmp_path, capsys):
    import statreport

    rows = "".join(f"{int(i * 7 % 5 < 2)},{i}\n" for i in range(60))
    data = write(tmp_path, "s.csv", "y,age\n" + rows)
    code, err = run(tmp_path, capsys, "y ~ cr(age, df=4)", data)
    assert code == 4 and "write cr(age, df=4, constraints='center') to centre it" in err, err
    with statreport_warnings_only():
        result = statreport.fit("y ~ cr(age, df=4, constraints='center')", data)
    assert len(result.coefficient_rows) == 5


def test_parquet_rows_are_not_lines_and_text_options_are_not_advised(tmp_path, capsys):
    frame = pd.read_csv(EXAMPLES / "tutorial.csv").astype({"x": str})
    frame.loc[6, "x"] = "."
    data = tmp_path / "d.parquet"
    frame.to_parquet(data)
    code, err = run(tmp_path, capsys, "y ~ x", data)
    assert code == 3 and "'.' on the row with index 6 is not a number" in err, err
    assert "--na-value" not in err and "line" not in err
    from statreport.options import for_command_line, option

    assert for_command_line(option("--positive", "O'Brien")) == "--positive 'O'\"'\"'Brien'"  # pasteable


# --- hostile input: a documented exit, one line, and memory bounded before it is spent ------------
# (issue 24). Each case runs `python -m statreport` in a process of its own and measures its peak
# resident memory: a budget given with --max-memory, plus the program's own (budget.MARGIN).


def _hostile_files(tmp_path: Path) -> dict[str, Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from test_budget import gzip_bomb

    rng = np.random.default_rng(24)
    n = 60
    x, y = rng.normal(size=n).round(3), (np.arange(n) * 7 % 3 == 0).astype(int)
    lines = [f"{a},{b}" for a, b in zip(x, y, strict=True)]
    files = {
        "cr.csv": write(tmp_path, "cr.csv", "x,y\r" + "\r".join(lines) + "\r"),
        "lf.csv": write(tmp_path, "lf.csv", "x,y\n" + "\n".join(lines) + "\n"),
        "nul.csv": write(tmp_path, "nul.csv", ("x,y\n" + "\n".join(lines) + "\n").replace("\n", "\x00\n", 3)
                         .replace("x,y\x00", "x,y")),
        "nulhead.csv": write(tmp_path, "nulhead.csv", "x\x00,\x00y\n" + "\n".join(lines) + "\n"),
        "bomb.csv.gz": gzip_bomb(tmp_path / "bomb.csv.gz", 400 * 10**6),
        "row.csv": write(tmp_path, "row.csv", "x,y\n" + "\n".join(lines) + "\n1," + "1" * 20_000_000 + "\n"),
    }
    pq.write_table(pa.table({"x": x, "y": y, "l": pa.array([[1, 2]] * n), "s": pa.array([{"a": 1}] * n),
                             "m": pa.array([[("k", 1)]] * n, type=pa.map_(pa.string(), pa.int64()))}),
                   tmp_path / "nested.parquet")
    files["nested.parquet"] = tmp_path / "nested.parquet"
    big = 50_000  # 25,000 levels, each on two rows
    pd.DataFrame({"y": np.arange(big) % 2, "x": rng.normal(size=big).round(3),
                  "id": [f"id{i % 25_000}" for i in range(big)]}).to_csv(tmp_path / "ids.csv", index=False)
    files["ids.csv"] = tmp_path / "ids.csv"
    pd.DataFrame({"y": np.arange(30_000) % 2, "x": rng.normal(size=30_000).round(3)}).to_csv(
        tmp_path / "x.csv", index=False)
    files["x.csv"] = tmp_path / "x.csv"
    return files


HOSTILE = [  # name, formula, file, extra arguments, exit code, words in the message
    ("NUL bytes in a field", "y ~ x", "nul.csv", (), 3, "has a NUL byte (\\x00) on data row 1"),
    ("NUL bytes in the header (UTF-16?)", "y ~ x", "nulhead.csv", (), 3, "--encoding utf-16"),
    ("nested Parquet list in C()", "y ~ x + C(l)", "nested.parquet", (), 3, "column 'l' of 'nested.parquet' "
     "holds lists"),
    ("nested Parquet list as a number", "y ~ x + l", "nested.parquet", (), 3, "holds lists"),
    ("nested Parquet struct", "y ~ s", "nested.parquet", (), 3, "holds records"),
    ("nested Parquet map in C()", "y ~ C(m)", "nested.parquet", (), 3, "holds maps"),
    ("seed below 0", "y ~ x", "lf.csv", ("--penalty", "l1", "--alpha", "cv", "--seed=-1"), 2, "--seed"),
    ("seed above 2**32 - 1", "y ~ x", "lf.csv", ("--penalty", "l1", "--alpha", "cv", "--seed", str(2**32)), 2,
     "from 0 to 4294967295"),
    ("a chain of 5,000 terms", "y ~ " + " + ".join(["x"] * 5000), "lf.csv", (), 2, "nested too deeply"),
    ("5,000 nested signs", "y ~ " + "-" * 5000 + "x", "lf.csv", (), 2, "nested too deeply"),
    ("a tower of 3,000 powers", "y ~ x" + "**x" * 3000, "lf.csv", (), 2, "nested too deeply"),
    ("a product of 40 factors", "y ~ " + "*".join(f"x{i}" for i in range(40)), "lf.csv", (), 2,
     "expands to 1,099,511,627,775 terms"),
    ("a gzip bomb under a small budget", "y ~ x + z", "bomb.csv.gz", ("--max-memory", "64MB"), 3,
     "reading 'bomb.csv.gz' stopped at"),
    ("one enormous row", "y ~ x", "row.csv", ("--max-memory", "64MB"), 3, "has a line longer than 1 MiB"),
    ("25,000 levels in Q()", 'y ~ x + Q("id")', "ids.csv", ("--max-memory", "500MB"), 3,
     "the design matrix would need about 10 GB (50,000 rows x 25,002 columns; term 'Q('id')' alone makes "
     "25,000 columns)"),
    ("25,000 levels as a text column", "y ~ id", "ids.csv", ("--max-memory", "500MB"), 3, "term 'id' alone"),
    ("bs(x, df=2*100000)", "y ~ bs(x, df=2*100000)", "x.csv", ("--max-memory", "200MB"), 3,
     "30,000 complete row(s) for at least 200,001 parameters"),
    ("poly(x, degree=1+20000)", "y ~ poly(x, degree=1+20000)", "x.csv", ("--max-memory", "200MB"), 3,
     "the design matrix would need about 4.8 GB (30,000 rows x 20,002 columns"),
    ("a lone surrogate in the title", "y ~ x", "lf.csv", ("--title", b"a\xed\xb2\x80b"), 2,
     "--title must be text that can be written as UTF-8"),
]


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> dict[str, Path]:
    return _hostile_files(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize(("name", "formula", "data", "extra", "expected", "words"), HOSTILE,
                         ids=[case[0] for case in HOSTILE])
def test_hostile_input_ends_in_its_documented_exit_within_the_budget(
        name, formula, data, extra, expected, words, hostile_files, tmp_path):
    from test_budget import assert_one_clean_line, measured_cli

    from statreport.budget import MARGIN, format_size

    out = tmp_path / "r.json"
    code, err, peak = measured_cli("fit", formula, str(hostile_files[data]), "-o", str(out), *extra)
    assert_one_clean_line(code, err, expected)
    assert words in err, err
    assert not out.exists()
    given = extra[extra.index("--max-memory") + 1] if "--max-memory" in extra else "0MB"
    budget = int(str(given).removesuffix("MB")) * 10**6
    assert peak < budget + MARGIN, f"{name}: peak {format_size(peak)}"


def test_old_mac_line_endings_read_as_the_same_data(hostile_files):
    import statreport

    with statreport_warnings_only():
        cr = statreport.fit("y ~ x", hostile_files["cr.csv"])
        lf = statreport.fit("y ~ x", hostile_files["lf.csv"])
    assert cr.coefficients.equals(lf.coefficients) and cr.fit.n_obs == 60


def test_nested_dataframe_columns_are_data_errors():
    import pyarrow as pa

    import statreport

    n = 20
    frame = pd.DataFrame({"x": np.arange(n) / n, "y": np.arange(n) % 2})
    frame["l"], frame["d"], frame["a"] = [[1, 2]] * n, [{"a": 1}] * n, [np.ones(2)] * n
    frame["arrow"] = pd.Series([[1, 2]] * n, dtype=pd.ArrowDtype(pa.list_(pa.int64())))
    for formula, words in (("y ~ x + l", "(a value of type list: [1, 2])"),
                           ("y ~ C(d)", "(a value of type dict: {'a': 1})"),
                           ("y ~ a", "(a value of type ndarray: array([1., 1.]))"),
                           ("y ~ C(arrow)", "(Arrow type list<item: int64>)")):
        with pytest.raises(statreport.DataError, match="holds several values per row") as info:
            statreport.fit(formula, frame)
        assert words in str(info.value)


@pytest.mark.parametrize(("keyword", "value", "words"), [
    ("folds", "5", "folds must be an integer of at least 2; got '5' (a str)"),
    ("l1_ratio", "0.5", "l1_ratio must be a number strictly between 0 and 1; got '0.5' (a str)"),
    ("threshold", "0.5", "threshold must be a number strictly between 0 and 1; got '0.5' (a str)"),
    ("seed", 1.0, "seed must be an integer from 0 to 4294967295; got 1.0 (a float)"),
    ("max_memory", 1.5e9, "max_memory must be a size such as '4GB'"),
    ("title", b"report", "title must be text (a str); got b'report' (a bytes)"),
])
def test_library_keywords_of_the_wrong_type_are_option_type_errors_up_front(keyword, value, words, tmp_path):
    import statreport

    extra = {"penalty": "elasticnet", "alpha": 0.1} if keyword in ("folds", "l1_ratio", "seed") else {}
    with pytest.raises(TypeError) as info:  # before the (missing) data file is looked at
        statreport.fit("y ~ x", tmp_path / "missing.csv", **{keyword: value}, **extra)
    assert isinstance(info.value, statreport.errors.OptionTypeError) and words in str(info.value)


@pytest.mark.parametrize("seed", [-1, 2**32])
def test_a_seed_out_of_range_is_a_usage_error_up_front(seed, tmp_path):
    import statreport

    with pytest.raises(statreport.UsageError, match="seed must be an integer from 0 to 4294967295"):
        statreport.fit("y ~ x", tmp_path / "missing.csv", penalty="l1", alpha="cv", seed=seed)


def test_a_lone_surrogate_in_the_title_is_refused_before_the_fit(tmp_path):
    import statreport

    with pytest.raises(statreport.UsageError, match="title must be text that can be written as UTF-8"):
        statreport.fit("y ~ x", tmp_path / "missing.csv", title="Report \udc80")


def test_a_long_formula_of_real_columns_is_checked_without_recursion(tmp_path, capsys):
    names = [f"x{i}" for i in range(1500)]
    rows = "".join(",".join(["1"] * 1500 + [str(y)]) + "\n" for y in (0, 1))
    data = write(tmp_path, "w.csv", ",".join([*names, "y"]) + "\n" + rows)
    code, err = run(tmp_path, capsys, "y ~ " + " + ".join(names), data)
    assert code == 3 and "2 complete row(s) for at least 1,501 parameters" in err, err


def test_complex_numbers_are_refused_and_a_lone_na_value_is_one_text(tmp_path):
    import statreport

    frame = pd.DataFrame({"y": [0, 1, 0, 1, 1, 0], "z": np.array([1, 2, 3, 4, 5, 6]) * (1 + 1j)})
    with pytest.raises(statreport.DataError, match="column 'z' holds complex numbers"):
        statreport.fit("y ~ z", frame)
    path = tmp_path / "na.csv"
    path.write_text("y,x\n0,9\n1,-99\n0,3\n1,4\n0,5\n1,2\n0,7\n1,8\n")
    with statreport_warnings_only():
        result = statreport.fit("y ~ x", path, na_values="-99")
    assert result.data.n_obs == 7 and dict(result.data.dropped_by_column)["x"] == 1  # '9' stays a number


@pytest.mark.parametrize(("formula", "expected"), [
    ("y ~ x**100000000", "an interaction order"),
    ("y ~ (x + x2 + x3)**30", "at most the number of terms"),
    ("y ~ x**2", "a square is I(x**2)"),
    ("y ~ I(9**9**9**9)", "beyond 2**64"),
    ("y ~ I(x**(9**9**9))", "beyond 2**64"),
])
def test_formulas_that_would_stall_are_refused_before_evaluation(formula, expected):
    import statreport

    frame = pd.DataFrame({"y": [0, 1] * 10, "x": np.arange(20.0), "x2": np.arange(20.0) ** 0.5,
                          "x3": np.arange(20.0) % 7})
    with pytest.raises(statreport.FormulaError, match=re.escape(expected)):  # (before: minutes, or never)
        statreport.fit(formula, frame)


def test_control_characters_from_the_data_are_escaped_on_the_terminal(tmp_path, capsys):
    data = tmp_path / "esc.csv"
    data.write_text("y,g\n0,a\n1,b\x1b[2J\n0,a\n1,a\n0,b\x1b[2J\n1,a\n")
    main(["fit", "y ~ C(g) + nosuch\x1b[2J", str(data), "-o", str(tmp_path / "r.json")])
    main(["fit", "y ~ C(g)", str(data), "-o", str(tmp_path / "r.json")])
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[2J" in err
    assert all(line.startswith("statreport: ") for line in err.splitlines())
