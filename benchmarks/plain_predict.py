"""The baseline for ``statreport predict``: the script a researcher writes by hand to score
rows with a statsmodels fit and write them with their probabilities and 95% intervals.

    python benchmarks/plain_predict.py DATA.csv --out predictions.csv --timings t.json

A pickled statsmodels formula fit does not load again in a new process (patsy looks for
the frame that made it: AttributeError), so the script fits and then scores; the
harness counts the reading, scoring and writing steps (``--timings``: seconds per step,
measured in the process, so without the interpreter's start and the imports), not the fit.
pandas to read, ``get_prediction(...).summary_frame()`` (the delta-method interval, as
statreport's), the class at 0.5, and ``to_csv``.
"""

import argparse
import json
import time

import pandas as pd
import statsmodels.formula.api as smf

FORMULA = "y ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + age + C(region)"

parser = argparse.ArgumentParser(description="plain statsmodels predict baseline")
parser.add_argument("csv")
parser.add_argument("--out", required=True, help="predictions CSV")
parser.add_argument("--timings", help="seconds of each step, as JSON")
args = parser.parse_args()

timings = {}
start = time.perf_counter()
df = pd.read_csv(args.csv)
timings["read_csv"] = time.perf_counter() - start
res = smf.logit(FORMULA, df).fit(disp=0)  # not counted: the fit a saved model would carry
start = time.perf_counter()
frame = res.get_prediction(df).summary_frame(alpha=0.05)
df["predicted_probability"] = frame["predicted"].to_numpy()
df["ci_low"] = frame["ci_lower"].to_numpy()
df["ci_high"] = frame["ci_upper"].to_numpy()
df["predicted_class"] = (df["predicted_probability"] > 0.5).astype(int)
timings["predict"] = time.perf_counter() - start
start = time.perf_counter()
df.to_csv(args.out, index=False)
timings["to_csv"] = time.perf_counter() - start
if args.timings:
    with open(args.timings, "w") as handle:
        json.dump(timings, handle)
