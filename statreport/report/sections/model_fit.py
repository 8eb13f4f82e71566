"""The Model fit section: likelihoods, the test against the intercept-only model,
information criteria, deviances and pseudo-R-squared."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ...result import ResultData
from .. import formatting, labels
from ..document import Grid, Note, Row, Section, Table, cell, number, strong, text


def build(result: ResultData) -> Section:
    f, inference = result.fit, result.inference
    names = labels.FIT_STATISTICS
    null = names["ll_null"] if result.model.has_intercept else names["ll_null_no_intercept"]
    rows = [_row(names["log_likelihood"], formatting.number(f.log_likelihood, 3)),
            _row(null, formatting.number(f.ll_null, 3))]
    if f.llr_kind == "robust Wald":  # robust standard errors: the model's test uses them too
        rows += [_row(f"{names['robust_wald']} ({f.df_model} df)", formatting.number(f.llr, 3)),
                 _row(names["robust_wald_p_value"], formatting.p_value(f.llr_p_value))]
    elif inference.model_test:
        own = f.llr_kind.replace("likelihood-ratio", "").strip().capitalize()  # "Penalized"
        rows += [_row(f"{own} {names['llr']} ({f.df_model} df)".strip(), formatting.number(f.llr, 3)),
                 _row(f"{own} {names['llr_p_value']}".strip(), formatting.p_value(f.llr_p_value))]
    if inference.information_criteria:
        rows += [_row(names["aic"], formatting.number(f.aic, 3)),
                 _row(names["bic"], formatting.number(f.bic, 3))]
    deviance_df = f" ({formatting.integer(f.df_resid)} df)" if inference.information_criteria else ""
    rows += [_row(names["deviance"] + deviance_df, formatting.number(f.deviance, 3)),
             _row(names["null_deviance"], formatting.number(f.null_deviance, 3))]
    statistics = Table("statistics", tuple(rows), header=(Row((cell("Statistic", header=True),
                                                                cell("Value", header=True))),))
    pseudo = Table("pseudo-r2", tuple(_row(label, formatting.fixed(getattr(result.pseudo_r2, key), 4))
                                      for key, label in labels.PSEUDO_R2.items()),
                   header=(Row((cell("Pseudo-R\u00b2", header=True), cell("Value", header=True))),))
    title = "Model fit" + (" (penalized estimate)" if inference.shrunk else "")
    fit = asdict(f)
    if not inference.model_test:  # null by design, not a non-finite value
        fit.update(dict.fromkeys(("llr", "llr_p_value"), None))
    if not inference.information_criteria:
        fit.update(dict.fromkeys(("aic", "bic"), None))
    return Section("model_fit", title, (Grid((statistics, pseudo)), _note(result)),
                   json={"fit": fit, "pseudo_r2": asdict(result.pseudo_r2)})


def _row(label: str, value: str) -> Row:
    return Row((cell(label, role="label"), number(value)))


def _note(result: ResultData) -> Note:
    f, inference = result.fit, result.inference
    parts: list[Any]
    if result.model.class_weight is not None:
        parts = ["The log-likelihoods and deviances are the class-weighted ones the fit maximizes (the null "
                 "model's too). The test of the model is a Wald test that every slope is zero, with the "
                 "robust covariance; AIC and BIC are not shown: a weighted fit maximizes no likelihood of "
                 "these data."]
    elif not inference.model_test:
        parts = ["At the penalized estimate. The likelihood-ratio test, AIC and BIC are not shown: they "
                 "assume maximum-likelihood estimates and a known number of parameters."]
    elif any(row.separated for row in result.coefficient_rows):
        parts = [strong("Quasi-complete separation:"), " the log-likelihood is its supremum, with the terms "
                 "marked \u2020 at infinity, and the LR test has no p-value: its chi-square reference "
                 "assumes finite estimates. AIC and BIC count those terms as parameters."]
    elif not f.converged:
        parts = [strong("The fit did not converge:"), " the log-likelihood and everything computed from it "
                 "(LR chi-square, AIC, BIC, deviance, pseudo-R\u00b2) are at the point where the optimizer "
                 "stopped, not at a maximum, and the LR test has no p-value."]
    elif not inference.information_criteria:
        parts = [f"The log-likelihood, deviances and the likelihood-based pseudo-R\u00b2 are the unpenalized "
                 f"ones at the estimate. The test of the model is the {f.llr_kind} test against the "
                 "intercept-only model fitted the same way. AIC and BIC are not shown: they assume "
                 "maximum-likelihood estimates."]
    elif f.llr_kind == "robust Wald":
        parts = ["The test of the model is a Wald test that every slope is zero, with the robust "
                 "covariance: a likelihood-ratio test would trust the model's own variance, which the robust "
                 f"standard errors do not. BIC uses log(n) with n = {formatting.integer(f.n_obs)}."]
    else:
        null = ("the intercept-only model" if result.model.has_intercept else
                "the null model, every probability 1/2 (the model has no intercept; as R's glm)")
        parts = [f"The likelihood-ratio test compares the model with {null}. BIC uses "
                 f"log(n) with n = {formatting.integer(f.n_obs)}."]
    if result.model.probabilities:
        parts.append(" Tjur's R\u00b2 uses the report's predicted probabilities "
                     f"({result.model.probabilities}).")
    return Note(text(*parts))
