"""The frozen result of a fit: the only thing the renderers ever see.

Pure data: this module imports nothing from the rest of statreport, so every
other module may import it and it imports none of them.

Every field is a plain float, int, str, bool, tuple or a small frozen
dataclass, so a result can be hashed, pickled, compared and rendered without a
statsmodels object in sight. Derived views (a coefficient DataFrame, the JSON
dictionary, the HTML) are built on request and never cached on the object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - imports for type checkers only
    import pandas as pd


@dataclass(frozen=True)
class ReportWarning:
    """A warning that belongs in the report (``code`` is stable, ``message`` is prose)."""

    code: str
    message: str


@dataclass(frozen=True)
class CategoricalInfo:
    """A categorical predictor: its levels in design order and the reference level."""

    term: str
    variable: str
    levels: tuple[str, ...]
    reference: str

    def column(self, level: str) -> str:
        """The design column of a non-reference level (formulaic's treatment coding)."""
        return f"{self.term}[T.{level}]"


def levels_by_column(categoricals: tuple[CategoricalInfo, ...]) -> dict[str, tuple[CategoricalInfo, str]]:
    """Map each dummy column name to its categorical and level."""
    return {cat.column(level): (cat, level) for cat in categoricals for level in cat.levels}


def term_namer(categoricals: tuple[CategoricalInfo, ...]) -> Callable[[str], str]:
    """A function naming design columns for readers: ``site: E`` for the dummy column
    ``C(site)[T.E]``, ``x × group: a`` for the interaction column ``x:C(group)[T.a]``;
    other columns keep their names."""
    dummies = {column: f"{cat.variable}: {level}"
               for column, (cat, level) in levels_by_column(categoricals).items()}
    # a categorical coded in full inside an interaction (one column per level, no reference)
    dummies.update({f"{cat.term}[{level}]": f"{cat.variable}: {level}"
                    for cat in categoricals for level in cat.levels})

    def name(term: str) -> str:
        if term in dummies:
            return dummies[term]
        factors = _interaction_factors(term, dummies)
        if len(factors) > 1 and any(f in dummies for f in factors):
            return " \u00d7 ".join(dummies.get(f, f) for f in factors)
        return term

    return name


def _interaction_factors(term: str, dummies: dict[str, str]) -> list[str]:
    """``x:C(g)[T.a:b]`` -> ``['x', 'C(g)[T.a:b]']``: the term split at the colons that
    separate known dummy columns (``dummies``) and plain columns (no brackets or colons), so a
    level's own colons, quotes and brackets ("Don't know", "a (b") stay in it."""
    def plain(factor: str) -> bool:
        return factor in dummies or (factor != "" and not any(c in factor for c in "[:"))

    def split(rest: str) -> list[str] | None:
        if plain(rest):
            return [rest]
        for i, char in enumerate(rest):
            if char == ":" and plain(rest[:i]):
                tail = split(rest[i + 1:])
                if tail is not None:
                    return [rest[:i], *tail]
        return None

    return split(term) or [term]


@dataclass(frozen=True)
class Capabilities:
    """What an estimator's estimates support; the report asks these, never which estimator ran.

    intervals : "wald", "profile" or "none"
        Confidence intervals the coefficient table may show: Wald from the covariance,
        the estimator's own (profile likelihood), or none.
    tests : "wald", "lr" or "none"
        Per-coefficient tests: Wald z, the estimator's own likelihood-ratio p-values, or none.
    model_test : bool
        Whether the likelihood-ratio test against the intercept-only model means what it says.
    information_criteria : bool
        Whether AIC and BIC apply (they assume maximum-likelihood estimates).
    standard_errors : bool
        Whether the estimates have a valid sampling covariance (standard errors shown).
    shrunk : bool
        Estimates are shrunk toward zero on purpose (a penalty).
    term_tests : bool
        Whether each term can be tested by refitting without it (likelihood-ratio tests
        that keep their meaning: maximum likelihood).
    se_type : str
        What the standard errors are: "model" (the inverse information), "hc0", "hc1",
        "hc3" (robust, sandwich) or "cluster" (cluster-robust).
    """

    intervals: str = "wald"
    tests: str = "wald"
    model_test: bool = True
    information_criteria: bool = True
    standard_errors: bool = True
    shrunk: bool = False
    term_tests: bool = True
    se_type: str = "model"

    @property
    def inferential(self) -> bool:
        """Whether the coefficient table has standard errors, tests or intervals at all."""
        return self.standard_errors or self.intervals != "none" or self.tests != "none"


@dataclass(frozen=True)
class ModelInfo:
    formula: str
    outcome: str
    positive_class: str  # the outcome value counted as 1
    method: str  # the estimate's method: "mle", "l1", "l2", "elasticnet", "firth"
    n_params: int
    has_intercept: bool
    categoricals: tuple[CategoricalInfo, ...] = ()
    negative_class: str = "0"  # the outcome value counted as 0
    method_label: str = ""  # how the report names the method
    ci_method: str = "wald"  # "wald", "profile" or "none": the coefficient table's intervals
    #: what the predicted probabilities are, when not the fitted model's own ("" if they are)
    probabilities: str = ""
    #: the standard errors: "model", "hc0", "hc1", "hc3" or "cluster" (by ``cluster``)
    se_type: str = "model"
    cluster: str | None = None
    #: why the intervals are Wald's where profile-likelihood ones are the default ("" otherwise)
    ci_note: str = ""
    class_weight: str | None = None  # "balanced" when the classes were weighted

    @property
    def event_label(self) -> str:
        """"1", or "1 (Dole)" when the event is a label rather than 1 or true."""
        plain = self.positive_class in ("1", "True", "true")
        return "1" if plain else f"1 ({self.positive_class})"

    @property
    def non_event_label(self) -> str:
        """"0", or "0 (Clinton)" when the other outcome is a label rather than 0 or false."""
        plain = self.negative_class in ("0", "False", "false")
        return "0" if plain else f"0 ({self.negative_class})"


@dataclass(frozen=True)
class DataProvenance:
    source: str
    format: str
    size_bytes: int | None
    sha256: str | None
    n_rows_read: int
    n_obs: int
    n_dropped: int
    dropped_by_column: tuple[tuple[str, int], ...]
    delimiter: str | None = None  # of a delimited text file, as given or detected
    #: data rows used when each stands for several observations (``n_obs`` counts those)
    n_rows_used: int | None = None
    expansion: str = ""  # what the rows' counts are: "frequency weights 'count'"; "" otherwise


@dataclass(frozen=True)
class FitStatistics:
    n_obs: int
    events: int
    df_model: int
    df_resid: int
    log_likelihood: float
    ll_null: float
    llr: float
    llr_p_value: float
    aic: float
    bic: float
    deviance: float
    null_deviance: float
    converged: bool
    iterations: int
    #: what ``llr`` is: "likelihood-ratio" (from the log-likelihoods above it), or the
    #: estimator's own test ("penalized likelihood-ratio" for Firth's)
    llr_kind: str = "likelihood-ratio"
    n_clusters: int | None = None  # clusters of cluster-robust standard errors

    #: Below this many of the rarer outcome per slope, maximum-likelihood estimates are
    #: biased away from zero and Wald intervals too narrow (Peduzzi et al. 1996,
    #: J Clin Epidemiol 49:1373; a rule of thumb, not a test).
    FEW_EVENTS_PER_PARAMETER = 10

    @property
    def events_per_parameter(self) -> float | None:
        """Rows of the rarer outcome per slope; None for an intercept-only model."""
        if self.df_model <= 0:
            return None
        return min(self.events, self.n_obs - self.events) / self.df_model


@dataclass(frozen=True)
class PseudoR2:
    mcfadden: float
    cox_snell: float
    nagelkerke: float
    tjur: float


@dataclass(frozen=True)
class Coefficient:
    term: str
    estimate: float
    std_error: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float
    odds_ratio: float
    or_ci_low: float
    or_ci_high: float
    separated: bool = False  # estimate diverges (quasi-separation): no valid inference
    #: the Wald interval, when the interval shown is another (profile likelihood); else NaN
    wald_ci_low: float = float("nan")
    wald_ci_high: float = float("nan")
    #: a bound of the Wald interval is more than `WALD_DISAGREEMENT` of its half-width
    #: from the interval shown: the likelihood is far from quadratic for this coefficient
    wald_differs: bool = False

    #: How far (a share of the Wald half-width) a Wald bound may lie from the profile
    #: bound before the two intervals count as disagreeing.
    WALD_DISAGREEMENT = 0.1


@dataclass(frozen=True)
class TermTest:
    """A likelihood-ratio test of one term of the formula (all its columns at once), type II:
    the models compared leave out every term that contains it (``marginal_to``)."""

    term: str
    columns: tuple[str, ...]  # its design columns
    df: int
    lr_chi2: float
    lr_p_value: float
    marginal_to: tuple[str, ...] = ()  # the terms that contain it, left out of both models
    note: str = ""  # why the test has no value, when it has none
    #: generalized variance-inflation factor (Fox & Monette 1992, as car::vif) and
    #: GVIF^(1/(2 df)), comparable across terms of different df; NaN for a model with
    #: an interaction or without an intercept (car::vif refuses those too)
    gvif: float = float("nan")
    gvif_df: float = float("nan")


@dataclass(frozen=True)
class LevelCount:
    """Rows and events (rows with outcome 1) at one level of a categorical predictor, in the
    rows the model used (`statreport.levels.level_counts`); weighted sums under frequency weights."""

    term: str  # the categorical's term in the formula, as `CategoricalInfo.term`
    variable: str
    level: str
    n: int
    events: int
    reference: bool = False  # the reference level (every dummy of its categorical 0)


@dataclass(frozen=True)
class UnitOddsRatio:
    """The odds ratio of a numeric predictor per a chosen number of its units."""

    term: str
    unit: float
    odds_ratio: float
    or_ci_low: float
    or_ci_high: float


@dataclass(frozen=True)
class Classification:
    threshold: float
    tn: int
    fp: int
    fn: int
    tp: int
    accuracy: float
    sensitivity: float
    specificity: float
    ppv: float
    npv: float
    f1: float
    balanced_accuracy: float
    auc: float
    brier: float


@dataclass(frozen=True)
class CrossCheck:
    library: str
    version: str
    solver: str
    converged: bool
    max_abs_coef_diff: float
    max_abs_prob_diff: float
    label_agreement: float
    tolerance: float
    coef_tolerance: float
    passed: bool


@dataclass(frozen=True)
class RocCurve:
    fpr: tuple[float, ...]
    tpr: tuple[float, ...]


@dataclass(frozen=True)
class CalibrationBin:
    mean_predicted: float
    observed_rate: float
    count: int


@dataclass(frozen=True)
class ProbabilityHistogram:
    edges: tuple[float, ...]  # bins + 1 edges over the predictions' range (0 to 1 unless zoomed)
    events: tuple[int, ...]  # counts of observed events per bin
    non_events: tuple[int, ...]


@dataclass(frozen=True)
class EffectCurve:
    """Fitted probability against the single continuous predictor."""

    predictor: str
    grid: tuple[float, ...]
    probability: tuple[float, ...]
    logit: tuple[float, ...]
    boundary: float | None  # predictor value where the probability crosses the threshold
    x: tuple[float, ...]  # observations (all, or an even sample) ...
    y: tuple[float, ...]  # ... with their outcome (0/1), or binned proportions
    binned: bool


@dataclass(frozen=True)
class FigureData:
    roc: RocCurve
    calibration: tuple[CalibrationBin, ...]
    histogram: ProbabilityHistogram
    effect: EffectCurve | None
    span: tuple[float, float] = (0.0, 1.0)  # the calibration plot's axes (the histogram's: its edges)


@dataclass(frozen=True)
class ScoringState:
    """Everything needed to score new data with the fitted model (`statreport.scoring`), as
    plain values: what a model file holds (`statreport.model_file`).

    ``spec`` is formulaic's model-spec state as JSON text (`statreport.model_state`), or ""
    when it cannot be saved (``unsaved`` says why: a function of the user's own in the formula).
    ``params`` give the report's probabilities (Firth's: with the FLIC intercept); ``cov`` is
    the covariance of the estimates (None for a penalized fit: no intervals), as nested tuples.
    """

    formula: str
    allow_python: bool
    spec: str
    column_names: tuple[str, ...]
    params: tuple[float, ...]
    cov: tuple[tuple[float, ...], ...] | None
    variables: tuple[tuple[str, str], ...]  # each predictor column and its kind ("number", "text", ...)
    unsaved: str = ""
    interval_note: str = ""  # what the intervals of predictions are, when not plain delta-method ones


@dataclass(frozen=True)
class ResultData:
    """Everything a statreport report says, as plain immutable data.

    The renderers see this and nothing else; `statreport.FitResult` adds the
    convenience methods that call them (``to_html``, ``to_json``, ...).

    Attributes
    ----------
    model, data, fit, pseudo_r2, classification, crosscheck
        Sections of the report (small frozen dataclasses).
    coefficient_rows : tuple of Coefficient
        One row per design-matrix column, in design order.
    inference : Capabilities
        What the estimator's estimates support (intervals, tests, model test).
    method_details : frozen dataclass or None
        The estimator's own details (`PenaltyInfo`, Firth's ``FirthInfo``, ...),
        shown by its own report section.
    warnings : tuple of ReportWarning
        Everything the reader must know before trusting a number.
    levels : tuple of LevelCount
        Rows and events at each level of each categorical with a reference level, the
        reference first (`statreport.levels.level_counts`).
    """

    model: ModelInfo
    data: DataProvenance
    fit: FitStatistics
    pseudo_r2: PseudoR2
    coefficient_rows: tuple[Coefficient, ...]
    classification: Classification
    crosscheck: CrossCheck
    ci_level: float
    inference: Capabilities = Capabilities()
    warnings: tuple[ReportWarning, ...] = ()
    versions: tuple[tuple[str, str], ...] = ()
    title: str | None = None
    date: str | None = None
    figures: FigureData | None = field(default=None, repr=False)
    method_details: Any = None
    terms: tuple[TermTest, ...] = ()  # one test per term (empty when not computed)
    per_unit: tuple[UnitOddsRatio, ...] = ()  # odds ratios per the units asked for (``units=``)
    levels: tuple[LevelCount, ...] = ()  # rows and events per level of each categorical
    #: what scoring new data needs (a model file, ``predict``); None for a result built by hand
    scoring: ScoringState | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        """One screenful: what was fitted and whether to trust it (the tables are
        ``.coefficients`` and ``.pred_table``; the full report ``.to_html(path)``)."""
        f = self.fit
        if self.inference.shrunk:
            method = self.model.method_label or self.model.method
        elif f.converged and any(row.separated for row in self.coefficient_rows):
            diverging = sum(row.separated for row in self.coefficient_rows)
            method = (f"{diverging} {'term diverges' if diverging == 1 else 'terms diverge'} "
                      f"(separation), the others converged to their limits in {f.iterations} iterations")
        elif f.converged:
            method = f"converged in {f.iterations} iterations"
        else:
            method = f"NOT converged after {f.iterations} iterations"
        lines = [
            f"{type(self).__name__}({self.model.formula!r}: {f.n_obs:,} observations, {f.events:,} events, "
            f"{len(self.coefficient_rows)} coefficients, "
            f"{'' if self.model.method == 'mle' or self.inference.shrunk else self.model.method + ', '}"
            f"{method}; cross-check "
            f"{'passed' if self.crosscheck.passed else 'FAILED'})",
        ]
        lines += [f"  warning: {w.message}" for w in self.warnings]
        return "\n".join(lines)

    # --- tables as DataFrames (fresh copies: the result itself never changes)
    @property
    def coefficients(self) -> pd.DataFrame:
        """The coefficient table, one row per term, indexed by term name."""
        import pandas as pd

        frame = pd.DataFrame([vars(row) for row in self.coefficient_rows])
        return frame.set_index("term")

    @property
    def pred_table(self) -> pd.DataFrame:
        """The 2x2 classification table: rows observed, columns predicted (0, 1)."""
        import pandas as pd

        c = self.classification
        index = pd.Index([0, 1], name="observed")
        columns = pd.Index([0, 1], name="predicted")
        return pd.DataFrame([[c.tn, c.fp], [c.fn, c.tp]], index=index, columns=columns)
