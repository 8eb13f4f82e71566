"""Write site_separation.csv: 12 sites, two of them (site03, site07) without a single event.

A common epidemiology shape: quasi-complete separation along two site dummies,
while age and the other sites have finite maximum-likelihood estimates (their
limits, the fit to the rows of the other sites). make_site_separation.R fits
that limit with R's glm.

    python tests/reference/glm/separation/make_site_separation.py
"""

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent

rng = np.random.default_rng(20261122)
n = 600
site = rng.integers(0, 12, n)
age = rng.integers(20, 80, n)
effect = np.linspace(-0.6, 0.6, 12)[site]
y = (rng.random(n) < 1 / (1 + np.exp(-(-3.0 + 0.04 * age + effect)))).astype(int)
y[(site == 3) | (site == 7)] = 0  # no events at two sites
lines = ["y,age,site"] + [f"{a},{b},site{c:02d}" for a, b, c in zip(y, age, site, strict=True)]
(HERE / "site_separation.csv").write_text("\n".join(lines) + "\n")
