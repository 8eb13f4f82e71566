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
from collections.abc import Sequence
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
from .options import BY_KEYWORD, LIBRARY_OPTIONS, add_arguments, for_command_line

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    written: list[Path] = []  # the reports on disk, once all are: what an interruption reports
    try:
        return _run_fit(args, written)
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


def _run_fit(args: argparse.Namespace, written: list[Path]) -> int:
    from .output import check_writable

    if not args.output:
        raise UsageError("say where to write the report with -o, e.g. -o report.html")
    from .report import format_for

    data_path = Path(args.data).resolve()
    unique: dict[Path, Path] = {}
    for path in args.output:  # -o r.html -o ./r.html: one file, written once
        first = unique.setdefault(path.resolve(), path)
        if format_for(first) != format_for(path):  # a link to another output: one would be lost
            raise UsageError(f"outputs '{first}' and '{path}' are the same file ('{path.resolve()}'); "
                             "give each report a file of its own")
    args.output = list(unique.values())
    for path in args.output:
        format_for(path)
        if path.resolve() == data_path:
            raise UsageError(f"output '{path}' is the input data file; choose another name")
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
    documents = tuple(sorted(formats - {"json"}))
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
