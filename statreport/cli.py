"""The ``statreport`` command line.

Imports stay light until a command runs: ``statreport --help`` never loads
statsmodels, scikit-learn or pandas.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from ._version import __version__
from .errors import (
    EXIT_CODES,
    ConvergenceWarning,
    CrossCheckWarning,
    FitError,
    NumericalWarning,
    SeparationWarning,
    StatReportError,
    StatReportWarning,
    UsageError,
    warning_class,
)
from .options import BY_KEYWORD, LIBRARY_OPTIONS, add_arguments, argparse_kwargs, for_command_line

if TYPE_CHECKING:  # pragma: no cover
    from .fit_result import FitResult
    from .parallel import CommandLine
    from .progress import StageHook

#: The report warnings that --strict turns into exit code 4: estimates that may not be
#: what they claim (data warnings and caveats of inference only inform).
STRICT_WARNINGS: tuple[type[StatReportWarning], ...] = (
    ConvergenceWarning, SeparationWarning, CrossCheckWarning, NumericalWarning,
)

EXIT_CODE_HELP = "exit codes:\n" + "\n".join(
    f"  {code}  {meaning}" for code, meaning in EXIT_CODES.items()
)

FIT_EXAMPLES = """\
examples:
  statreport fit "y ~ x" examples/tutorial.csv -o report.html
  statreport fit "vote ~ C(party, Treatment('independent')) + age + education + self_lr" \\
      examples/anes96.csv --positive Dole -o anes.html -o anes.json
  statreport fit "poor_health ~ disea + physlm + mdvis" examples/randhie.csv \\
      --threshold 0.1 -o rare.html
  statreport fit "vote ~ age + income + self_lr + tv_news + log_popul" examples/anes96.csv \\
      --positive Dole --penalty l1 --alpha cv --refit -o lasso.pdf
  statreport fit "HG ~ C(NV) + PI + EH" endometrial.csv --method firth -o firth.pdf

formulas:
  outcome ~ x1 + x2       main effects (an intercept is included; '- 1' removes it)
  x1:x2, x1*x2            interaction; main effects plus interaction
  C(g)                    treat g as categorical (text columns already are)
  C(g, Treatment('b'))    categorical with reference level 'b'
  I(x ** 2), log(x)       transforms

"""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"statreport: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="statreport",
        description="Verified logistic-regression reports from a formula and a data file.",
        epilog=EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"statreport {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    fit = commands.add_parser(
        "fit",
        help="fit a logistic regression and write the report",
        description=(
            "Fit a logistic regression by maximum likelihood, Firth's bias-reduced likelihood\n"
            "(--method firth) or a penalized likelihood (--penalty), cross-check it with\n"
            "scikit-learn, and write the report in every format asked for with -o."
        ),
        epilog=FIT_EXAMPLES + EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fit.add_argument("formula", help="model formula, e.g. \"admit ~ gre + gpa + C(rank)\"")
    fit.add_argument("data", help="data file: .csv or .tsv (plain, .gz or .bz2), or .parquet")
    add_arguments(fit)  # every option, from the table in statreport.options
    _add_predict(commands)
    _add_compare(commands)
    return parser


COMPARE_EXAMPLES = """\
examples:
  statreport compare "churn ~ tenure" "churn ~ tenure + contract" \\
      "churn ~ tenure + contract + monthly_charges + internet_service" examples/churn.csv \\
      --positive Yes -o compare.html -o compare.json

Every model is fitted on the same rows (complete in every model's columns); each model
is tested against the one before it (likelihood ratio, when nested), and every pair's
ROC AUCs by DeLong's paired test.

"""


def _add_compare(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from .options import OPTIONS

    compare = commands.add_parser(
        "compare", help="fit several models on the same rows and compare them side by side",
        description="Fit two or more formulas of one outcome on the same rows and write a side-by-side "
                    "report (Model 1, Model 2, ...) with likelihood-ratio and DeLong tests.",
        epilog=COMPARE_EXAMPLES + EXIT_CODE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    compare.add_argument("formulas", nargs="+", metavar="FORMULA", help="two or more model formulas")
    compare.add_argument("data", help="data file: .csv or .tsv (plain, .gz or .bz2), or .parquet")
    compare.add_argument("--names", metavar="A,B,...",
                         help="column headings (default: Model 1, Model 2, ...)")
    skipped = {"units", "weights", "trials", "class_weight", "strict", "verbose"}
    for option in OPTIONS:
        if option.keyword in skipped:
            continue
        target = compare
        if option.keyword == "output":
            compare.add_argument(*option.flags, dest="output", action="append", type=Path, default=[],
                                 metavar="PATH",
                                 help="comparison report: .html, .pdf or .json; repeat for more")
            continue
        target.add_argument(*option.flags, dest=option.keyword, help=option.help, **argparse_kwargs(option))


PREDICT_EXAMPLES = """\
examples:
  statreport fit "churn ~ tenure + contract + monthly_charges" examples/churn.csv --positive Yes \\
      -o churn.html -o churn.model.json
  statreport predict churn.model.json examples/new_customers.csv -o churn_predictions.csv

Each input row is written with predicted_probability, ci_low and ci_high (its delta-method
interval), linear_predictor, linear_predictor_se, predicted_class (at the model's threshold)
and missing (the predictor columns missing in that row, which then has no prediction).

"""


def _add_predict(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from .options import BY_KEYWORD

    predict = commands.add_parser(
        "predict", help="score new data with a saved model (-o NAME.model.json of fit)",
        description="Score the rows of a data file with a model file written by 'statreport fit ... "
                    "-o NAME.model.json', and write them with their predictions.",
        epilog=PREDICT_EXAMPLES + EXIT_CODE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    predict.add_argument("model", help="model file written by statreport fit (NAME.model.json)")
    predict.add_argument("data", help="data file with the model's predictor columns: .csv, .tsv or .parquet")
    predict.add_argument("-o", "--output", action="append", type=Path, default=[], metavar="PATH",
                         help="predictions file: .csv, .tsv or .parquet; repeat for more")
    predict.add_argument("--no-ci", action="store_true",
                         help="leave out the intervals of the probabilities (a penalized model has none)")
    for keyword in ("ci_level", "sep", "encoding", "decimal", "na_values", "allow_python_formula",
                    "quiet", "debug"):
        option = BY_KEYWORD[keyword]
        helps = {"ci_level": "confidence level of the intervals (default: the model's)",
                 "allow_python_formula": "let the model's formula run Python of your own (only for a "
                                         "model file you made yourself; UNSAFE for files from elsewhere)"}
        kwargs = argparse_kwargs(option)
        if keyword == "ci_level":
            kwargs["default"] = None
        predict.add_argument(*option.flags, dest=option.keyword, help=helps.get(keyword, option.help),
                             **kwargs)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    written: list[Path] = []  # the reports on disk, once all are: what an interruption reports
    try:
        runs = {"predict": _run_predict, "compare": _run_compare, "fit": _run_fit}
        return runs[args.command](args, written)
    except StatReportError as exc:
        if args.debug:
            traceback.print_exc()
        # the library words advice as fit's keywords; here it names the options
        print(f"statreport: error: {printable(for_command_line(str(exc)))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        what = "interrupted"
        if written:  # the signal came after the last report was in place
            names = ", ".join(map(str, written))
            print(f"statreport: {what} after writing {printable(names)}; the reports are complete",
                  file=sys.stderr)
            return 0
        print(f"statreport: {what}; no report written", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so in one line, the traceback with --debug
        if args.debug:
            traceback.print_exc()
        print(
            f"statreport: internal error: {type(exc).__name__}: {printable(str(exc))} "
            "(please report it; --debug shows the traceback)",
            file=sys.stderr,
        )
        return 1


#: Control characters (C0 but space, DEL, C1) and the line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` safe for a terminal line: control characters from data (an escape sequence that
    clears the screen, a newline in a level) shown as escapes (``\\x1b``, ``\\n``)."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


def _run_predict(args: argparse.Namespace, written: list[Path]) -> int:
    from .model_file import load_model
    from .output import check_writable
    from .predictions import predict_file, prediction_format

    if not args.output:
        raise UsageError("say where to write the predictions with -o, e.g. -o predictions.csv")
    outputs = _distinct_outputs(args.output, prediction_format, [Path(args.model), Path(args.data)])
    for path in outputs:
        check_writable(path)
    model = load_model(args.model, allow_python_formula=args.allow_python_formula)
    read_options = {"sep": args.sep, "encoding": args.encoding, "decimal": args.decimal,
                    "na_values": tuple(args.na_values)}
    started = time.perf_counter()
    from .parallel import on_thread

    run = predict_file(model, args.data, outputs, ci=False if args.no_ci else None, ci_level=args.ci_level,
                       read_options=read_options, written=written, alongside=on_thread)
    if not args.quiet:
        if model.probabilities:
            print(f"statreport: note: the probabilities are {printable(model.probabilities)}",
                  file=sys.stderr)
        names = ", ".join(str(p) for p in written)
        unscored = (f"; {run.n_unscored:,} not scored (missing values, see the 'missing' column)"
                    if run.n_unscored else "")
        print(f"statreport: wrote {printable(names)} ({run.n_rows:,} rows, {run.events:,} predicted "
              f"{printable(model.positive_class)}{unscored}, {time.perf_counter() - started:.2f} s)",
              file=sys.stderr)
    return 0


def _run_compare(args: argparse.Namespace, written: list[Path]) -> int:
    from .model_comparison import run_comparison
    from .options import validate
    from .output import check_writable, write_all
    from .parallel import Serial
    from .report.comparison import render_comparison

    if not args.output:
        raise UsageError("say where to write the comparison with -o, e.g. -o compare.html")
    if len(args.formulas) < 2:
        raise UsageError("compare needs two or more formulas before the data file")

    def format_of(path: Path) -> str:
        fmt = {".html": "html", ".htm": "html", ".pdf": "pdf", ".json": "json"}.get(path.suffix.lower())
        if fmt is None:
            raise UsageError(f"cannot tell the format of '{path}': a comparison is written as .html, .pdf "
                             "or .json")
        return fmt

    outputs = _distinct_outputs(args.output, format_of, [Path(args.data)])
    for path in outputs:
        check_writable(path)
    given = {o.keyword: getattr(args, o.keyword) for o in LIBRARY_OPTIONS if hasattr(args, o.keyword)}
    options = validate({k: v for k, v in given.items() if v is not None or BY_KEYWORD[k].default is not None})
    names = [n.strip() for n in args.names.split(",")] if args.names else None
    started = time.perf_counter()
    from .progress import terminal_reporter

    hook = terminal_reporter(verbose=False, quiet=args.quiet)
    comparison = run_comparison(args.formulas, args.data, options, names=names, execution=Serial(),
                                on_stage=hook)
    payloads = {fmt: render_comparison(comparison, fmt, page_size=args.page_size)
                for fmt in {format_of(p) for p in outputs}}
    write_all([(path, payloads[format_of(path)]) for path in outputs], written=written)
    if not args.quiet:
        for name, model in zip(comparison.names, comparison.models, strict=True):
            for warning in model.warnings:
                message = printable(for_command_line(warning.message))
                print(f"statreport: warning: {printable(name)}: {message}", file=sys.stderr)
        names_written = printable(", ".join(map(str, written)))
        print(f"statreport: wrote {names_written} ({len(comparison.models)} models, "
              f"{comparison.rows.n_obs:,} observations each, {time.perf_counter() - started:.2f} s)",
              file=sys.stderr)
    return 0


def _distinct_outputs(paths: list[Path], format_of: Callable[[Path], str], inputs: list[Path]) -> list[Path]:
    """The output paths, each file once (``-o r.html -o ./r.html``), none of them an input;
    two different formats that are one file (a link) are a usage error."""
    unique: dict[Path, Path] = {}
    for path in paths:
        format_of(path)
        first = unique.setdefault(path.resolve(), path)
        if format_of(first) != format_of(path):  # a link to another output: one would be lost
            raise UsageError(f"outputs '{first}' and '{path}' are the same file ('{path.resolve()}'); "
                             "give each report a file of its own")
        if any(path.resolve() == given.resolve() for given in inputs):
            raise UsageError(f"output '{path}' is an input file; choose another name")
    return list(unique.values())


def _run_fit(args: argparse.Namespace, written: list[Path]) -> int:
    from .output import check_writable

    if not args.output:
        raise UsageError("say where to write the report with -o, e.g. -o report.html")
    from .report import format_for

    args.output = _distinct_outputs(args.output, format_for, [Path(args.data)])
    for path in args.output:
        check_writable(path)

    formats = {format_for(path) for path in args.output}
    from .parallel import CommandLine

    execution = CommandLine(formats)  # first thing: it sets one BLAS thread before numpy loads
    execution.start()
    try:
        return _fit_and_write(args, execution, formats, written)
    finally:
        execution.close()


def _fit_and_write(args: argparse.Namespace, execution: CommandLine, formats: set[str],
                   written: list[Path]) -> int:
    from .progress import Stages, terminal_reporter
    from .report import write_reports

    hook = terminal_reporter(verbose=args.verbose, quiet=args.quiet)
    documents = tuple(sorted(formats - {"json", "model"}))
    started = time.perf_counter()
    result = _worded_for_command_line(_fit(args, hook, execution))
    if args.strict:
        serious = [w for w in result.warnings if issubclass(warning_class(w.code), STRICT_WARNINGS)]
        if serious:
            raise FitError(
                f"--strict: the report has {len(serious)} warning(s), no report written: "
                + "; ".join(w.message for w in serious)
            )
    with Stages(hook)("rendering and writing"):
        # the HTML and PDF are rendered in the helper while the JSON is rendered here
        rendered = execution.render(result, documents, args.page_size).result if documents else None
        write_reports(result, args.output, page_size=args.page_size, rendered=rendered, written=written)
    if not args.quiet:
        elapsed = time.perf_counter() - started
        for warning in result.warnings:
            print(f"statreport: warning: {printable(warning.message)}", file=sys.stderr)
        names = ", ".join(str(p) for p in written)
        print(
            f"statreport: wrote {printable(names)} ({result.fit.n_obs:,} observations, "
            f"{len(result.coefficient_rows)} coefficients, {elapsed:.2f} s)",
            file=sys.stderr,
        )
    return 0


def _fit(args: argparse.Namespace, hook: StageHook | None, execution: CommandLine) -> FitResult:
    """`statreport.api.run` with the command line's options and execution (both cores)."""
    from .api import run
    from .options import validate

    # every fit option in the table; one left at a default of None is not passed (the same as fit's)
    given = {o.keyword: getattr(args, o.keyword) for o in LIBRARY_OPTIONS}
    options = validate({k: v for k, v in given.items() if v is not None or BY_KEYWORD[k].default is not None})
    return run(args.formula, args.data, options, on_stage=hook, execution=execution)


def _worded_for_command_line(result: FitResult) -> FitResult:
    """The result with its warnings' advice naming options (``--na-value '.'``), as the
    report of a command-line run says it."""
    import dataclasses

    from .result import ReportWarning

    worded = tuple(ReportWarning(w.code, for_command_line(w.message)) for w in result.warnings)
    if worded == result.warnings:
        return result
    return dataclasses.replace(result, warnings=worded)


def run() -> NoReturn:
    """The console entry point: `main`, fast (`statreport.parallel.exit_fast`)."""
    from .parallel import exit_fast

    exit_fast(main)


if __name__ == "__main__":  # pragma: no cover
    run()
