"""The options table: one declaration for the parser, the up-front checks and the
wording of advice; errors that are also builtins; warnings a script can filter."""

from __future__ import annotations

import argparse
import ast
import inspect
import math
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES, REPO

import statreport
from statreport import errors
from statreport.cli import STRICT_WARNINGS, build_parser
from statreport.errors import (
    OptionTypeError,
    StatReportError,
    StatReportWarning,
    UsageError,
    warning_class,
)
from statreport.options import BY_KEYWORD, LIBRARY_OPTIONS, OPTIONS, for_command_line, option, validate

PACKAGE = Path(statreport.__file__).resolve().parent


def fit_parser() -> argparse.ArgumentParser:
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return commands.choices["fit"]


# --- the parser is the table -------------------------------------------------------------------


def test_the_fit_parser_declares_exactly_the_tables_options():
    parser = fit_parser()
    flags = {f for a in parser._actions for f in a.option_strings} - {"-h", "--help"}
    assert flags == {f for o in OPTIONS for f in o.flags}
    positionals = [a.dest for a in parser._actions if not a.option_strings]
    assert positionals == ["formula", "data"]
    by_dest = {a.dest: a for a in parser._actions if a.option_strings and a.dest != "help"}
    assert set(by_dest) == set(BY_KEYWORD)
    for o in OPTIONS:  # the defaults argparse fills in are the table's
        assert by_dest[o.keyword].default == (list(o.default) if isinstance(o.default, tuple) else o.default)
    top = {f for a in build_parser()._actions for f in a.option_strings}
    assert top == {"-h", "--help", "--version"}


def test_every_option_is_in_fit_help_with_its_group():
    text = fit_parser().format_help()
    for o in OPTIONS:
        for flag in o.flags:
            assert flag in text, flag
    assert "penalized fits:" in text and "--method {mle,firth}" in text


def test_the_library_options_are_fits_keywords_with_fits_defaults():
    # fails until api.fit takes `method` (the lead wires options.validate and method in)
    from statreport.api import fit

    parameters = {
        name: p.default for name, p in inspect.signature(fit).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and not name.startswith("on_")
    }
    assert {o.keyword: o.default for o in LIBRARY_OPTIONS} == parameters


def test_the_penalized_estimators_options_are_marked():
    penalized = {o.keyword for o in OPTIONS if o.estimator == "penalized"}
    assert penalized == {"penalty", "alpha", "l1_ratio", "folds", "seed", "cv_rule", "refit"}
    assert {o.keyword for o in OPTIONS if o.cli_only} == {
        "output", "page_size", "strict", "quiet", "verbose", "debug"}


def test_the_parser_checks_a_value_when_it_reads_it(capsys):
    parser = fit_parser()
    for flag, text, words in [
        ("--threshold", "2", "--threshold: must be a number strictly between 0 and 1; got '2'"),
        ("--folds", "1", "--folds: must be an integer of at least 2; got '1'"),
        ("--folds", "5.0", "--folds: must be an integer of at least 2; got '5.0'"),
        ("--alpha", "-1", "--alpha: must be a positive number or 'cv'; got '-1'"),
        ("--seed", "-1", "--seed: must be an integer from 0 to 4294967295; got '-1'"),
    ]:
        with pytest.raises(SystemExit) as info:
            parser.parse_args(["y ~ x", "d.csv", flag, text])
        err = capsys.readouterr().err
        assert info.value.code == 2 and words in err and err.count("\n") == 1, err
    args = parser.parse_args(["y ~ x", "d.csv", "--alpha", "CV", "--na-value", ".", "--na-value", "-99"])
    assert args.alpha == "cv" and args.na_values == [".", "-99"] and args.method is None


def test_options_and_cli_import_no_heavy_library():
    script = "import sys, statreport.options, statreport.cli; print('\\n'.join(sys.modules))"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO)
    loaded = {m.split(".")[0] for m in proc.stdout.split()}
    assert not loaded & {"numpy", "pandas", "statsmodels", "scipy", "sklearn"}


# --- validate ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("values", "words"), [
    ({"folds": "5"}, "folds must be an integer of at least 2; got '5' (a str)"),
    ({"folds": 5.0}, "folds must be an integer of at least 2; got 5.0 (a float)"),
    ({"penalty": "elasticnet", "alpha": 0.1, "l1_ratio": "0.5"},
     "l1_ratio must be a number strictly between 0 and 1; got '0.5' (a str)"),
    ({"threshold": True}, "threshold must be a number strictly between 0 and 1; got True (a bool)"),
    ({"ci_level": None}, "ci_level must be a number strictly between 0 and 1; got None (a NoneType)"),
    ({"seed": 1.5}, "seed must be an integer"),
    ({"refit": 1}, "refit must be True or False; got 1 (an int)"),
    ({"allow_python_formula": "yes"}, "allow_python_formula must be True or False; got 'yes' (a str)"),
    ({"na_values": b"."}, "na_values must be a list of cell texts, e.g. ['.']; got b'.' (a bytes)"),
    ({"na_values": [None]}, "na_values must be a list of cell texts"),
    ({"positive": ["Dole"]}, "positive must be an outcome value (a str or a number); got ['Dole'] (a list)"),
    ({"penalty": 1}, "penalty must be one of 'l1', 'l2', 'elasticnet'; got 1 (an int)"),
    ({"penalty": "l1", "alpha": "0.1"}, "alpha must be a positive number or 'cv'; got '0.1' (a str)"),
    ({"penalty": "l1", "alpha": [0.1]}, "alpha must be a positive number or 'cv'; got [0.1] (a list)"),
    ({"title": 3}, "title must be text (a str); got 3 (an int)"),
    ({"frobnicate": 1}, "fit() has no option 'frobnicate'"),
    ({"page_size": "a4"}, "fit() has no option 'page_size'"),  # a command-line option only
])
def test_a_wrong_type_is_an_option_type_error_that_is_a_type_error(values, words):
    with pytest.raises(OptionTypeError) as info:
        validate(values)
    assert words in str(info.value)
    assert isinstance(info.value, TypeError) and isinstance(info.value, UsageError)
    assert isinstance(info.value, ValueError) and info.value.exit_code == 2


@pytest.mark.parametrize(("values", "words"), [
    ({"threshold": 2}, "threshold must be a number strictly between 0 and 1; got 2"),
    ({"ci_level": 0}, "ci_level must be a number strictly between 0 and 1; got 0"),
    ({"threshold": math.nan}, "threshold must be a number strictly between 0 and 1; got nan"),
    ({"missing": "keep"}, "missing must be one of 'drop', 'raise'; got 'keep'"),
    ({"decimal": ";"}, "decimal must be one of '.', ','; got ';'"),
    ({"cv_rule": "2se"}, "cv_rule must be one of 'min', '1se'; got '2se'"),
    ({"method": "bayes"}, "method must be one of 'mle', 'firth'; got 'bayes'"),
    ({"folds": 1}, "folds must be an integer of at least 2; got 1"),
    ({"seed": -1}, "seed must be an integer from 0 to 4294967295; got -1"),
    ({"seed": 2**32}, "seed must be an integer from 0 to 4294967295; got 4294967296"),
    # what api.fit and PenaltySpec.create checked, in their words
    ({"penalty": "l3", "alpha": 0.1}, "penalty must be one of 'l1', 'l2', 'elasticnet'; got 'l3'"),
    ({"penalty": "l1"}, "needs alpha"),
    ({"penalty": "l1", "alpha": -1.0}, "alpha must be a positive number"),
    ({"penalty": "l1", "alpha": 0}, "alpha must be a positive number or 'cv'; got 0"),
    ({"penalty": "l1", "alpha": math.inf}, "alpha must be a finite positive number or 'cv'; got inf"),
    ({"penalty": "l1", "alpha": "cross"}, "alpha must be a positive number or 'cv'; got 'cross'"),
    ({"penalty": "elasticnet", "alpha": 0.1}, "penalty='elasticnet' needs l1_ratio, the share"),
    ({"penalty": "elasticnet", "alpha": 0.1, "l1_ratio": 1.0}, "l1_ratio must be strictly between"),
    ({"penalty": "elasticnet", "alpha": 0.1, "l1_ratio": 1.5}, "l1_ratio must be a number strictly"),
    ({"penalty": "l1", "alpha": 0.1, "l1_ratio": 0.5}, "use penalty='elasticnet'"),
    ({"penalty": "l2", "alpha": 0.1, "l1_ratio": 1}, "penalty='l2' means l1_ratio=0; got l1_ratio=1"),
    ({"alpha": 0.1}, "need a penalty"),
    ({"refit": True, "l1_ratio": 0.5}, "got l1_ratio=0.5 and refit=True without one"),
    ({"penalty": "l2", "alpha": 0.1, "refit": True}, "refit=True needs a penalty that selects terms"),
    ({"penalty": "l2", "alpha": 0.1, "method": "firth"}, "method='firth' and penalty='l2' do not go"),
    ({"penalty": "l1", "alpha": "cv", "method": "mle"}, "method='mle' and penalty='l1' do not go"),
])
def test_a_wrong_value_is_a_usage_error_naming_what_was_received(values, words):
    with pytest.raises(UsageError) as info:
        validate(values)
    assert words in str(info.value)
    assert not isinstance(info.value, TypeError)


def test_validate_returns_every_option_normalized():
    plain = validate({})
    assert plain == {o.keyword: o.default for o in LIBRARY_OPTIONS} | {"method": "mle", "se": "model"}
    # se is resolved as method is: hc0 with class weights, "cluster" with a cluster column
    assert validate({"class_weight": "balanced"})["se"] == "hc0"
    assert validate({"cluster": "g", "se": "hc0"})["se"] == "cluster"
    assert validate({"method": "firth"})["method"] == "firth"
    lasso = validate({"penalty": "l1", "alpha": " CV ", "folds": np.int64(3), "seed": np.uint32(7)})
    assert (lasso["method"], lasso["alpha"], lasso["l1_ratio"]) == ("penalized", "cv", 1.0)
    assert type(lasso["folds"]) is int and lasso["folds"] == 3 and lasso["seed"] == 7
    ridge = validate({"penalty": "l2", "alpha": 1, "l1_ratio": 0})
    assert (ridge["alpha"], ridge["l1_ratio"]) == (1.0, 0.0) and type(ridge["alpha"]) is float
    net = validate({"penalty": "elasticnet", "alpha": np.float64(0.1), "l1_ratio": 0.25})
    assert net["l1_ratio"] == 0.25 and net["refit"] is False
    given = validate({"positive": 2, "na_values": [-99, "."], "threshold": np.float32(0.25),
                      "refit": np.bool_(False), "date": __import__("datetime").date(2024, 5, 1)})
    assert given["positive"] == "2" and given["na_values"] == ("-99", ".")
    assert validate({"na_values": "-99"})["na_values"] == ("-99",)  # one text, not '-', '9', '9'
    assert given["threshold"] == 0.25 and given["refit"] is False and given["date"] == "2024-05-01"


def test_a_bad_threshold_from_fit_is_caught_by_except_value_error():
    try:
        statreport.fit("y ~ x", EXAMPLES / "tutorial.csv", threshold=2)
    except ValueError as exc:
        assert isinstance(exc, statreport.UsageError) and "threshold" in str(exc)
    else:  # pragma: no cover
        pytest.fail("threshold=2 was accepted")


def test_fit_checks_option_types_up_front():
    # fails until api.fit calls options.validate (folds is ignored without a penalty today)
    with pytest.raises(TypeError, match=r"folds must be an integer of at least 2; got '5' \(a str\)"):
        statreport.fit("y ~ x", EXAMPLES / "tutorial.csv", folds="5")
    with pytest.raises(UsageError, match="method='firth' and penalty='l1' do not go together"):
        statreport.fit("y ~ x", EXAMPLES / "tutorial.csv", method="firth", penalty="l1", alpha=0.1)


# --- advice: the library's words, the command line's words -------------------------------------


@pytest.mark.parametrize(("library", "command_line"), [
    ("fit with a penalty (e.g. penalty='l2' alpha='cv')",
     "fit with a penalty (e.g. --penalty l2 --alpha cv)"),
    ("refit=True needs a penalty", "--refit needs a penalty"),
    ("pass na_values=['.']", "pass --na-value '.'"),
    ("na_values=['.', '-99'] applies", "--na-value '.' --na-value '-99' applies"),
    ("(for example positive='Dole')", "(for example --positive 'Dole')"),
    ("for example positive=2)", "for example --positive '2')"),
    ("pass decimal=','; if ',' separates", "pass --decimal ','; if ',' separates"),
    ("try encoding='latin-1' or encoding='cp1252'", "try --encoding latin-1 or --encoding cp1252"),
    ("(e.g. sep=';')", "(e.g. --sep ';')"),
    ("sep='\\t'", "--sep '\t'"),
    ('positive="O\'Brien"', "--positive 'O'\"'\"'Brien'"),
    ("l1_ratio=0.5.", "--l1-ratio 0.5."),
    ("penalty='l2' means l1_ratio=0; got l1_ratio=1", "--penalty l2 means --l1-ratio 0; got --l1-ratio 1"),
    ("drop missing='raise' to use", "drop --missing raise to use"),
    ("(allow_python_formula=True lifts this", "(--allow-python-formula lifts this"),
    # a bare keyword: only as the subject opening the message, or after "pass"
    ("sep must be a single character; got 'ab'", "--sep must be a single character; got 'ab'"),
    ("folds must be between 2 and 4", "--folds must be between 2 and 4"),
    ("na_values applies to delimited text files", "--na-value applies to delimited text files"),
    ("values 1, 2, not 0 and 1; pass positive to say which",
     "values 1, 2, not 0 and 1; pass --positive to say which"),
    ("or pass sep for other delimited text", "or pass --sep for other delimited text"),
])
def test_for_command_line_rewrites_library_advice_into_options(library, command_line):
    assert for_command_line(library) == command_line


@pytest.mark.parametrize("message", [
    "replace it with frame.replace({'.': None}) if it marks a missing value",
    "Write Treatment('b') or Treatment(base='b').",
    "write cr(age, df=4, constraints='center') to centre it",
    "rows with missing values were dropped; the positive class is 'yes'",
    "a penalized fit needs alpha: a positive number",
    "outcome 'positive' has 3 distinct values",
    "refit=False is the default",
    "na_values=[] reads nothing",
    "page_size='a5' is not a page size",  # a command-line-only option: not a fit keyword
    "xalpha=0.1 and my.alpha=0.1 and alpha=0.1x",
    "the threshold must be between",
])
def test_for_command_line_leaves_everything_else_alone(message):
    assert for_command_line(message) == message


@pytest.mark.parametrize(("flag", "value"), [
    ("--positive", "Dole"), ("--positive", "O'Brien"), ("--positive", 2), ("--sep", ";"),
    ("--decimal", ","), ("--encoding", "latin-1"), ("--na-value", "."), ("--missing", "raise"),
    ("--penalty", "l2"), ("--alpha", "cv"), ("--alpha", 0.01), ("--l1-ratio", 0.5), ("--folds", 3),
    ("--refit", None), ("--allow-python-formula", None), ("--method", "firth"), ("--seed", 12),
])
def test_option_is_the_library_form_and_the_cli_turns_it_into_the_flag(flag, value):
    library = option(flag, value)
    assert "--" not in library and library.startswith(BY_KEYWORD[library.split("=")[0]].keyword)
    assert for_command_line(library) == BY_KEYWORD[library.split("=")[0]].command_line_form(value)
    assert for_command_line(library).startswith(flag)


def test_option_words_values_for_python_and_the_shell():
    assert option("--decimal", ",") == "decimal=','"
    assert option("--refit") == "refit=True" and option("--folds") == "folds"
    assert option("--na-value", ".") == "na_values=['.']"
    assert for_command_line(option("--positive", "O'Brien")) == "--positive 'O'\"'\"'Brien'"  # pasteable


# --- errors are builtins too -------------------------------------------------------------------


@pytest.mark.parametrize(("name", "builtin", "code"), [
    ("UsageError", ValueError, 2),
    ("OptionTypeError", TypeError, 2),
    ("FormulaError", ValueError, 2),
    ("DataError", ValueError, 3),
    ("DataFileNotFoundError", FileNotFoundError, 3),
    ("FitError", ValueError, 4),
    ("RenderError", RuntimeError, 5),
    ("OutputError", OSError, 5),
])
def test_each_error_is_also_the_builtin_a_caller_would_catch(name, builtin, code):
    import pickle

    cls = getattr(errors, name)
    assert issubclass(cls, StatReportError) and issubclass(cls, builtin) and cls.exit_code == code
    error = pickle.loads(pickle.dumps(cls("what went wrong")))  # crosses to and from the helper
    assert type(error) is cls and str(error) == "what went wrong"


# --- warnings are classes ----------------------------------------------------------------------


def report_warning_codes() -> set[str]:
    """Every report warning code the package makes: ``ReportWarning("code", ...)``, statsmodels'
    warnings mapped to codes (``(sme.XWarning, "code")``) and the fallback of that mapping."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in [tree, *[n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]]:
            calls = [n for n in ast.walk(function) if isinstance(n, ast.Call)]
            makes = any(_name(c.func) == "ReportWarning" for c in calls)
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and _name(node.func) == "ReportWarning" and node.args:
                    found |= _strings(node.args[0])
                elif (isinstance(node, ast.Tuple) and len(node.elts) == 2
                      and _name(node.elts[0]).endswith("Warning") and _strings(node.elts[1])):
                    found |= _strings(node.elts[1])
                elif (makes and function is not tree and isinstance(node, ast.Call)
                      and _name(node.func) == "next" and len(node.args) == 2):
                    found |= _strings(node.args[1])
    return found


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def _strings(node: ast.AST) -> set[str]:
    return {node.value} if isinstance(node, ast.Constant) and isinstance(node.value, str) else set()


def test_every_report_warning_code_in_the_source_has_a_warning_class():
    codes = report_warning_codes()
    assert {"not_converged", "quasi_separation", "crosscheck_failed", "rows_dropped",
            "post_selection", "perfect_separation", "estimation"} <= codes  # the scan finds them
    assert codes <= set(errors.WARNING_CLASSES), sorted(codes - set(errors.WARNING_CLASSES))
    for code, cls in errors.WARNING_CLASSES.items():
        assert warning_class(code) is cls and issubclass(cls, StatReportWarning)
        assert cls is not StatReportWarning
    assert warning_class("no_such_code") is StatReportWarning


def test_a_warning_class_can_be_filtered_on_its_own():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatReportWarning)
        warnings.simplefilter("error", errors.ConvergenceWarning)
        warnings.warn("rows dropped", warning_class("rows_dropped"), stacklevel=1)  # ignored
        with pytest.raises(errors.ConvergenceWarning):
            warnings.warn("stopped early", warning_class("not_converged"), stacklevel=1)


def test_strict_fails_on_the_classes_of_untrustworthy_estimates():
    strict = {code for code in errors.WARNING_CLASSES if issubclass(warning_class(code), STRICT_WARNINGS)}
    assert {"not_converged", "quasi_separation", "crosscheck_failed", "singular_hessian",
            "numerical"} <= strict
    assert not strict & {"rows_dropped", "sparse_levels", "sparse_reference", "missing_code_as_level",
                         "no_intercept", "post_selection", "solver", "estimation", "wald_intervals",
                         "wald_tests"}
