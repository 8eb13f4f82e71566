"""The baseline: the script a researcher writes by hand to get statreport's numbers.

    python benchmarks/plain_statsmodels.py benchmarks/data/synth_1000000.csv
    python benchmarks/plain_statsmodels.py DATA.csv --out plain.json

pandas to read, statsmodels' formula API to fit, ``summary2()``, Wald
intervals, odds ratios with ``np.exp``, ``pred_table()``, the likelihood-ratio
test, AIC/BIC, McFadden's pseudo-R², scikit-learn's ROC AUC and Brier score,
and a scikit-learn ``LogisticRegression`` refit (its default solver, no
penalty) to cross-check coefficients and probabilities. No figures.

Without ``--out`` it prints the tables as a researcher would see them; with
``--out`` it writes the numbers (and the time of each step) as JSON, which
``run.py`` compares with statreport's JSON report.
"""

import argparse
import json
import time
import warnings

timings = {}
_t = time.perf_counter()


def lap(name):
    global _t
    now = time.perf_counter()
    timings[name] = now - _t
    _t = now


import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import statsmodels.formula.api as smf  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import brier_score_loss, roc_auc_score  # noqa: E402

lap("import")

FORMULA = "y ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + age + C(region)"

parser = argparse.ArgumentParser(description="plain statsmodels + scikit-learn baseline")
parser.add_argument("csv")
parser.add_argument("--formula", default=FORMULA)
parser.add_argument("--threshold", type=float, default=0.5)
parser.add_argument("--out", help="write the numbers as JSON here instead of printing tables")
args = parser.parse_args()

# --- read --------------------------------------------------------------------
df = pd.read_csv(args.csv)
lap("read_csv")

# --- fit ---------------------------------------------------------------------
res = smf.logit(args.formula, df).fit(disp=0)
lap("fit")

# --- tables ------------------------------------------------------------------
summary = res.summary2()
ci = res.conf_int()  # 95% Wald
ci.columns = ["ci_low", "ci_high"]
table = pd.DataFrame(
    {
        "estimate": res.params,
        "std_error": res.bse,
        "z": res.tvalues,
        "p_value": res.pvalues,
        "ci_low": ci["ci_low"],
        "ci_high": ci["ci_high"],
        "odds_ratio": np.exp(res.params),
        "or_ci_low": np.exp(ci["ci_low"]),
        "or_ci_high": np.exp(ci["ci_high"]),
    }
)
fit_stats = {
    "n_obs": int(res.nobs),
    "log_likelihood": float(res.llf),
    "ll_null": float(res.llnull),
    "llr": float(res.llr),
    "llr_p_value": float(res.llr_pvalue),
    "aic": float(res.aic),
    "bic": float(res.bic),
    "mcfadden_r2": float(res.prsquared),
    "converged": bool(res.mle_retvals["converged"]),
    "iterations": int(res.mle_retvals["iterations"]),
}
lap("summary")

# --- classification ----------------------------------------------------------
y = res.model.endog
p = res.predict()  # fitted probabilities
pred = res.pred_table(threshold=args.threshold)  # rows observed 0/1, columns predicted 0/1
(tn, fp), (fn, tp) = pred
classification = {
    "tn": int(tn),
    "fp": int(fp),
    "fn": int(fn),
    "tp": int(tp),
    "accuracy": (tp + tn) / pred.sum(),
    "sensitivity": tp / (tp + fn),
    "specificity": tn / (tn + fp),
    "auc": float(roc_auc_score(y, p)),
    "brier": float(brier_score_loss(y, p)),
}
lap("classification")

# --- cross-check with scikit-learn (default solver, unpenalized) ---------------
X = res.model.exog  # the same design matrix, intercept column included
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    sk = LogisticRegression(C=np.inf, fit_intercept=False).fit(X, y)
sk_converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
sk_p = sk.predict_proba(X)[:, 1]
crosscheck = {
    "solver": sk.solver,
    "converged": sk_converged,
    "n_iter": int(sk.n_iter_.max()),
    "max_abs_coef_diff": float(np.max(np.abs(sk.coef_.ravel() - res.params.to_numpy()))),
    "max_abs_prob_diff": float(np.max(np.abs(sk_p - p))),
}
lap("sklearn_crosscheck")

if args.out:
    out = {
        "formula": args.formula,
        "coefficients": {
            term: {k: float(v) for k, v in row.items()} for term, row in table.iterrows()
        },
        "fit": fit_stats,
        "classification": {k: float(v) for k, v in classification.items()},
        "crosscheck": crosscheck,
        "timings_s": timings,
    }
    with open(args.out, "w") as handle:
        json.dump(out, handle, indent=1)
else:
    print(summary)
    print(table.to_string())
    print(json.dumps({"fit": fit_stats, "classification": classification,
                      "crosscheck": crosscheck}, indent=1, default=float))
    print("predicted 0/1 (columns) by observed 0/1 (rows):\n", pred)
    print("timings (s):", {k: round(v, 3) for k, v in timings.items()})
