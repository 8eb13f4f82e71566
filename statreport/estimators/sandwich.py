"""Robust (sandwich) covariance of maximum-likelihood logistic estimates.

    cov = B M B,   B = (X'WX)^-1 (the model-based covariance),   M = sum of score products

with the score of row i ``s_i = (y_i - p_i) x_i``:

- "hc0": M = sum_i s_i s_i' (White; R's ``sandwich::vcovHC(type = "HC0")``);
- "hc1": HC0 times n / (n - k) (Stata's ``vce(robust)``, ``vcovHC(type = "HC1")``);
- "hc3": each s_i divided by 1 - h_i, h_i the leverage ``w_i x_i' B x_i``
  (``vcovHC(type = "HC3")``: MacKinnon & White's jackknife approximation);
- "cluster": M = G/(G-1) sum_g S_g S_g', S_g the sum of the scores of cluster g
  (Stata's ``vce(cluster g)``, ``sandwich::vcovCL(type = "HC0", cadjust = TRUE)``).

statsmodels' discrete models offer HC0 and clusters with another small-sample
factor (times (n-1)/(n-k)), but not HC1 or HC3 on a logit, so the few products
are written here; the tests compare them with R's sandwich package.
"""

from __future__ import annotations

import numpy as np

from ..design import Design

#: Rows per block in the passes over the design (no n x k temporary).
BLOCK_ROWS = 65_536


def robust_covariance(design: Design, probabilities: np.ndarray, bread: np.ndarray, kind: str,
                      weights: np.ndarray | None = None) -> np.ndarray:
    """The sandwich covariance of ``kind`` ("hc0", "hc1", "hc3" or "cluster"), shape (k, k),
    from the fitted ``probabilities`` (n,) and the model-based covariance ``bread`` (k, k).

    With ``weights`` (n,), of a weighted fit whose ``bread`` is (X' diag(w p (1 - p)) X)^-1,
    the scores are w_i (y_i - p_i) x_i and the leverages w_i p_i (1 - p_i) x_i' B x_i, as
    R's sandwich computes them for a weighted glm. For events/trials data
    (``design.cells``) the units are the cells: a cell's score is the sum of its rows'
    ((events - trials p) x), its leverage the sum of theirs, n the number of cells.
    """
    X, k = design.X, design.X.shape[1]
    residual = design.y - probabilities
    if weights is not None:
        residual = residual * weights
    if kind == "cluster":
        if design.groups is None or design.n_clusters is None:
            raise ValueError("cluster-robust standard errors need the design's groups")
        clusters = design.n_clusters
        sums = _sums(X, residual, design.groups, clusters)
        meat = sums.T @ sums * (clusters / (clusters - 1))
    elif design.cells is not None:
        cells = int(design.cells.max()) + 1
        scores = _sums(X, residual, design.cells, cells)
        if kind == "hc3":
            h = np.bincount(design.cells, weights=leverage(X, probabilities, bread), minlength=cells)
            scores = scores / (1.0 - h)[:, None]
        meat = scores.T @ scores * (cells / (cells - k) if kind == "hc1" else 1.0)
    else:
        n = design.n_obs
        if kind == "hc3":
            h = leverage(X, probabilities, bread)
            residual = residual / (1.0 - (h if weights is None else weights * h))
        meat = np.zeros((k, k))
        for start in range(0, n, BLOCK_ROWS):
            block = X[start:start + BLOCK_ROWS]
            scores = block * residual[start:start + BLOCK_ROWS, None]
            meat += scores.T @ scores
        if kind == "hc1":
            meat *= n / (n - k)
    cov = bread @ meat @ bread
    return (cov + cov.T) / 2


def _sums(X: np.ndarray, residual: np.ndarray, groups: np.ndarray, count: int) -> np.ndarray:
    """The scores (residual times row) summed by group, shape (count, k)."""
    return np.column_stack([np.bincount(groups, weights=X[:, j] * residual, minlength=count)
                            for j in range(X.shape[1])])


def wald_test(params: np.ndarray, cov: np.ndarray, names: tuple[str, ...]) -> tuple[float, int, float]:
    """The Wald test that every slope is zero, with covariance ``cov``: (chi2, df, p)."""
    from scipy.stats import chi2

    slopes = np.array([name != "Intercept" for name in names])
    b = params[slopes]
    if not b.size:
        return float("nan"), 0, float("nan")
    statistic = float(b @ np.linalg.solve(cov[np.ix_(slopes, slopes)], b))
    return statistic, int(b.size), float(chi2.sf(statistic, b.size))


def leverage(X: np.ndarray, probabilities: np.ndarray, bread: np.ndarray) -> np.ndarray:
    """The diagonal of the hat matrix W^1/2 X (X'WX)^-1 X' W^1/2, shape (n,)."""
    h = np.empty(X.shape[0])
    for start in range(0, X.shape[0], BLOCK_ROWS):
        block = X[start:start + BLOCK_ROWS]
        p = probabilities[start:start + BLOCK_ROWS]
        h[start:start + BLOCK_ROWS] = np.einsum("ij,jk,ik->i", block, bread, block) * p * (1.0 - p)
    return h
