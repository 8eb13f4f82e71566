"""Write year_quadratic.csv: a survey wave's year and a yes/no answer whose log-odds
are quadratic in the year.

`y ~ year + I(year**2)` on years 2000-2010 is a design whose Hessian is too
ill-conditioned for Newton in the original units (year**2 is about 4e6 and
almost collinear with year and the intercept); R's glm, which solves by QR,
converges. Deterministic: run from anywhere, it rewrites the same file.

    python tests/reference/glm/make_year_quadratic.py
"""

from pathlib import Path

import numpy as np

rng = np.random.default_rng(2026)
year = rng.integers(2000, 2011, 400)
centred = year - 2005
p = 1.0 / (1.0 + np.exp(-(-0.4 + 0.12 * centred + 0.04 * centred**2)))
y = (rng.random(400) < p).astype(int)
lines = ["year,y"] + [f"{a},{b}" for a, b in zip(year, y, strict=True)]
(Path(__file__).parent / "year_quadratic.csv").write_text("\n".join(lines) + "\n")
