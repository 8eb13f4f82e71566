"""The model file: a fitted model as versioned JSON that scores new data (`Model`).

``statreport fit ... -o churn.model.json`` writes it (`render_model`);
`load_model` reads it back, and ``statreport predict`` or `Model.predict` scores new
rows with it. It is JSON, never a pickle (loading a pickle runs code), and readable by
other languages: the coefficients by design column, their covariance, the threshold
and the classes, and the state formulaic needs to build the same design columns from
new data (`statreport.model_state`). Its formula passes the same allow-list as a fit's
before anything evaluates it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import ModelFileError, RenderError, UsageError
from .result import ResultData, ScoringState

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

FORMAT = "statreport model"
FORMAT_VERSION = 1
#: File names that mean a model file, not a JSON report (``-o churn.model.json``).
SUFFIXES = (".model.json", ".statreport.json")


def is_model_path(path: str | Path) -> bool:
    """Whether ``path`` names a model file (`SUFFIXES`)."""
    return str(path).lower().endswith(SUFFIXES)


@dataclass(frozen=True)
class Model:
    """A fitted model that scores new data: from a model file (`load_model`) or a fit
    (``FitResult.predict``).

    Attributes
    ----------
    scoring : ScoringState
        The design state, coefficients and covariance.
    formula, outcome, positive_class, negative_class
        The model and the outcome values counted as 1 and 0.
    threshold : float
        Predicted class 1 when the probability is greater than it.
    ci_level : float
        The default level of the predictions' intervals (the report's).
    method, method_label, se_type
        The estimator ("mle", "firth", "l1", ...), its name in the report, and the
        standard errors behind the covariance ("model", "hc1", "cluster", ...).
    probabilities : str
        What the probabilities are when not the fitted model's own ("" when they are).
    data : dict
        Where the fitting data came from: ``source``, ``sha256``, ``n_obs``, ``events``.
    """

    scoring: ScoringState
    formula: str
    outcome: str
    positive_class: str
    negative_class: str
    threshold: float
    ci_level: float
    method: str
    method_label: str
    se_type: str
    probabilities: str
    data: dict[str, Any]

    @classmethod
    def from_result(cls, result: ResultData) -> Model:
        if result.scoring is None:
            raise UsageError("this result has no scoring state (it was not made by statreport.fit)")
        m = result.model
        return cls(
            scoring=result.scoring, formula=m.formula, outcome=m.outcome, positive_class=m.positive_class,
            negative_class=m.negative_class, threshold=result.classification.threshold,
            ci_level=result.ci_level, method=m.method, method_label=m.method_label, se_type=m.se_type,
            probabilities=m.probabilities,
            data={"source": result.data.source, "sha256": result.data.sha256, "n_obs": result.fit.n_obs,
                  "events": result.fit.events},
        )

    @property
    def has_intervals(self) -> bool:
        """Whether the estimates have a covariance (not a penalized fit): intervals exist."""
        return self.scoring.cov is not None

    def predict(self, data: pd.DataFrame | str | Path, *, ci: bool | None = None,
                ci_level: float | None = None) -> pd.DataFrame:
        """Score new rows.

        Parameters
        ----------
        data : DataFrame or path
            Rows with the model's predictor columns (others are ignored), or a file
            (.csv, .tsv, .parquet) read as ``statreport.fit`` reads one.
        ci : bool, optional
            Include the delta-method interval of each probability (on the logit scale,
            transformed, as R's ``predict.glm(se.fit = TRUE)``). Default: when the
            model has a covariance (every fit but a penalized one).
        ci_level : float, optional
            The intervals' level; default the report's.

        Returns
        -------
        DataFrame
            One row per row of ``data``, with its index: ``predicted_probability``,
            ``ci_low``, ``ci_high``, ``linear_predictor``, ``linear_predictor_se``
            (without the three when there are no intervals), ``predicted_class`` (the
            outcome value at the model's threshold), and ``missing`` (the predictor
            columns missing in that row, or "undefined transform"; those rows have no
            prediction, "" elsewhere).

        Raises
        ------
        DataError
            A level the fit never saw, text where it had numbers, a missing column
            (`MissingColumnError`), each named with its rows.
        """
        from .data import load_data
        from .options import BY_KEYWORD
        from .scoring import predictions_frame, score

        intervals = self.has_intervals if ci is None else bool(ci)
        level = self.ci_level if ci_level is None else float(BY_KEYWORD["ci_level"].check(ci_level))  # type: ignore[arg-type]
        loaded = load_data(data, None)
        frame = loaded.frame
        scores = score(self.scoring, frame, intervals=intervals, from_file=loaded.format == "csv")
        table = predictions_frame(self.scoring, scores, threshold=self.threshold, ci_level=float(level),
                                  positive=self.positive_class, negative=self.negative_class)
        return table.set_axis(frame.index, axis=0)

    def to_dict(self) -> dict[str, Any]:
        """The model file's content (plain JSON types; a non-finite number as None)."""
        s = self.scoring
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "statreport_version": __version__,
            "model": {
                "formula": self.formula, "outcome": self.outcome, "positive_class": self.positive_class,
                "negative_class": self.negative_class, "threshold": self.threshold, "ci_level": self.ci_level,
                "method": self.method, "method_label": self.method_label, "se_type": self.se_type,
                "probabilities": self.probabilities, "interval_note": s.interval_note,
                "allow_python_formula": s.allow_python,
            },
            "scoring": ("linear_predictor = sum of coefficient * design column; probability = "
                        "1 / (1 + exp(-linear_predictor)); predicted_class = positive_class when "
                        "probability > threshold, else negative_class; the design columns are formulaic's "
                        "for the formula, with the state below"),
            "variables": [{"name": name, "kind": kind} for name, kind in s.variables],
            "coefficients": [{"column": c, "estimate": _finite(v)}
                             for c, v in zip(s.column_names, s.params, strict=True)],
            "covariance": None if s.cov is None else [[_finite(v) for v in row] for row in s.cov],
            "design": json.loads(s.spec),
            "data": self.data,
        }


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def render_model(result: ResultData) -> bytes:
    """The model file of a fit, as UTF-8 JSON bytes."""
    scoring = result.scoring
    if scoring is not None and not scoring.spec:
        raise RenderError(f"cannot write a model file: {scoring.unsaved}")
    content = Model.from_result(result).to_dict()
    return (json.dumps(content, indent=1, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def load_model(path: str | Path, *, allow_python_formula: bool = False) -> Model:
    """Read a model file written by ``statreport fit -o NAME.model.json``.

    Its formula must pass the allow-list a fit's passes, whatever the file says, unless
    ``allow_python_formula`` (for a model file you made yourself with a function of your own:
    formula terms are evaluated as Python, so never for a file from elsewhere).

    Raises
    ------
    ModelFileError
        Not a statreport model file, a newer format, or a file that is not valid JSON.
    """
    from .errors import DataFileNotFoundError

    path = Path(path)
    if not path.is_file():
        raise DataFileNotFoundError(f"model file '{path}' does not exist")
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"'{path.name}' is not a statreport model file (not JSON: {exc})") from None
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise ModelFileError(f"'{path.name}' is not a statreport model file; write one with "
                             "statreport fit ... -o NAME.model.json")
    version = content.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ModelFileError(f"'{path.name}' is a model file of format {version!r}, newer than this "
                             f"statreport reads ({FORMAT_VERSION}); upgrade statreport")
    try:
        return _model(content, allow_python_formula)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"'{path.name}' is not a valid statreport model file ({type(exc).__name__}: "
                             f"{exc})") from None


def _model(content: dict[str, Any], allow_python: bool) -> Model:
    m = content["model"]
    names = tuple(str(c["column"]) for c in content["coefficients"])
    params = tuple(_number(c["estimate"]) for c in content["coefficients"])
    cov = content["covariance"]
    if cov is not None:
        cov = tuple(tuple(_number(v) for v in row) for row in cov)
        if len(cov) != len(names) or any(len(row) != len(names) for row in cov):
            raise ValueError(f"the covariance is not {len(names)} x {len(names)}")
    scoring = ScoringState(
        formula=str(m["formula"]),
        allow_python=allow_python,
        spec=json.dumps(content["design"]),
        column_names=names,
        params=params,
        cov=cov,
        variables=tuple((str(v["name"]), str(v["kind"])) for v in content["variables"]),
        interval_note=str(m.get("interval_note", "")),
    )
    return Model(
        scoring=scoring, formula=str(m["formula"]), outcome=str(m["outcome"]),
        positive_class=str(m["positive_class"]), negative_class=str(m["negative_class"]),
        threshold=float(m["threshold"]), ci_level=float(m["ci_level"]), method=str(m["method"]),
        method_label=str(m.get("method_label", "")), se_type=str(m.get("se_type", "model")),
        probabilities=str(m.get("probabilities", "")), data=dict(content.get("data", {})),
    )


def _number(value: Any) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"a number was expected, got {value!r}")
    return float(value)


__all__ = ["Model", "is_model_path", "load_model", "render_model"]
