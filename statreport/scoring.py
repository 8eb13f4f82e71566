"""Scoring new data with a fitted model: the design built as the fit built it, the linear
predictor, the probability and its delta-method interval, the class at the threshold.

`scoring_state` keeps what scoring needs when the fit ends (`ScoringState`: plain values);
`score` applies it to a DataFrame. The new rows go through the fit's own preparation
(`statreport.design.plain_dtypes`, the formula's allow-list) and formulaic's fitted model
spec, rebuilt from its saved state (`statreport.model_state`), so ``scale(x)``, ``bs(x)``
and a categorical's levels mean what they meant in the fit. A row with a missing value
is kept and marked, never dropped; a level the fit never saw, a column that is not there
or text where the fit had numbers is an error that names the column and rows.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import DataError, ModelFileError, UsageError
from .result import ScoringState

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .design import Design
    from .estimate import Estimate

#: The columns `score` adds to the rows it scores, in order.
PREDICTION_COLUMNS = ("predicted_probability", "ci_low", "ci_high", "linear_predictor",
                      "linear_predictor_se", "predicted_class", "missing")

#: Rows scored at a time (`score`).
SCORING_BLOCK = 1 << 16

FIRTH_INTERVALS = ("around the FLIC-corrected probability, with the covariance of Firth's estimates "
                   "(the FLIC intercept's own uncertainty is not in it)")


def scoring_state(design: Design, estimate: Estimate, *, formula: str, allow_python: bool) -> ScoringState:
    """What scoring new data with this fit needs, as plain values."""
    from .model_state import encode_spec

    params = estimate.params if estimate.prediction_params is None else estimate.prediction_params
    try:
        spec, unsaved = json.dumps(encode_spec(design.spec), allow_nan=False), ""
    except ModelFileError as exc:
        spec, unsaved = "", str(exc)
    cov = None if estimate.cov is None else tuple(tuple(float(v) for v in row) for row in estimate.cov)
    return ScoringState(
        formula=formula,
        allow_python=allow_python,
        spec=spec,
        column_names=tuple(design.column_names),
        params=tuple(float(v) for v in params),
        cov=cov,
        variables=design.variable_kinds,
        unsaved=unsaved,
        interval_note=FIRTH_INTERVALS if estimate.prediction_params is not None else "",
    )


@dataclass(frozen=True, eq=False)
class Scores:
    """Predictions for every row given, in order: NaN where a row could not be scored."""

    linear_predictor: np.ndarray  # shape (n,)
    std_error: np.ndarray | None  # of the linear predictor, shape (n,); None without intervals
    #: per row, a code into ``missing_labels``: the columns missing ("" when the row was scored)
    missing_codes: np.ndarray
    missing_labels: tuple[str, ...]

    @property
    def missing(self) -> list[str]:
        return [self.missing_labels[code] for code in self.missing_codes]

    @property
    def scored(self) -> np.ndarray:
        return np.isfinite(self.linear_predictor)


def score(state: ScoringState, frame: pd.DataFrame, *, intervals: bool, from_file: bool) -> Scores:
    """The linear predictor (and its standard error) of every row of ``frame``.

    Parameters
    ----------
    state
        The fitted model's `ScoringState`.
    frame
        New data holding at least the model's predictor columns.
    intervals
        Whether to compute the standard errors (the model must have a covariance).
    from_file
        Whether ``frame`` was read from a delimited file (rows named by line in messages).
    """
    from .checks import check_finite
    from .design import namespace, plain_dtypes
    from .formula import parse_formula

    if not state.spec:
        raise UsageError(f"this model cannot score new data: {state.unsaved}")
    if intervals and state.cov is None:
        raise UsageError("a penalized fit has no covariance of its estimates, so its predictions have no "
                         "intervals; predict with ci=False")
    parsed = parse_formula(state.formula, allow_python=state.allow_python)
    _check_columns(state, frame)
    names = [name for name, _ in state.variables]
    incomplete = np.column_stack([frame[name].isna().to_numpy() for name in names])
    labels: dict[str, int] = {"": 0}
    codes = np.zeros(len(frame), dtype=np.intp)
    for i in np.flatnonzero(incomplete.any(axis=1)):
        label = ", ".join(n for n, gap in zip(names, incomplete[i], strict=True) if gap)
        codes[i] = labels.setdefault(label, len(labels))
    complete = np.flatnonzero(codes == 0)
    rows = frame[names].iloc[complete] if len(complete) < len(frame) else frame[names]
    check_finite(rows, names, from_file=from_file)
    _check_kinds(state, rows, from_file)
    spec = _spec(state, parsed.rhs)
    rows = plain_dtypes(rows, dataclasses.replace(parsed, columns=parsed.columns - parsed.outcome_columns))
    _check_levels(spec, rows, from_file)
    context = namespace(parsed)
    params = np.asarray(state.params)
    cov = np.asarray(state.cov, dtype=np.float64) if intervals else None
    linear = np.full(len(frame), np.nan)
    std_error = np.full(len(frame), np.nan) if intervals else None
    undefined: list[np.ndarray] = []
    # in blocks of rows: each block's temporaries reuse the memory of the one before (a million
    # rows at once spent more time in page faults than in arithmetic)
    for start in range(0, len(rows), SCORING_BLOCK):
        block = complete[start:start + SCORING_BLOCK]
        X = _design(spec, rows.iloc[start:start + SCORING_BLOCK], context, state.column_names)
        bad = ~np.isfinite(X).all(axis=1)
        with np.errstate(all="ignore"):
            linear[block] = X @ params
            if std_error is not None and cov is not None:
                std_error[block] = np.sqrt(np.einsum("ij,ij->i", X @ cov, X))
        if bad.any():
            undefined.append(block[bad])
    if undefined:
        rows_undefined = np.concatenate(undefined)
        codes[rows_undefined] = labels.setdefault("undefined transform", len(labels))
        linear[rows_undefined] = np.nan
        if std_error is not None:
            std_error[rows_undefined] = np.nan
    return Scores(linear, std_error, codes, tuple(labels))


def _design(spec: Any, rows: pd.DataFrame, context: dict[str, Any], names: tuple[str, ...]) -> np.ndarray:
    """The model's design columns for ``rows``, checked to be the fit's."""
    import warnings

    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # formulaic's warnings are checked for by the caller
            matrix = spec.get_model_matrix(rows, context=context)
    except Exception as exc:  # formulaic raises several types for one cause
        from .formula import clean_message

        raise DataError(f"cannot build the model's columns from the new data: {clean_message(exc)}") from exc
    if tuple(str(c) for c in matrix.columns) != names:
        raise ModelFileError(
            "the model's columns cannot be rebuilt from its saved design state (got "
            f"{', '.join(map(str, matrix.columns))}; the model has {', '.join(names)})")
    X = np.empty(matrix.shape, dtype=np.float64, order="F")
    for j in range(X.shape[1]):  # column by column: no interleaving copy of the whole frame
        X[:, j] = matrix.iloc[:, j].to_numpy(dtype=np.float64)
    return X


def _spec(state: ScoringState, formula: Any) -> Any:
    from .model_state import decode_spec

    return decode_spec(json.loads(state.spec), formula)


def _check_columns(state: ScoringState, frame: pd.DataFrame) -> None:
    from .errors import MissingColumnError

    have = [str(c) for c in frame.columns]
    for name, _ in state.variables:
        if name not in have:
            shown = ", ".join(have[:12]) + (", ..." if len(have) > 12 else "")
            raise MissingColumnError(name, "the new data", f" (columns: {shown}); the model needs "
                                     f"{', '.join(n for n, _ in state.variables)}", named_by="the model")


def _check_kinds(state: ScoringState, rows: pd.DataFrame, from_file: bool) -> None:
    """Text where the fit had numbers is an error (numbers where it had text are levels)."""
    from .checks import row_name

    for name, kind in state.variables:
        if kind != "number":
            continue
        series = rows[name]
        if series.dtype.kind in "iufb":
            continue
        numbers = _as_numbers(series)
        bad = np.flatnonzero(numbers.isna().to_numpy())
        if len(bad):
            raise DataError(
                f"column '{name}' holds text in the new data ({str(series.iloc[bad[0]])!r} on "
                f"{row_name(rows, int(bad[0]), from_file)}"
                + (f", and {len(bad) - 1} more rows" if len(bad) > 1 else "")
                + "); the model was fitted with numbers there: correct the values or leave the cells empty")
        rows[name] = numbers


def _as_numbers(series: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.to_numeric(series.astype(str).str.strip(), errors="coerce")


def _check_levels(spec: Any, rows: pd.DataFrame, from_file: bool) -> None:
    """A level of a categorical that the fit never saw has no coefficient: an error naming it."""
    from .checks import row_name
    from .design import variable_of

    for factor, (kind, state) in spec.encoder_state.items():
        if getattr(kind, "value", kind) != "categorical":
            continue
        variable = variable_of(str(factor), rows)
        if variable is None:
            continue
        levels = list(state.get("categories", []))
        values = rows[variable]
        known = values.isin(levels).to_numpy() | values.astype(str).isin([str(v) for v in levels]).to_numpy()
        if known.all():
            continue
        unseen = np.flatnonzero(~known)
        shown = ", ".join(repr(str(v)) for v in values.iloc[unseen].astype(str).unique()[:5])
        raise DataError(
            f"column '{variable}' has a value the model never saw when it was fitted ({shown}) on "
            f"{row_name(rows, int(unseen[0]), from_file)}"
            + (f" and {len(unseen) - 1} more rows" if len(unseen) > 1 else "")
            + f"; the model knows {', '.join(repr(str(v)) for v in levels)}: recode the value to one of "
            "those, or refit the model with data that have it")


def predictions_frame(state: ScoringState, scores: Scores, *, threshold: float, ci_level: float,
                      positive: str, negative: str) -> pd.DataFrame:
    """The predictions as a DataFrame (`PREDICTION_COLUMNS`; without the intervals when
    ``scores`` has none), one row per row scored, in order."""
    import pandas as pd
    from scipy.special import expit
    from scipy.stats import norm

    linear = scores.linear_predictor
    scored = scores.scored
    probability = expit(linear)
    columns: dict[str, Any] = {"predicted_probability": probability}
    if scores.std_error is not None:
        z = float(norm.ppf(0.5 + ci_level / 2))
        columns["ci_low"] = expit(linear - z * scores.std_error)
        columns["ci_high"] = expit(linear + z * scores.std_error)
    columns["linear_predictor"] = linear
    if scores.std_error is not None:
        columns["linear_predictor_se"] = scores.std_error
    classes = np.where(scored, (probability > threshold).astype(np.int8), -1)
    columns["predicted_class"] = pd.Categorical.from_codes(classes, categories=[negative, positive])
    columns["missing"] = pd.Categorical.from_codes(scores.missing_codes, categories=scores.missing_labels)
    return pd.DataFrame(columns)


__all__ = ["PREDICTION_COLUMNS", "Scores", "predictions_frame", "score", "scoring_state"]
