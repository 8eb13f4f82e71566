"""`fit`: the one function that turns a formula and data into a `FitResult`.

Data flows one way: data -> design -> estimate -> inference, classification,
cross-check -> one frozen `FitResult`. Nothing here imports a renderer.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from . import _version
from .errors import UsageError
from .result import DataProvenance, FitResult, ModelInfo, ReportWarning

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
    missing: str = "drop",
    allow_python_formula: bool = False,
) -> FitResult:
    """Fit a logistic regression and assemble the complete report.

    Parameters
    ----------
    formula : str
        Model formula, ``"outcome ~ x1 + C(group) + x2"`` (formulaic syntax).
    data : DataFrame or path
        The data, or a ``.csv``/``.tsv``/``.parquet`` file to read.
    threshold : float, default 0.5
        Probability cut-off for the classification table; predicted 1 when the
        fitted probability is greater than it. Must lie strictly between 0 and 1.
    ci_level : float, default 0.95
        Confidence level of the Wald intervals, strictly between 0 and 1.
    positive : str, optional
        The outcome value counted as 1. Needed unless the outcome is 0/1 or boolean.
    title : str, optional
        Report title; defaults to the formula.
    date : str, optional
        Date printed on the report. Defaults to the ``SOURCE_DATE_EPOCH``
        environment variable if set; otherwise the report carries no date, so
        the same input always gives the same bytes.
    sep, encoding, decimal
        Delimiter, text encoding and decimal mark of a delimited data file. The
        delimiter is detected when not given; an ambiguous file is an error.
    missing : {"drop", "raise"}, default "drop"
        Rows with a missing value in a model variable are dropped (and counted
        per column in the report), or any missing value is an error.
    allow_python_formula : bool, default False
        Skip the formula allow-list. Unsafe for formulas from untrusted sources:
        formula terms are evaluated as Python.

    Returns
    -------
    FitResult
        Frozen result; ``.coefficients`` is a DataFrame, ``.to_html(path)``,
        ``.to_json(path)`` and ``.to_dict()`` render it.

    Raises
    ------
    FormulaError, DataError, FitError, UsageError
        All subclasses of `StatReportError`, each with a message naming what is wrong.
    """
    _check_probability("threshold", threshold)
    _check_probability("ci_level", ci_level)
    _check_choice("missing", missing, ("drop", "raise"))
    _check_choice("decimal", decimal, (".", ","))
    if positive is not None:
        positive = str(positive)

    from .classification import classify
    from .crosscheck import crosscheck_sklearn
    from .curves import figure_data
    from .data import load_data
    from .design import build_design
    from .estimate import fit_mle
    from .formula import parse_formula
    from .inference import coefficient_table, fit_statistics, pseudo_r2

    parsed = parse_formula(formula, allow_python=allow_python_formula)
    loaded = load_data(data, parsed.columns, sep=sep, encoding=encoding, decimal=decimal)
    design = build_design(parsed, loaded.frame, positive=positive, missing=missing)
    estimate = fit_mle(design)

    fit_stats = fit_statistics(estimate, design.y, has_intercept=design.has_intercept)
    crosscheck = crosscheck_sklearn(design, estimate, threshold=threshold)
    warnings = _assemble_warnings(design, estimate, crosscheck)
    return FitResult(
        model=ModelInfo(
            formula=parsed.text,
            outcome=design.outcome,
            positive_class=design.positive_class,
            method=estimate.method,
            n_params=len(design.column_names),
            has_intercept=design.has_intercept,
            categoricals=design.categoricals,
        ),
        data=DataProvenance(
            source=loaded.source,
            format=loaded.format,
            size_bytes=loaded.size_bytes,
            sha256=loaded.sha256,
            n_rows_read=design.n_rows_read,
            n_obs=design.n_obs,
            n_dropped=design.n_dropped,
            dropped_by_column=design.dropped_by_column,
        ),
        fit=fit_stats,
        pseudo_r2=pseudo_r2(fit_stats, design.y, estimate.probabilities),
        coefficient_rows=coefficient_table(estimate, design.column_names, ci_level=ci_level),
        classification=classify(design.y, estimate.probabilities, threshold=threshold),
        crosscheck=crosscheck,
        ci_level=ci_level,
        warnings=warnings,
        versions=_versions(),
        title=title,
        date=_report_date(date),
        figures=figure_data(design, estimate.params, estimate.probabilities, threshold=threshold),
    )


def _check_probability(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 < value < 1.0:
        raise UsageError(f"{name} must be a number strictly between 0 and 1; got {value!r}")


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise UsageError(f"{name} must be one of {shown}; got {value!r}")


def _assemble_warnings(design, estimate, crosscheck) -> tuple[ReportWarning, ...]:  # type: ignore[no-untyped-def]
    found = [w for w in estimate.warnings if w.code != "not_converged"]
    if not estimate.converged:
        found.insert(0, ReportWarning(
            "not_converged",
            f"the fit did not converge: Newton's method stopped after {estimate.iterations} of "
            f"{estimate.max_iterations} iterations without meeting its tolerance; estimates, "
            "standard errors and p-values are not reliable",
        ))
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


def _versions() -> tuple[tuple[str, str], ...]:
    import formulaic
    import numpy
    import pandas
    import scipy
    import sklearn
    import statsmodels

    return (
        ("statreport", _version.__version__),
        ("statsmodels", statsmodels.__version__),
        ("scikit-learn", sklearn.__version__),
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
