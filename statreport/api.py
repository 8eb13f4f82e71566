"""`fit`: the one function that turns a formula and data into a `FitResult`.

Data flows one way: data -> design -> estimator (registered by name in
`statreport.estimators`) -> inference, classification, cross-check -> one
frozen `FitResult`. Nothing here imports a renderer, and nothing here runs
concurrently: `run` takes an `Execution` (`statreport.parallel`), which the
library's `fit` makes `Serial` and the command line makes `CommandLine`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _version
from .errors import UsageError, warning_class
from .fit_result import FitResult
from .progress import StageHook, Stages
from .result import (
    Classification,
    Coefficient,
    CrossCheck,
    DataProvenance,
    FigureData,
    FitStatistics,
    ModelInfo,
    PseudoR2,
    ReportWarning,
    TermTest,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .design import Design
    from .estimators import Estimate, Estimator
    from .parallel import Execution


def fit(
    formula: str,
    data: pd.DataFrame | str | Path,
    *,
    threshold: float = 0.5,
    ci_level: float = 0.95,
    ci_method: str = "auto",
    se: str | None = None,
    cluster: str | None = None,
    weights: str | None = None,
    trials: str | None = None,
    class_weight: str | None = None,
    units: dict[str, float] | None = None,
    positive: str | None = None,
    title: str | None = None,
    date: str | None = None,
    sep: str | None = None,
    encoding: str = "utf-8",
    decimal: str = ".",
    na_values: Sequence[str] = (),
    missing: str = "drop",
    allow_python_formula: bool = False,
    method: str | None = None,
    penalty: str | None = None,
    alpha: float | str | None = None,
    l1_ratio: float | None = None,
    folds: int = 5,
    seed: int = 0,
    cv_rule: str = "min",
    refit: bool = False,
    max_memory: int | str | None = None,
    on_stage: StageHook | None = None,
) -> FitResult:
    """Fit a logistic regression and assemble the complete report.

    Parameters
    ----------
    formula : str
        Model formula, ``"outcome ~ x1 + C(group) + x2"`` (formulaic syntax); ``.`` stands for
        every other column of the data (``"outcome ~ ."``, as in R; the report shows them).
    data : DataFrame or path
        The data, or a ``.csv``/``.tsv`` (plain, ``.gz`` or ``.bz2``) or ``.parquet`` file to read.
    threshold : float, default 0.5
        Probability cut-off for the classification table; predicted 1 when the
        fitted probability is greater than it. Must lie strictly between 0 and 1.
    ci_level : float, default 0.95
        Confidence level of the intervals, strictly between 0 and 1.
    ci_method : {"auto", "profile", "wald"}, default "auto"
        Confidence intervals of maximum likelihood: profile likelihood (R's ``confint``,
        SAS's ``CLPARM=PL``: the bounds where twice the drop of the profile
        log-likelihood reaches the chi-square quantile, found to 1e-10 standard errors)
        or Wald (estimate +/- z SE). "auto": profile up to 100,000 rows with model-based
        standard errors, Wald above (the report says so) and with robust ones.
        Odds-ratio intervals follow; the JSON also gives the Wald bounds beside profile ones.
    se : {"model", "hc0", "hc1", "hc3"}, optional
        Standard errors: model-based (the inverse information; the default, but HC0 with
        ``class_weight``), or robust sandwich
        ones: HC0, HC1 (times n/(n-k), Stata's ``vce(robust)``) or HC3 (leverage-adjusted),
        as R's ``sandwich::vcovHC``. z, p-values and intervals follow.
    cluster : str, optional
        Column naming each row's cluster (matched set, subject, school): cluster-robust
        standard errors, the HC0 sandwich summed by cluster times G/(G-1) (Stata's
        ``vce(cluster)``, R's ``sandwich::vcovCL(type = "HC0", cadjust = TRUE)``).
    weights : str, optional
        Column of frequency weights: whole numbers, each row standing for that many
        identical observations. The report is exactly that of the expanded rows
        (n is the sum of the weights); memory grows with that sum.
    trials : str, optional
        Column of trials for events/trials data: the outcome column then counts the
        events of each row out of that many trials (a published table of counts).
    class_weight : {"balanced"}, optional
        Weight each class by n / (2 n_class) (scikit-learn's definition), a remedy taught
        for rare outcomes: standard errors are robust (HC0 unless ``se`` says otherwise),
        there is no likelihood-ratio test, AIC or BIC, and the fitted probabilities are
        those of a balanced sample, not risks (the report says so).
    units : dict, optional
        Odds ratios also per these units of numeric predictors: ``{"age": 10}`` gives
        the odds ratio per 10 years of age, with its interval (SAS's UNITS).
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
    method : {"mle", "firth"}, optional
        The estimator: maximum likelihood (the default), or Firth's bias-reduced
        penalized likelihood (finite estimates under separation, less biased with
        few events; profile penalized-likelihood intervals and likelihood-ratio
        tests, FLIC-corrected predicted probabilities). A ``penalty`` implies a
        penalized fit.
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
    max_memory : int or str, optional
        Memory budget for the data, the design matrix and the fit: bytes, or a size
        such as ``"4GB"`` (10**9 bytes a GB; ``"4GiB"`` 2**30). Default: half of the
        memory available. Data, a design or a fit that would need more is refused
        before the memory is spent (`DataError`, `FitError`).
    on_stage : callable, optional
        Called as ``on_stage(name, seconds)`` when a stage starts (seconds < 0)
        and ends; the command line uses it for progress and --verbose timings.
        A long stage also reports where it is, as a start of
        ``"name (where)"``: ``"cross-validating alpha (fold 2/5, alpha 7/20, about 3 min left)"``.

    Returns
    -------
    FitResult
        Frozen result; ``.coefficients`` is a DataFrame, ``.to_html(path)``,
        ``.to_json(path)`` and ``.to_dict()`` render it.

    Raises
    ------
    UsageError, FormulaError, DataError, FitError
        All subclasses of `StatReportError` and of ``ValueError`` (an option of the
        wrong type: ``TypeError``), each with a message naming what is wrong.

    Warns
    -----
    StatReportWarning
        One per warning in the report (``FitResult.warnings``), its code in brackets
        at the end of the message, as a subclass that says what kind it is
        (`statreport.errors.ConvergenceWarning`, ``SeparationWarning``,
        ``CrossCheckWarning``, ...). Silence them all with
        ``warnings.simplefilter("ignore", statreport.StatReportWarning)``.
    """
    from .options import validate
    from .parallel import Serial

    options = validate({
        "threshold": threshold, "ci_level": ci_level, "ci_method": ci_method, "se": se, "cluster": cluster,
        "weights": weights, "trials": trials, "class_weight": class_weight,
        "units": units, "positive": positive,
        "title": title,
        "date": date, "sep": sep, "encoding": encoding, "decimal": decimal,
        "na_values": na_values, "missing": missing, "allow_python_formula": allow_python_formula,
        "method": method, "penalty": penalty, "alpha": alpha, "l1_ratio": l1_ratio,
        "folds": folds, "seed": seed, "cv_rule": cv_rule, "refit": refit, "max_memory": max_memory,
    })
    result = run(formula, data, options, on_stage=on_stage, execution=Serial())
    for warning in result.warnings:  # a script sees them too, not only the report
        warnings.warn(f"{warning.message} [{warning.code}]", warning_class(warning.code), stacklevel=2)
    return result


def run(
    formula: str,
    data: pd.DataFrame | str | Path,
    options: dict[str, Any],
    *,
    on_stage: StageHook | None,
    execution: Execution,
) -> FitResult:
    """`fit` with validated ``options`` (`statreport.options.validate`), its
    independent work run by ``execution``; emits no warnings (they are in the result)."""
    from . import estimators
    from .budget import MemoryBudget
    from .data import load_data, release_arrow_memory
    from .errors import MissingColumnError
    from .formula import needed_columns
    from .options import BY_KEYWORD, option

    if not isinstance(formula, str):
        raise UsageError(f"formula must be a str such as 'y ~ x'; got {type(formula).__name__}")
    formula = with_dot_expanded(formula, data, options)
    estimator = estimators.create(options)
    budget = MemoryBudget.from_option(options.get("max_memory"), options["method"])
    stage = Stages(on_stage)
    allow_python = options["allow_python_formula"]
    columns = needed_columns(formula, allow_python=allow_python) | row_columns(options)
    with stage("reading data"):
        try:
            loaded = execution.read(
                lambda: load_data(data, columns, sep=options["sep"], encoding=options["encoding"],
                                  decimal=options["decimal"], na_values=options["na_values"],
                                  alongside=execution.alongside, budget=budget),
                ESTIMATION_MODULES,
            )
        except MissingColumnError as exc:  # say which option named it, if one did
            named = [o for o in ROW_OPTIONS if options.get(o) == exc.column]
            if named and exc.column not in needed_columns(formula, allow_python=allow_python):
                raise exc.rename(option(BY_KEYWORD[named[0]].flag, exc.column)) from None
            raise
    from .crosscheck import compare
    from .design import build_design
    from .formula import parse_formula
    from .inference import check_units, interval_method, odds_ratios_per_unit
    from .levels import level_counts

    parsed = parse_formula(formula, allow_python=allow_python)
    with execution.freeing():  # the data frame is freed on leaving
        with stage("building the design"):
            design = build_design(parsed, loaded.frame, positive=options["positive"],
                                  missing=options["missing"], budget=budget, cluster=options["cluster"],
                                  weights=options["weights"], trials=options["trials"],
                                  from_file=loaded.format not in ("dataframe", "parquet"))
        provenance = DataProvenance(
            source=loaded.source,
            format=loaded.format,
            size_bytes=loaded.size_bytes,
            sha256=loaded.sha256,
            n_rows_read=design.n_rows_read,
            n_obs=design.n_obs,
            n_dropped=design.n_dropped,
            n_rows_used=design.n_rows_used,
            expansion=design.expansion,
            dropped_by_column=design.dropped_by_column,
            delimiter=loaded.delimiter,
        )
        del loaded  # the data frame is not needed past the design matrix
    release_arrow_memory()
    threshold, ci_level = options["threshold"], options["ci_level"]
    units = dict(options["units"] or ())
    check_units(units, design.column_names, design.categoricals)
    estimator.check(design)
    estimator = estimator.tune(design, stage=stage)
    pending = (None if estimator.refit_needs_estimate
               else execution.beside(estimator.refit, design, None, rows=design.n_obs))
    try:  # a failure from here on stops a refit under way
        with stage("fitting"):
            estimate = estimator.fit(design, ci_level=ci_level, stage=stage)
        with stage("summarizing"):
            summary = _summarize(design, estimate, estimator, threshold=threshold, ci_level=ci_level)
        terms = _term_tests(design, estimate, estimator, stage)
    except BaseException:
        if pending is not None:
            pending.cancel()
        raise
    with stage("cross-checking"):
        refit = pending.result() if pending is not None else estimator.refit(design, estimate)
        crosscheck = compare(design, estimate, refit, threshold=threshold, tolerances=estimator.tolerances)
    from .scoring import scoring_state

    scoring = scoring_state(design, estimate, formula=parsed.text, allow_python=allow_python)
    per_unit = odds_ratios_per_unit(summary.coefficient_rows, units, design.categoricals)
    levels = level_counts(design)
    model = ModelInfo(
        formula=parsed.text,
        outcome=design.outcome,
        positive_class=design.positive_class,
        negative_class=design.negative_class,
        method=estimate.method,
        n_params=len(design.column_names),
        has_intercept=design.has_intercept,
        categoricals=design.categoricals,
        method_label=estimator.label,
        ci_method=interval_method(estimate, estimator.capabilities),
        probabilities=estimate.probabilities_note,
        se_type=estimator.capabilities.se_type,
        cluster=design.cluster,
        ci_note=estimate.interval_note,
        class_weight=options["class_weight"],
    )
    return FitResult(
        model=model,
        data=provenance,
        fit=summary.fit,
        pseudo_r2=summary.pseudo_r2,
        coefficient_rows=summary.coefficient_rows,
        classification=summary.classification,
        crosscheck=crosscheck,
        ci_level=ci_level,
        inference=estimator.capabilities,
        warnings=_assemble_warnings(design, estimate, crosscheck) + _collinearity(terms),
        versions=_versions(crosscheck.version),
        title=options["title"],
        date=_report_date(options["date"]),
        figures=summary.figures,
        method_details=estimate.details,
        terms=terms,
        per_unit=per_unit,
        levels=levels,
        scoring=scoring,
    )


@dataclass(frozen=True)
class _Summary:
    """The result's parts that the cross-check does not touch."""

    fit: FitStatistics
    pseudo_r2: PseudoR2
    coefficient_rows: tuple[Coefficient, ...]
    classification: Classification
    figures: FigureData


#: The options that name a column the data must have besides the formula's.
ROW_OPTIONS = ("cluster", "weights", "trials")


def with_dot_expanded(formula: str, data: pd.DataFrame | str | Path, options: dict[str, Any]) -> str:
    """The formula with ``.`` ("every other column", as R's ``y ~ .``) written out from the
    data's column names (not the columns that options name: clusters, weights, trials)."""
    from .formula import expand_dot, has_dot

    if not isinstance(formula, str) or not has_dot(formula):
        return formula
    from .data import column_names

    names = column_names(data, sep=options["sep"], encoding=options["encoding"])
    return expand_dot(formula, names, exclude=row_columns(options))


def row_columns(options: dict[str, Any]) -> frozenset[str]:
    """Columns the options read besides the formula's (clusters, weights, trials)."""
    return frozenset(c for c in (options.get(k) for k in ROW_OPTIONS) if c is not None)


def _summarize(design: Design, estimate: Estimate, estimator: Estimator, *, threshold: float,
               ci_level: float) -> _Summary:
    """The result's parts that the cross-check does not touch (computed while a
    refit may still run beside)."""
    from .classification import classify
    from .curves import figure_data, full_roc, rank
    from .inference import coefficient_table, fit_statistics, pseudo_r2

    y, probabilities = design.y, estimate.probabilities
    ranked = rank(y, probabilities)  # one sort for the ROC curve and the calibration groups
    fpr, tpr, auc = full_roc(ranked)
    capabilities = estimator.capabilities
    fit_stats = dataclasses.replace(
        fit_statistics(estimate, y, has_intercept=design.has_intercept, capabilities=capabilities),
        n_clusters=design.n_clusters)
    return _Summary(
        fit=fit_stats,
        pseudo_r2=pseudo_r2(fit_stats, y, probabilities),
        coefficient_rows=coefficient_table(estimate, design.column_names, ci_level=ci_level,
                                           capabilities=capabilities),
        classification=classify(y, probabilities, threshold=threshold, auc=auc),
        figures=figure_data(design, estimate.params, ranked, (fpr, tpr), threshold=threshold),
    )


def _term_tests(
    design: Design, estimate: Estimate, estimator: Estimator, stage: Stages
) -> tuple[TermTest, ...]:
    """One likelihood-ratio test per term (`statreport.terms`), where the estimator's
    refits keep their meaning and the data are not too large for a refit per term."""
    from .inference import inference_valid
    from .terms import TERM_TEST_ROWS, term_tests

    if (not estimator.capabilities.term_tests or design.n_obs > TERM_TEST_ROWS
            or not inference_valid(estimate) or estimate.separated_terms):
        return ()
    with stage("testing terms"):
        return term_tests(design, estimate.log_likelihood,
                          lambda columns: estimator.submodel_log_likelihood(design, columns, estimate.params),
                          cov=estimate.cov)


#: What the fit imports while the data are read (pandas and scipy.stats are most of it),
#: where the execution reads and imports at once. scikit-learn is not among them: a
#: large refit imports it in its own forked process, and a small one here when needed.
ESTIMATION_MODULES = ("pandas", "scipy.stats", "formulaic", "statsmodels.discrete.discrete_model")


def _collinearity(terms: tuple[TermTest, ...]) -> tuple[ReportWarning, ...]:
    """A warning naming the terms whose generalized VIF passes the usual threshold."""
    from .terms import COLLINEAR_VIF, shares_a_variable

    # x and I(x**2) are collinear by construction (the section says to centre x): no warning
    inflated = [t for t in terms if t.gvif_df ** 2 > COLLINEAR_VIF
                and not shares_a_variable(t.term, [o.term for o in terms if o is not t])]
    if not inflated:
        return ()
    shown = ", ".join(f"'{t.term}' (GVIF^(1/(2 df)) {t.gvif_df:.2f})" for t in inflated)
    return (ReportWarning(
        "collinearity",
        f"{shown}: the other terms inflate the variance of these coefficients more than "
        f"{COLLINEAR_VIF:g}-fold (a VIF above {COLLINEAR_VIF:g}), so their standard errors are large and "
        "their estimates unstable; consider combining or dropping closely related predictors",
    ),)


def _assemble_warnings(
    design: Design, estimate: Estimate, crosscheck: CrossCheck
) -> tuple[ReportWarning, ...]:
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
                "the model has no intercept: its null model, which the likelihood-ratio test "
                "and the pseudo-R-squared compare it with, is the model in which every "
                "probability is 1/2 (as R's glm), not the intercept-only model",
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
