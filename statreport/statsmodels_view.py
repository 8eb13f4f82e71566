"""The result under statsmodels' names, for scripts moving from statsmodels: Wald intervals
as ``conf_int`` gives them and a text summary in the layout of ``Logit.fit().summary()``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .result import ResultData


def wald_intervals(result: ResultData, alpha: float) -> pd.DataFrame:
    """estimate -/+ z(1 - alpha/2) x standard error per design column, columns 0 and 1."""
    import pandas as pd
    from scipy.stats import norm

    from .errors import UsageError

    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise UsageError(f"alpha must be a number strictly between 0 and 1; got {alpha!r}")
    z = float(norm.ppf(1 - alpha / 2))
    rows = result.coefficient_rows
    return pd.DataFrame([[r.estimate - z * r.std_error, r.estimate + z * r.std_error] for r in rows],
                        index=[r.term for r in rows], columns=[0, 1])


class Summary:
    """``Logit.fit().summary()``'s layout: the model, then one row per coefficient with its
    Wald interval (the report, ``to_html``/``to_pdf``, says more)."""

    WIDTH = 78

    def __init__(self, result: ResultData) -> None:
        self._result = result

    def as_text(self) -> str:
        r, f = self._result, self._result.fit
        line = "=" * self.WIDTH
        left = [("Dep. Variable:", r.model.outcome), ("Model:", "Logit"),
                ("Method:", r.model.method.upper()), ("Converged:", str(f.converged)),
                ("Covariance Type:", "nonrobust" if r.model.se_type == "model" else r.model.se_type)]
        right = [("No. Observations:", f"{f.n_obs}"), ("Df Residuals:", f"{f.df_resid}"),
                 ("Df Model:", f"{f.df_model}"), ("Pseudo R-squ.:", _number(r.pseudo_r2.mcfadden, 4)),
                 ("Log-Likelihood:", _number(f.log_likelihood, 2)), ("LL-Null:", _number(f.ll_null, 2)),
                 ("LLR p-value:", _number(f.llr_p_value, 4, general=True))]
        half = self.WIDTH // 2
        header = []
        for i in range(max(len(left), len(right))):
            a = left[i] if i < len(left) else ("", "")
            b = right[i] if i < len(right) else ("", "")
            header.append(f"{a[0]:<17}{a[1]:>{half - 19}}  {b[0]:<19}{b[1]:>{half - 19}}")
        conf = wald_intervals(r, 0.05)
        width = max([len(row.term) for row in r.coefficient_rows] + [10])
        heads = ("coef", "std err", "z", "P>|z|", "[0.025", "0.975]")
        table = [f"{'':<{width}} " + " ".join(f"{h:>10}" for h in heads),
                 "-" * max(self.WIDTH, width + 66)]
        for row, (low, high) in zip(r.coefficient_rows, conf.itertuples(index=False), strict=True):
            cells = [_number(v, 4) for v in (row.estimate, row.std_error, row.z)]
            cells += [_number(row.p_value, 3), _number(low, 3), _number(high, 3)]
            table.append(f"{row.term:<{width}} " + " ".join(f"{c:>10}" for c in cells))
        title = "Logit Regression Results".center(self.WIDTH)
        notes = [f"Note: {w.message}" for w in r.warnings]
        if r.inference.shrunk:
            notes.insert(0, "Note: a penalized fit: no standard errors, p-values or intervals (nan).")
        return "\n".join([title, line, *header, line, *table, line, *notes]).rstrip()

    def __str__(self) -> str:
        return self.as_text()

    __repr__ = __str__


def _number(value: float, digits: int, general: bool = False) -> str:
    if not math.isfinite(value):
        return "nan"
    return f"{value:.{digits}g}" if general else f"{value:.{digits}f}"


__all__ = ["Summary", "wald_intervals"]
