"""`fit`: the one function that turns a formula and data into a `FitResult`.

Data flows one way: data -> design -> estimate -> inference, classification,
cross-check -> one frozen `FitResult`. Nothing here imports a renderer.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import _version
from .errors import StatReportWarning, UsageError, option
from .progress import StageHook, Stages
from .result import (
    Classification,
    Coefficient,
    DataProvenance,
    FigureData,
    FigureInputs,
    FitResult,
    FitStatistics,
    ModelInfo,
    PenaltyInfo,
    PseudoR2,
    ReportWarning,
)

T = TypeVar("T")

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def fit(
    formula: str,
    data: pd.DataFrame | str | Path,
    *,
    threshold: float = 0.5,
    ci_level: float = 0.95,
    positive: str | None = None,
    title: str | None = None,
    date: str | None = None,
    sep: str | None = None,
    encoding: str = "utf-8",
    decimal: str = ".",
    na_values: Sequence[str] = (),
    missing: str = "drop",
    allow_python_formula: bool = False,
    penalty: str | None = None,
    alpha: float | str | None = None,
    l1_ratio: float | None = None,
    folds: int = 5,
    seed: int = 0,
    cv_rule: str = "min",
    refit: bool = False,
    on_stage: StageHook | None = None,
    on_figure_inputs: Callable[[FigureInputs], object] | None = None,
) -> FitResult:
    """Fit a logistic regression and assemble the complete report.

    Parameters
    ----------
    formula : str
        Model formula, ``"outcome ~ x1 + C(group) + x2"`` (formulaic syntax).
    data : DataFrame or path
        The data, or a ``.csv``/``.tsv`` (plain, ``.gz`` or ``.bz2``) or ``.parquet`` file to read.
    threshold : float, default 0.5
        Probability cut-off for the classification table; predicted 1 when the
        fitted probability is greater than it. Must lie strictly between 0 and 1.
    ci_level : float, default 0.95
        Confidence level of the Wald intervals, strictly between 0 and 1.
    positive : str, optional
        The outcome value counted as 1. Needed unless the outcome is 0/1 or boolean.
    title : str, optional
        Report title; defaults to "Logistic regression report" (the formula is
        printed under it).
    date : str, optional
        Date printed on the report. Defaults to the ``SOURCE_DATE_EPOCH``
        environment variable if set; otherwise the report carries no date, so
        the same input always gives the same bytes.
    sep, encoding, decimal
        Delimiter, text encoding and decimal mark of a delimited data file. The
        delimiter is detected when not given; an ambiguous file is an error.
    na_values : sequence of str, optional
        Cell texts of a delimited file that mean a missing value, besides the
        empty cell, "NA", "N/A", "NaN" and "null": e.g. ``(".",)`` for Stata's
        and SAS's missing value, or ``("-99",)``.
    missing : {"drop", "raise"}, default "drop"
        Rows with a missing value in a model variable are dropped (and counted
        per column in the report), or any missing value is an error.
    allow_python_formula : bool, default False
        Skip the formula allow-list. Unsafe for formulas from untrusted sources:
        formula terms are evaluated as Python.
    penalty : {"l1", "l2", "elasticnet"}, optional
        Fit a penalized model minimizing ``-loglik/n + alpha * (l1_ratio * ||b||_1
        + (1 - l1_ratio)/2 * ||b||_2^2)``, intercept unpenalized (glmnet's scale:
        lambda = alpha; scikit-learn: C = 1/(n * alpha)). No p-values or
        confidence intervals are reported for a penalized fit.
    alpha : float or "cv"
        Penalty strength (> 0), or "cv" to choose it by stratified k-fold
        cross-validated deviance (``folds``, ``seed``, ``cv_rule`` "min" or "1se").
    l1_ratio : float, optional
        Mixing for elasticnet, strictly between 0 and 1 (1 for l1, 0 for l2).
    refit : bool, default False
        Also refit the unpenalized model on the terms the penalty kept, reported
        separately under a post-selection warning.
    on_stage : callable, optional
        Called as ``on_stage(name, seconds)`` when a stage starts (seconds < 0)
        and ends; the command line uses it for progress and --verbose timings.
        A long stage also reports where it is, as a start of
        ``"name (where)"``: ``"cross-validating alpha (fold 2/5, alpha 7/20, about 3 min left)"``.
    on_figure_inputs : callable, optional
        Called once with the `FigureInputs` (what the figures draw) as soon as
        they are known, before the scikit-learn cross-check ends; the command
        line starts drawing the figures then, while a large refit still runs.

    Returns
    -------
    FitResult
        Frozen result; ``.coefficients`` is a DataFrame, ``.to_html(path)``,
        ``.to_json(path)`` and ``.to_dict()`` render it.

    Raises
    ------
    FormulaError, DataError, FitError, UsageError
        All subclasses of `StatReportError`, each with a message naming what is wrong.

    Warns
    -----
    StatReportWarning
        One per warning in the report (``FitResult.warnings``: non-convergence,
        separation, dropped rows, sparse levels, a failed cross-check, ...),
        its code in brackets at the end of the message. Silence them with
        ``warnings.simplefilter("ignore", statreport.StatReportWarning)``.
    """
    _check_probability("threshold", threshold)
    _check_probability("ci_level", ci_level)
    _check_choice("missing", missing, ("drop", "raise"))
    _check_choice("decimal", decimal, (".", ","))
    if positive is not None:
        positive = str(positive)
    if penalty is None and (alpha is not None or l1_ratio is not None or refit):
        raise UsageError(f"{option('--alpha')}, {option('--l1-ratio')} and {option('--refit')} need a "
                         f"penalty: {option('--penalty', 'l1')} (or l2, elasticnet)")
    if penalty is not None:
        if alpha is None:
            raise UsageError("a penalized fit needs alpha: a positive number, or 'cv' to cross-validate it")
        from .penalized import PenaltySpec

        if isinstance(alpha, str) and alpha != "cv":
            raise UsageError(f"alpha must be a positive number or 'cv'; got {alpha!r}")
        if not isinstance(alpha, str) and not math.isfinite(float(alpha)):
            raise UsageError(f"alpha must be a finite positive number; got {alpha!r}")
        if refit and penalty == "l2":
            raise UsageError(f"{option('--refit')} needs a penalty that selects terms (l1 or "
                             "elasticnet); a ridge (l2) fit keeps every term")
        PenaltySpec.create(penalty, 1.0 if alpha == "cv" else float(alpha), l1_ratio)  # validate early

    from .data import load_data, release_arrow_memory
    from .formula import needed_columns

    stage = Stages(on_stage)
    columns = needed_columns(formula, allow_python=allow_python_formula)
    with stage("reading data"):
        # pyarrow parses the file on other threads while this one imports the
        # estimation libraries
        loaded = _while_importing(
            lambda: load_data(data, columns, sep=sep, encoding=encoding, decimal=decimal,
                              na_values=tuple(str(v) for v in na_values)),
            ESTIMATION_MODULES,
        )
    from .crosscheck import compare, start_refit
    from .design import build_design
    from .estimate import fit_mle
    from .formula import parse_formula

    parsed = parse_formula(formula, allow_python=allow_python_formula)
    with _collecting_new_cycles():  # the data frame is freed on leaving
        with stage("building the design"):
            design = build_design(parsed, loaded.frame, positive=positive, missing=missing,
                                  from_file=loaded.format not in ("dataframe", "parquet"))
        provenance = DataProvenance(
            source=loaded.source,
            format=loaded.format,
            size_bytes=loaded.size_bytes,
            sha256=loaded.sha256,
            n_rows_read=design.n_rows_read,
            n_obs=design.n_obs,
            n_dropped=design.n_dropped,
            dropped_by_column=design.dropped_by_column,
            delimiter=loaded.delimiter,
        )
        del loaded  # the data frame is not needed past the design matrix
    release_arrow_memory()
    penalty_info = None
    refit_rows = None
    extra_warnings: list[ReportWarning] = []
    if penalty is None:
        spec = None
        with stage("fitting"):
            pending = start_refit(design)  # in parallel, on the second core
            try:
                estimate = fit_mle(design)
            except BaseException:
                pending.cancel()
                raise
    else:
        from .penalized import PenaltySpec, check_penalizable, fit_penalized

        check_penalizable(design)
        cv = None
        if alpha == "cv":
            from .cv import choose_alpha

            ratio = PenaltySpec.create(penalty, 1.0, l1_ratio).l1_ratio
            with stage("cross-validating alpha"):
                cv = choose_alpha(design, penalty, ratio, folds=folds, seed=seed, rule=cv_rule,
                                  on_progress=stage.progress("cross-validating alpha"))
            alpha = cv.alpha
        spec = PenaltySpec.create(penalty, alpha, l1_ratio)  # type: ignore[arg-type]
        with stage("fitting"):
            pending = start_refit(design, spec)
            try:
                estimate = fit_penalized(design, spec)
            except BaseException:
                pending.cancel()
                raise
        penalty_info = _penalty_info(design, estimate, spec, cv)
        if refit:
            try:
                refit_rows, extra_warnings = _refit(design, penalty_info, ci_level=ci_level)
            except BaseException:
                pending.cancel()
                raise

    try:  # a failure from here on stops a forked refit
        with stage("summarizing"):  # while a forked refit, if any, still runs
            summary = _summarize(design, estimate, threshold=threshold, ci_level=ci_level)
        model = ModelInfo(
            formula=parsed.text,
            outcome=design.outcome,
            positive_class=design.positive_class,
            negative_class=design.negative_class,
            method=estimate.method,
            n_params=len(design.column_names),
            has_intercept=design.has_intercept,
            categoricals=design.categoricals,
        )
        if on_figure_inputs is not None:
            on_figure_inputs(FigureInputs(
                model=model, coefficient_rows=summary.coefficient_rows,
                classification=summary.classification, ci_level=ci_level,
                figures=summary.figures, penalty=penalty_info,
            ))
    except BaseException:
        pending.cancel()
        raise
    with stage("cross-checking"):
        crosscheck = compare(design, estimate, pending.result(), threshold=threshold, penalty=spec)
        report_warnings = _assemble_warnings(design, estimate, crosscheck) + tuple(extra_warnings)
        result = FitResult(
            model=model,
            data=provenance,
            fit=summary.fit,
            pseudo_r2=summary.pseudo_r2,
            coefficient_rows=summary.coefficient_rows,
            classification=summary.classification,
            crosscheck=crosscheck,
            ci_level=ci_level,
            warnings=report_warnings,
            versions=_versions(crosscheck.version),
            title=title,
            date=_report_date(date),
            figures=summary.figures,
            penalty=penalty_info,
            refit_rows=refit_rows,
        )
    for warning in report_warnings:  # a script sees them too, not only the report
        warnings.warn(f"{warning.message} [{warning.code}]", StatReportWarning, stacklevel=2)
    return result


@dataclass(frozen=True)
class _Summary:
    """The result's parts that the cross-check does not touch."""

    fit: FitStatistics
    pseudo_r2: PseudoR2
    coefficient_rows: tuple[Coefficient, ...]
    classification: Classification
    figures: FigureData


def _summarize(design, estimate, *, threshold: float, ci_level: float) -> _Summary:  # type: ignore[no-untyped-def]
    """The result's parts that the cross-check does not touch, computed while a
    forked refit may still run."""
    from .classification import classify
    from .curves import figure_data, full_roc, rank
    from .inference import coefficient_table, fit_statistics, pseudo_r2

    y, probabilities = design.y, estimate.probabilities
    ranked = rank(y, probabilities)  # one sort for the ROC curve and the calibration groups
    fpr, tpr, auc = full_roc(ranked)
    fit_stats = fit_statistics(estimate, y, has_intercept=design.has_intercept)
    return _Summary(
        fit=fit_stats,
        pseudo_r2=pseudo_r2(fit_stats, y, probabilities),
        coefficient_rows=coefficient_table(estimate, design.column_names, ci_level=ci_level),
        classification=classify(y, probabilities, threshold=threshold, auc=auc),
        figures=figure_data(design, estimate.params, ranked, (fpr, tpr), threshold=threshold),
    )


def _penalty_info(design, estimate, spec, cv) -> PenaltyInfo:  # type: ignore[no-untyped-def]
    from .penalized import KKT_TOLERANCE, OBJECTIVE

    slopes = list(zip(design.column_names[1:], estimate.params[1:], strict=True))
    return PenaltyInfo(
        penalty=spec.penalty,
        alpha=spec.alpha,
        l1_ratio=spec.l1_ratio,
        objective=OBJECTIVE,
        n_nonzero=sum(1 for _, b in slopes if b != 0.0),
        zero_terms=tuple(name for name, b in slopes if b == 0.0),
        solver=estimate.solver,
        kkt_violation=estimate.kkt_violation,
        kkt_tolerance=KKT_TOLERANCE,
        sklearn_c=1.0 / (design.n_obs * spec.alpha),
        cv=cv,
    )


def _refit(design, info, *, ci_level: float):  # type: ignore[no-untyped-def]
    """Unpenalized MLE on the intercept and the terms the penalty kept."""
    import dataclasses

    import numpy as np

    from .estimate import fit_mle
    from .inference import coefficient_table

    kept = set(design.column_names) - set(info.zero_terms)
    selected = len(kept - {"Intercept"})
    # a categorical is refitted whole when the penalty kept any of its levels: refitting
    # without a zeroed level would merge that level into the reference, and every
    # estimate would compare with that mixture while the table names the reference alone
    regrouped: list[str] = []
    for categorical, group in _level_groups(design):
        if group & kept and group - kept and categorical.variable not in regrouped:
            regrouped.append(categorical.variable)
        if group & kept:
            kept |= group
    keep = [i for i, name in enumerate(design.column_names) if name in kept]
    names = tuple(design.column_names[i] for i in keep)
    subset = dataclasses.replace(design, X=np.asfortranarray(design.X[:, keep]), column_names=names)
    estimate = fit_mle(subset)
    rows = coefficient_table(estimate, names, ci_level=ci_level)
    found = [ReportWarning(
        "post_selection",
        f"the refit table re-estimates the {selected} term(s) the {info.penalty} penalty kept, "
        "without a penalty; its p-values and intervals ignore that the terms were selected on "
        "the same data, so they are too optimistic (post-selection inference)"
        + (f"; {_join(regrouped)} {'is' if len(regrouped) == 1 else 'are'} refitted with every level, "
           "including those the penalty set to zero, so that each level is still compared with "
           "the reference alone" if regrouped else ""),
    )]
    found += [ReportWarning(w.code, f"refit: {w.message}") for w in estimate.warnings]
    return rows, found


def _level_groups(design):  # type: ignore[no-untyped-def]
    """The design's columns grouped by categorical term: its dummies, and in each
    interaction the columns that differ only in that categorical's level
    (``x:C(site)[T.b]``, ``x:C(site)[T.c]``, ...)."""
    from collections import defaultdict

    groups = defaultdict(set)
    for categorical in design.categoricals:
        dummies = {categorical.column(level) for level in categorical.levels}
        for name in design.column_names:
            parts = name.split(":")
            for i, part in enumerate(parts):
                if part in dummies:
                    key = (categorical.term, *parts[:i], "*", *parts[i + 1:])
                    groups[key].add(name)
        for key, members in groups.items():
            if key[0] == categorical.term:
                yield categorical, members


def _join(names: list[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


#: One fit at a time freezes objects: `gc.freeze` is process-wide.
_FREEZING = threading.Lock()


@contextmanager
def _collecting_new_cycles() -> Iterator[None]:
    """On leaving, free the reference cycles made inside the block, and only those.

    formulaic leaves the data frame in reference cycles, which only the
    garbage collector frees: at its own pace when it is on (the frame often
    outlived the fit), never when it is off (the command line turns it off).
    Freezing what exists beforehand (`gc.freeze`) keeps the collection to the
    objects made since: 3 ms instead of 110 ms for the 190,000 objects the
    imports leave. Freed at once, 1e7 rows peak at 4.2 instead of 4.6 GiB,
    1e6 rows at 605 instead of 672 MiB.

    The freeze is process-wide, so fits in several threads take turns here. A
    caller that froze objects itself keeps them frozen, and pays a full
    collection instead.
    """
    import gc

    with _FREEZING:
        theirs = gc.get_freeze_count() > 0
        if not theirs:
            gc.freeze()
        try:
            yield
        finally:
            gc.collect()
            if not theirs:
                gc.unfreeze()


#: What the fit imports while the data are read (pandas and scipy.stats are most of it).
#: scikit-learn is not among them: a large refit imports it in its own forked process,
#: and a small one here when it is needed.
ESTIMATION_MODULES = ("pandas", "scipy.stats", "formulaic", "statsmodels.discrete.discrete_model")


def _while_importing(task: Callable[[], T], modules: tuple[str, ...]) -> T:
    """``task()`` on a worker thread while this thread imports ``modules``.

    Parsing (pyarrow) releases the GIL, so on two cores the imports cost no
    wall time while a file is read. The worker has ended when this returns. A
    failed import is left to the code that needs the module; a failed task
    stops the imports and raises here. The task runs in a copy of this thread's
    context, so that its messages are worded for the caller (`command_line_messages`).
    """
    import contextvars
    import importlib

    outcome: dict[str, Any] = {}
    context = contextvars.copy_context()

    def work() -> None:
        try:
            outcome["value"] = context.run(task)
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="statreport-read", daemon=True)
    worker.start()
    for name in modules:
        if "error" in outcome:
            break
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - it fails again, properly, where it is needed
            break
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


def _check_probability(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 < value < 1.0:
        raise UsageError(f"{name} must be a number strictly between 0 and 1; got {value!r}")


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise UsageError(f"{name} must be one of {shown}; got {value!r}")


def _assemble_warnings(design, estimate, crosscheck) -> tuple[ReportWarning, ...]:  # type: ignore[no-untyped-def]
    found = list(estimate.warnings)  # each estimator states its own non-convergence, first
    found.extend(design.warnings)
    if not crosscheck.passed:
        if not crosscheck.converged:
            why = "did not converge"
        elif crosscheck.max_abs_prob_diff > crosscheck.tolerance:
            why = f"differs by up to {crosscheck.max_abs_prob_diff:.3g} in predicted probability"
        else:
            why = f"differs by up to {crosscheck.max_abs_coef_diff:.3g} in a coefficient"
        found.append(
            ReportWarning(
                "crosscheck_failed",
                f"the independent scikit-learn refit {why}; treat the estimates with caution",
            )
        )
    if design.n_dropped:
        share = design.n_dropped / design.n_rows_read
        found.append(
            ReportWarning(
                "rows_dropped",
                f"{design.n_dropped} of {design.n_rows_read} rows ({share:.1%}) were dropped "
                "because a variable in the model was missing (listwise deletion)",
            )
        )
    if not design.has_intercept:
        found.append(
            ReportWarning(
                "no_intercept",
                "the model has no intercept; the likelihood-ratio test and pseudo-R-squared "
                "compare it with an intercept-only model, which is not nested in it",
            )
        )
    return tuple(found)


def _versions(sklearn_version: str) -> tuple[tuple[str, str], ...]:
    import formulaic
    import numpy
    import pandas
    import scipy
    import statsmodels

    return (
        ("statreport", _version.__version__),
        ("statsmodels", statsmodels.__version__),
        ("scikit-learn", sklearn_version),
        ("formulaic", formulaic.__version__),
        ("numpy", numpy.__version__),
        ("scipy", scipy.__version__),
        ("pandas", pandas.__version__),
    )


def _report_date(date: str | None) -> str | None:
    if date is not None:
        return str(date)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            stamp = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (ValueError, OverflowError) as exc:
            raise UsageError(f"SOURCE_DATE_EPOCH must be whole seconds; got {epoch!r}") from exc
        return stamp.date().isoformat()
    return None


__all__ = ["fit"]
