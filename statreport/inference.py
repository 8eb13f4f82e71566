"""Coefficient table, likelihood statistics and pseudo-R-squared from an `Estimate`.

Pure functions of numbers: they take arrays and return frozen result rows.
The log-likelihood of the intercept-only model is computed in closed form
(its MLE is the event rate), which is what statsmodels' ``llnull`` and R's
null deviance fit numerically.
"""

from __future__ import annotations

import math

import numpy as np

from .errors import UsageError
from .estimate import Estimate
from .result import Capabilities, CategoricalInfo, Coefficient, FitStatistics, PseudoR2, UnitOddsRatio


def coefficient_table(
    estimate: Estimate, names: tuple[str, ...], *, ci_level: float, capabilities: Capabilities
) -> tuple[Coefficient, ...]:
    """Standard errors, tests and confidence intervals as the estimator supports them,
    with odds ratios.

    Standard errors and z come from ``estimate.cov``; p-values are Wald's or the
    estimator's own (``capabilities.tests == "lr"``), intervals Wald's or its own
    (``capabilities.intervals == "profile"``); what the estimator does not support is
    NaN. So is every inferential column for terms whose estimates diverge
    (``estimate.separated_terms``), and for every term when the fit did not
    converge or the information matrix was singular.
    """
    from scipy import stats

    b = estimate.params
    if estimate.cov is None or not capabilities.standard_errors:
        se = np.full_like(b, np.nan)
    else:
        variance = np.diag(estimate.cov).copy()
        variance[variance < 0] = np.nan  # a singular information matrix
        se = np.sqrt(variance)
    separated = np.array([name in estimate.separated_terms for name in names], dtype=bool)
    valid = inference_valid(estimate) and capabilities.inferential
    se[separated] = np.nan
    if not valid:
        se[:] = np.nan  # no inference from a fit that did not converge or a singular Hessian
    with np.errstate(divide="ignore", invalid="ignore"):
        z = b / se
    crit = stats.norm.ppf(0.5 + ci_level / 2.0)
    if capabilities.tests == "lr" and estimate.p_values is not None:
        p = np.where(separated | (not valid), np.nan, estimate.p_values)
    elif capabilities.tests == "wald":
        p = 2.0 * stats.norm.sf(np.abs(z))
    else:
        p = np.full_like(b, np.nan)
    wald_low, wald_high = b - crit * se, b + crit * se
    if interval_method(estimate, capabilities) == "profile":
        assert estimate.intervals is not None
        low = np.where(separated | (not valid), np.nan, estimate.intervals[:, 0])
        high = np.where(separated | (not valid), np.nan, estimate.intervals[:, 1])
    elif capabilities.intervals != "none":
        low, high = wald_low, wald_high
    else:
        low = high = np.full_like(b, np.nan)
    with np.errstate(over="ignore"):
        odds, odds_low, odds_high = np.exp(b), np.exp(low), np.exp(high)
    if interval_method(estimate, capabilities) == "profile":
        with np.errstate(invalid="ignore"):
            gap = np.maximum(np.abs(low - wald_low), np.abs(high - wald_high))
            differs = gap > Coefficient.WALD_DISAGREEMENT * crit * se
    else:
        wald_low = wald_high = np.full_like(b, np.nan)
        differs = np.zeros(b.shape, dtype=bool)
    return tuple(
        Coefficient(
            term=names[i],
            estimate=float(b[i]),
            std_error=float(se[i]),
            z=float(z[i]),
            p_value=float(p[i]),
            ci_low=float(low[i]),
            ci_high=float(high[i]),
            odds_ratio=float(odds[i]),
            or_ci_low=float(odds_low[i]),
            or_ci_high=float(odds_high[i]),
            separated=bool(separated[i]),
            wald_ci_low=float(wald_low[i]),
            wald_ci_high=float(wald_high[i]),
            wald_differs=bool(differs[i]),
        )
        for i in range(b.shape[0])
    )


def interval_method(estimate: Estimate, capabilities: Capabilities) -> str:
    """The intervals the coefficient table shows: "profile" (the estimator's own),
    "wald" (from the covariance: also where the estimator's own could not be computed,
    as under separation) or "none"."""
    if capabilities.intervals == "none":
        return "none"
    return "profile" if capabilities.intervals == "profile" and estimate.intervals is not None else "wald"


def inference_valid(estimate: Estimate) -> bool:
    """Tests and intervals need a converged fit and a sampling covariance or intervals of
    the estimator's own (an estimator leaves ``cov`` None when its information matrix
    could not be inverted)."""
    return estimate.converged and (estimate.cov is not None or estimate.intervals is not None)


def null_log_likelihood(y: np.ndarray, *, has_intercept: bool = True) -> float:
    """Log-likelihood of the null model, in closed form: the intercept-only model (its
    estimate is the event rate), or, for a model without an intercept, the model with
    no parameter at all, every probability 1/2 (R's glm null model then), in which the
    model is nested."""
    n = y.shape[0]
    if not has_intercept:
        return -n * math.log(2.0)
    events = float(y.sum())
    rate = events / n
    total = 0.0
    if events > 0:
        total += events * math.log(rate)
    if events < n:
        total += (n - events) * math.log1p(-rate)
    return total


def fit_statistics(
    estimate: Estimate, y: np.ndarray, *, has_intercept: bool, capabilities: Capabilities
) -> FitStatistics:
    """Likelihood-ratio test against the intercept-only model, AIC, BIC, deviances.

    The likelihood-ratio test is the estimator's own when it has one
    (``estimate.model_test``: Firth's penalized LR test), NaN when its
    capabilities rule it out (a penalized fit: the reference distribution
    assumes maximum likelihood); AIC and BIC likewise. Log-likelihood and
    deviances are always reported. Under quasi-separation the LR statistic is
    given without a p-value.
    """
    from scipy import stats

    n = int(y.shape[0])
    k = int(estimate.params.shape[0])
    df_model = k - int(has_intercept)
    ll = estimate.log_likelihood
    ll_null = (null_log_likelihood(y, has_intercept=has_intercept) if estimate.null_log_likelihood is None
               else estimate.null_log_likelihood)
    llr = 2.0 * (ll - ll_null)
    # with estimates at infinity (quasi-separation) the log-likelihood is a supremum
    # and the chi-square reference of the LR test, which assumes finite estimates, fails
    testable = inference_valid(estimate) and not estimate.separated_terms
    llr_p = float(stats.chi2.sf(llr, df_model)) if df_model > 0 and testable else math.nan
    kind = "likelihood-ratio"
    if estimate.model_test is not None:
        llr, _, llr_p = estimate.model_test
        kind = estimate.model_test_kind
    if not capabilities.model_test:
        llr = llr_p = math.nan
    criteria = capabilities.information_criteria
    return FitStatistics(
        n_obs=n,
        events=int(y.sum()),
        df_model=df_model,
        df_resid=n - k,
        log_likelihood=ll,
        ll_null=ll_null,
        llr=llr,
        llr_p_value=llr_p,
        aic=-2.0 * ll + 2.0 * k if criteria else math.nan,
        bic=-2.0 * ll + k * math.log(n) if criteria else math.nan,
        deviance=-2.0 * ll,
        null_deviance=-2.0 * ll_null,
        converged=estimate.converged,
        iterations=estimate.iterations,
        llr_kind=kind,
    )


def pseudo_r2(fit: FitStatistics, y: np.ndarray, probabilities: np.ndarray) -> PseudoR2:
    """McFadden, Cox-Snell, Nagelkerke and Tjur pseudo-R-squared."""
    n = fit.n_obs
    cox_snell = -math.expm1(2.0 * (fit.ll_null - fit.log_likelihood) / n)
    max_cox_snell = -math.expm1(2.0 * fit.ll_null / n)
    positive = y == 1.0
    tjur = float(probabilities[positive].mean() - probabilities[~positive].mean())
    return PseudoR2(
        mcfadden=1.0 - fit.log_likelihood / fit.ll_null if fit.ll_null != 0 else math.nan,
        cox_snell=cox_snell,
        nagelkerke=cox_snell / max_cox_snell if max_cox_snell > 0 else math.nan,
        tjur=tjur,
    )


def odds_ratios_per_unit(
    rows: tuple[Coefficient, ...], units: dict[str, float], categoricals: tuple[CategoricalInfo, ...]
) -> tuple[UnitOddsRatio, ...]:
    """Odds ratios per ``units[term]`` units of each named numeric term: exp(unit * estimate),
    with the interval bounds scaled alike (the log-odds scale is linear in the unit)."""
    check_units(units, tuple(row.term for row in rows), categoricals)
    by_term = {row.term: row for row in rows}
    found = []
    for term, unit in units.items():
        row = by_term[term]
        with np.errstate(over="ignore"):
            found.append(UnitOddsRatio(term, unit, float(np.exp(unit * row.estimate)),
                                       float(np.exp(unit * row.ci_low)), float(np.exp(unit * row.ci_high))))
    return tuple(found)


def check_units(
    units: dict[str, float], names: tuple[str, ...], categoricals: tuple[CategoricalInfo, ...]
) -> None:
    """Refuse units for a name that is not a numeric term of the design (before the fit)."""
    dummies = {cat.column(level) for cat in categoricals for level in cat.levels}
    numeric = [name for name in names if name != "Intercept" and name not in dummies]
    for term in units:
        if term not in numeric:
            raise UsageError(f"units names '{term}', which is not a numeric term of the model; "
                             f"its numeric terms are {', '.join(repr(t) for t in numeric) or 'none'}")
