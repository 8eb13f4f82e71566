"""Display labels: the one place where field names become words on a page."""

from __future__ import annotations

COEFFICIENT_COLUMNS: dict[str, str] = {
    "term": "Term",
    "counts": "n (events)",
    "estimate": "Estimate",
    "std_error": "Std. error",
    "z": "z",
    "p_value": "P>|z|",
    "ci": "{level} CI",
    "odds_ratio": "Odds ratio",
    "or_ci": "{level} CI (odds ratio)",
}

#: The columns that change when the p-values come from likelihood-ratio tests (Firth's).
LR_TEST_COLUMNS: dict[str, str] = {
    "z": "Wald z",
    "p_value": "P (LR test)",
}

FIT_STATISTICS: dict[str, str] = {
    "log_likelihood": "Log-likelihood",
    "ll_null": "Log-likelihood, intercept only",
    "ll_null_no_intercept": "Log-likelihood, null model (p = 1/2)",
    "llr": "LR chi-square",
    "llr_p_value": "LR test p-value",
    "robust_wald": "Wald chi-square, robust",
    "robust_wald_p_value": "Wald test p-value",
    "aic": "AIC",
    "bic": "BIC",
    "deviance": "Residual deviance",
    "null_deviance": "Null deviance",
}

PSEUDO_R2: dict[str, str] = {
    "mcfadden": "McFadden",
    "cox_snell": "Cox & Snell",
    "nagelkerke": "Nagelkerke",
    "tjur": "Tjur (coefficient of discrimination)",
}

CLASSIFICATION_METRICS: dict[str, str] = {
    "accuracy": "Accuracy",
    "sensitivity": "Sensitivity (recall)",
    "specificity": "Specificity",
    "ppv": "Positive predictive value (precision)",
    "npv": "Negative predictive value",
    "f1": "F1 score",
    "balanced_accuracy": "Balanced accuracy",
    "auc": "ROC AUC",
    "brier": "Brier score",
}

METHODS: dict[str, str] = {
    "mle": "Maximum likelihood (Newton), statsmodels Logit",
    "l1": "Penalized likelihood, L1 (lasso)",
    "l2": "Penalized likelihood, L2 (ridge)",
    "elasticnet": "Penalized likelihood, elastic net",
}

#: What each standard-error type is called (``model.se_type``), and how it is computed.
STANDARD_ERRORS: dict[str, tuple[str, str]] = {
    "model": ("model-based", ""),
    "hc0": ("robust", "HC0 sandwich"),
    "hc1": ("robust", "HC1 sandwich, times n/(n\u2212k)"),
    "hc3": ("robust", "HC3 sandwich, leverage-adjusted"),
    "cluster": ("cluster-robust", "sandwich summed by cluster, times G/(G\u22121)"),
}


def standard_errors(se_type: str, cluster: str | None = None, n_clusters: int | None = None) -> str:
    """"robust standard errors (HC3 sandwich, leverage-adjusted)", "cluster-robust standard errors
    (by school, 83 clusters; sandwich summed by cluster, times G/(G−1))"."""
    name, how = STANDARD_ERRORS.get(se_type, (se_type, ""))
    if se_type == "cluster" and cluster is not None:
        how = f"by {cluster}" + (f", {n_clusters:,} clusters" if n_clusters is not None else "") + f"; {how}"
    return f"{name} standard errors" + (f" ({how})" if how else "")


#: What each kind of interval is called (``model.ci_method``).
INTERVALS: dict[str, str] = {
    "wald": "Wald",
    "profile": "profile-likelihood",
    "none": "none",
}


def ci_label(level: float) -> str:
    """"95% CI" for 0.95; keeps a decimal only when the level needs it."""
    percent = level * 100
    text = f"{percent:.0f}" if abs(percent - round(percent)) < 1e-9 else f"{percent:g}"
    return f"{text}%"
