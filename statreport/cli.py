"""The ``statreport`` command line.

Imports stay light until a command runs: ``statreport --help`` never loads
statsmodels, scikit-learn or pandas.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from ._version import __version__
from .errors import (
    EXIT_CODES,
    FitError,
    StatReportError,
    StatReportWarning,
    UsageError,
    command_line_messages,
)

if TYPE_CHECKING:  # pragma: no cover
    from .helper import Helper, Pending
    from .progress import StageHook
    from .result import FigureInputs, FitResult

#: Report warnings that --strict turns into exit code 4.
STRICT_WARNINGS = frozenset(
    {"not_converged", "quasi_separation", "crosscheck_failed", "singular_hessian", "numerical"}
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
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _alpha(text: str) -> float | str:
    if text.strip().lower() == "cv":
        return "cv"
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive number or 'cv'; got {text!r}") from None


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
            "Fit a logistic regression by maximum likelihood (or a penalized likelihood), "
            "cross-check it with scikit-learn, and write the report in every format asked "
            "for with -o."
        ),
        epilog=FIT_EXAMPLES + EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fit.add_argument("formula", help="model formula, e.g. \"admit ~ gre + gpa + C(rank)\"")
    fit.add_argument("data", help="data file: .csv or .tsv (plain, .gz or .bz2), or .parquet")
    fit.add_argument(
        "-o", "--output", action="append", default=[], metavar="PATH", type=Path,
        help="report file; the format comes from the extension (.html, .pdf, .json); repeat for more",
    )
    fit.add_argument(
        "--positive", metavar="LABEL",
        help="outcome value counted as 1 (needed unless the outcome is 0/1 or true/false)",
    )
    fit.add_argument(
        "--threshold", type=float, default=0.5, metavar="P",
        help="probability cut-off for the classification table (default: 0.5)",
    )
    fit.add_argument(
        "--ci-level", type=float, default=0.95, metavar="LEVEL",
        help="confidence level of the intervals (default: 0.95)",
    )
    fit.add_argument("--title", help="report title (default: 'Logistic regression report')")
    fit.add_argument(
        "--page-size", default="a4", choices=("a4", "letter"),
        help="paper size of a PDF report (default: a4)",
    )
    fit.add_argument(
        "--date", metavar="TEXT",
        help="date printed on the report (default: SOURCE_DATE_EPOCH if set, else none)",
    )
    fit.add_argument(
        "--sep", metavar="CHAR",
        help="field delimiter of a text file: a character, or tab, comma, semicolon, pipe, space "
        "(default: detected among , ; tab |; an ambiguous file is an error)",
    )
    fit.add_argument("--encoding", default="utf-8", help="text encoding of the data file (default: utf-8)")
    fit.add_argument(
        "--decimal", default=".", choices=(".", ","),
        help="decimal mark of numbers in a text file (default: '.')",
    )
    fit.add_argument(
        "--na-value", action="append", default=[], metavar="TEXT", dest="na_values",
        help="a cell text that means a missing value, besides an empty cell, NA, N/A, NaN and "
        "null (e.g. --na-value . for Stata or SAS files); repeat for more",
    )
    fit.add_argument(
        "--missing", default="drop", choices=("drop", "raise"),
        help="rows with missing values: drop them and report it (default), or stop with an error",
    )
    fit.add_argument(
        "--strict", action="store_true",
        help="treat report warnings (non-convergence, separation, a failed cross-check) as "
        "errors: exit 4 and write nothing",
    )
    penal = fit.add_argument_group(
        "penalized fits",
        "minimize -loglik/n + alpha*(l1_ratio*||b||_1 + (1-l1_ratio)/2*||b||_2^2), intercept "
        "unpenalized (glmnet's lambda = alpha; scikit-learn's C = 1/(n*alpha)). No p-values or "
        "confidence intervals are reported for a penalized fit.",
    )
    penal.add_argument("--penalty", choices=("l1", "l2", "elasticnet"), help="penalty type")
    penal.add_argument(
        "--alpha", metavar="A|cv", type=_alpha,
        help="penalty strength (> 0), or 'cv' to choose it by cross-validated deviance",
    )
    penal.add_argument("--l1-ratio", type=float, metavar="R", help="elastic-net mixing, 0 < R < 1")
    penal.add_argument("--folds", type=int, default=5, help="cross-validation folds (default: 5)")
    penal.add_argument("--seed", type=int, default=0, help="cross-validation seed (default: 0)")
    penal.add_argument(
        "--cv-rule", choices=("min", "1se"), default="min",
        help="use the alpha with the smallest CV deviance (default) or the largest within one SE",
    )
    penal.add_argument(
        "--refit", action="store_true",
        help="also refit without penalty on the selected terms (shown under a post-selection warning)",
    )
    fit.add_argument(
        "--allow-python-formula", action="store_true",
        help="let formula terms run arbitrary Python (e.g. a function of your own; log, exp, sqrt, "
        "bs and the other transforms need no flag). UNSAFE for formulas from untrusted sources",
    )
    fit.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    fit.add_argument("-v", "--verbose", action="store_true", help="print the time each stage took")
    fit.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        with command_line_messages():  # advice names options, not fit's keywords
            return _run_fit(args)
    except StatReportError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"statreport: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("statreport: interrupted; no report written", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so in one line, the traceback with --debug
        if args.debug:
            traceback.print_exc()
        print(
            f"statreport: internal error: {type(exc).__name__}: {exc} "
            "(please report it; --debug shows the traceback)",
            file=sys.stderr,
        )
        return 1


def _run_fit(args: argparse.Namespace) -> int:
    from .output import check_writable

    if not args.output:
        raise UsageError("say where to write the report with -o, e.g. -o report.html")
    from .report import format_for

    data_path = Path(args.data).resolve()
    unique: dict[Path, Path] = {}
    for path in args.output:  # -o r.html -o ./r.html: one file, written once
        unique.setdefault(path.resolve(), path)
    args.output = list(unique.values())
    for path in args.output:
        format_for(path)
        if path.resolve() == data_path:
            raise UsageError(f"output '{path}' is the input data file; choose another name")
        check_writable(path)

    formats = {format_for(path) for path in args.output}
    helper = _start_helper(formats)
    try:
        return _fit_and_write(args, helper, formats)
    finally:
        helper.close()


def _start_helper(formats: set[str]) -> Helper:
    """The helper process, forked first thing: it renders the HTML and PDF reports.

    While this process imports the estimation libraries (1.0 s on the 2-core
    benchmark machine) and reads the data, the helper imports matplotlib,
    Jinja and, for a PDF, WeasyPrint (0.4 + 0.75 s), none of which this
    process then needs, and warms them up (`statreport.report.warm_up`).
    Forking before any thread runs is what makes the fork safe. For a JSON
    report alone the helper is made (it sets one BLAS thread) but not started.
    """
    from .helper import Helper

    modules: tuple[str, ...] = ("matplotlib.figure", "matplotlib.backends.backend_svg", "jinja2")
    if "pdf" in formats:
        modules += ("weasyprint",)

    def prepare() -> None:
        from .report import warm_up

        warm_up(formats)

    helper = Helper(modules, prepare=prepare)
    if formats & {"html", "pdf"}:  # a JSON report alone needs no helper
        helper.start()
    return helper


def _fit_and_write(args: argparse.Namespace, helper: Helper, formats: set[str]) -> int:
    from .progress import Stages, terminal_reporter
    from .report import write_reports

    hook = terminal_reporter(verbose=args.verbose, quiet=args.quiet)
    documents = tuple(sorted(formats - {"json"}))
    drawing: list[Pending] = []

    def draw_figures(inputs: FigureInputs) -> None:
        """The helper draws the figures while the fit's cross-check finishes
        (1e6 rows: its refit takes 0.2-0.3 s longer than the rest of the fit)."""
        if documents:
            from .report import draw_ahead

            drawing.append(helper.submit(draw_ahead, inputs))

    started = time.perf_counter()
    with warnings.catch_warnings():  # printed below, after the reports are written
        warnings.simplefilter("ignore", StatReportWarning)
        result = _fit(args, hook, draw_figures)
    if args.strict:
        serious = [w for w in result.warnings if w.code in STRICT_WARNINGS]
        if serious:
            raise FitError(
                f"--strict: the report has {len(serious)} warning(s), no report written: "
                + "; ".join(w.message for w in serious)
            )
    with Stages(hook)("rendering and writing"):
        rendered = None
        if documents:
            from .report import render_documents

            figures = drawing[0].result() if drawing else None
            # rendered there while the JSON is rendered here
            rendered = helper.submit(render_documents, result, documents, args.page_size,
                                     figures).result
        written = write_reports(result, args.output, page_size=args.page_size, rendered=rendered)
    if not args.quiet:
        elapsed = time.perf_counter() - started
        for warning in result.warnings:
            print(f"statreport: warning: {warning.message}", file=sys.stderr)
        names = ", ".join(str(p) for p in written)
        print(
            f"statreport: wrote {names} ({result.fit.n_obs:,} observations, "
            f"{len(result.coefficient_rows)} coefficients, {elapsed:.2f} s)",
            file=sys.stderr,
        )
    return 0


def _fit(
    args: argparse.Namespace, hook: StageHook | None, draw_figures: Callable[[FigureInputs], None]
) -> FitResult:
    from .api import fit

    return fit(
        args.formula,
        args.data,
        threshold=args.threshold,
        ci_level=args.ci_level,
        positive=args.positive,
        title=args.title,
        date=args.date,
        sep=args.sep,
        encoding=args.encoding,
        decimal=args.decimal,
        na_values=args.na_values,
        missing=args.missing,
        allow_python_formula=args.allow_python_formula,
        penalty=args.penalty,
        alpha=args.alpha,
        l1_ratio=args.l1_ratio,
        folds=args.folds,
        seed=args.seed,
        cv_rule=args.cv_rule,
        refit=args.refit,
        on_stage=hook,
        on_figure_inputs=draw_figures,
    )

def run() -> NoReturn:
    """The console entry point: `main` with the garbage collector off, then exit
    without the interpreter's teardown.

    The collector's passes over the 190,000 objects the imports make cost
    0.1-0.2 s a run (tutorial 1.62 -> 1.51 s, 1e6 rows 2.81 -> 2.74 s when
    this was measured); reference counting frees the rest, and `fit` collects
    the cycles in which formulaic leaves the data frame. Tearing down a process
    that held a million-row design takes about half a second (freeing every
    object and module); the reports are written and synced by then, so the
    process flushes its streams and ends at once.
    """
    import gc

    gc.disable()
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
