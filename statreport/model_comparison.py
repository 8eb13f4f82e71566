"""``statreport compare``: several models of one outcome on the same rows, side by side
(Model 1, Model 2, ...), with likelihood-ratio tests between nested models (R's
``anova(m1, m2, test = "LRT")``) and paired DeLong tests of their ROC AUCs
(``pROC::roc.test(paired = TRUE)``).

The rows are made identical first: complete over the union of every model's columns
(listwise), and the report says how many that dropped. Each model is then an ordinary
fit (`statreport.api.run`) of those rows, so every number in a column is the one its
own report would print.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .comparison_result import AucTest, CommonRows, ComparisonData, NestedTest
from .errors import UsageError
from .fit_result import FitResult

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class Comparison(ComparisonData):
    """Models fitted on the same rows, and the tests between them (`ComparisonData`);
    ``to_html``, ``to_pdf``, ``to_json`` and ``to_dict`` render the comparison report."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        from .report.comparison import comparison_to_dict

        return comparison_to_dict(self)

    def to_json(self, path: str | Path | IO[Any] | None = None) -> Any:
        return self._write("json", path)

    def to_html(self, path: str | Path | IO[Any] | None = None) -> Any:
        return self._write("html", path)

    def to_pdf(self, path: str | Path | IO[Any] | None = None, *, page_size: str = "a4") -> Any:
        return self._write("pdf", path, page_size)

    def _write(self, fmt: str, path: str | Path | IO[Any] | None, page_size: str = "a4") -> Any:
        from .output import write_atomic
        from .report.comparison import render_comparison

        payload = render_comparison(self, fmt, page_size=page_size)
        if path is None:
            return payload if fmt == "pdf" else payload.decode("utf-8")
        if hasattr(path, "write"):
            path.write(payload if "b" in str(getattr(path, "mode", "b")) else payload.decode("utf-8"))
            return None
        return write_atomic(Path(path), payload)  # type: ignore[arg-type]


def compare(
    formulas: Sequence[str],
    data: pd.DataFrame | str | Path,
    *,
    names: Sequence[str] | None = None,
    **options: Any,
) -> Comparison:
    """Fit each formula on the same rows and compare the models.

    Parameters
    ----------
    formulas : sequence of str
        Two or more formulas of the same outcome, e.g. ``["y ~ a", "y ~ a + b"]``.
    data : DataFrame or path
        As for `statreport.fit`.
    names : sequence of str, optional
        Column headings; default "Model 1", "Model 2", ...
    **options
        `statreport.fit`'s options, applied to every model (frequency weights, events out
        of trials and class weights are not taken: their rows are not one observation each).

    Returns
    -------
    Comparison
    """
    import warnings

    from .errors import warning_class
    from .options import validate
    from .parallel import Serial

    checked = validate(options)
    result = run_comparison(formulas, data, checked, names=names, execution=Serial())
    for name, model in zip(result.names, result.models, strict=True):
        for warning in model.warnings:
            warnings.warn(
                f"{name}: {warning.message} [{warning.code}]", warning_class(warning.code), stacklevel=2
            )
    return result


def run_comparison(
    formulas: Sequence[str],
    data: pd.DataFrame | str | Path,
    options: dict[str, Any],
    *,
    names: Sequence[str] | None,
    execution: Any,
    on_stage: Any = None,
) -> Comparison:
    """`compare` with validated options (`statreport.options.validate`); emits no warnings."""
    from .api import row_columns, run
    from .data import load_data
    from .formula import needed_columns, parse_formula

    formulas = list(formulas) if not isinstance(formulas, str) else [formulas]
    if len(formulas) < 2:
        raise UsageError(f"compare needs two or more formulas; got {len(formulas)}")
    names = tuple(names) if names is not None else tuple(f"Model {i}" for i in range(1, len(formulas) + 1))
    if len(names) != len(formulas) or len(set(names)) != len(names):
        raise UsageError(f"names must be {len(formulas)} different names, one per formula; got {list(names)}")
    taken = [k for k in ("weights", "trials", "class_weight") if options.get(k) is not None]
    if taken:
        raise UsageError(
            f"compare does not take {', '.join(taken)}: the likelihood-ratio and DeLong tests "
            "here treat each row as one observation; compare those models with fit"
        )
    from .api import with_dot_expanded

    formulas = [with_dot_expanded(f, data, options) for f in formulas]
    allow = options["allow_python_formula"]
    parsed = [parse_formula(f, allow_python=allow) for f in formulas]
    outcomes = {p.outcome for p in parsed}
    if len(outcomes) > 1:
        raise UsageError(
            f"the formulas model different outcomes ({', '.join(sorted(outcomes))}); "
            "models compared must share one outcome"
        )
    columns = frozenset().union(*(needed_columns(f, allow_python=allow) for f in formulas)) | row_columns(
        options
    )
    loaded = load_data(
        data,
        columns,
        sep=options["sep"],
        encoding=options["encoding"],
        decimal=options["decimal"],
        na_values=options["na_values"],
    )
    frame = loaded.frame
    ordered = [c for c in frame.columns if c in columns]
    missing = frame[ordered].isna()
    complete = ~missing.any(axis=1).to_numpy()
    if not complete.any():
        from .errors import DataError

        raise DataError("no row is complete in every model's columns; compare needs rows all models can use")
    rows = CommonRows(
        loaded.source,
        loaded.sha256,
        len(frame),
        int(complete.sum()),
        tuple((c, int(missing[c].sum())) for c in ordered),
    )
    common = frame.loc[complete].reset_index(drop=True)
    per_model = {**options, "sep": None, "encoding": "utf-8", "decimal": ".", "na_values": ()}
    models = tuple(run(f, common, per_model, on_stage=on_stage, execution=execution) for f in formulas)
    return Comparison(
        names=names,
        models=models,
        rows=rows,
        nested=_nested_tests(names, models),
        auc_tests=_auc_tests(names, models, common),
        title=options.get("title"),
        date=models[0].date,
    )


def _nested_tests(names: tuple[str, ...], models: tuple[FitResult, ...]) -> tuple[NestedTest, ...]:
    """Each model against the one before it, as R's ``anova(m1, m2, m3)``: a likelihood-ratio
    test where the earlier model's columns are among the later one's and both are maximum
    likelihood."""
    from scipy.stats import chi2

    found = []
    for (a, small), (b, large) in itertools.pairwise(zip(names, models, strict=True)):
        columns_small = {r.term for r in small.coefficient_rows}
        columns_large = {r.term for r in large.coefficient_rows}
        df = len(columns_large) - len(columns_small)
        note = ""
        if small.model.method != "mle" or large.model.method != "mle" or small.model.class_weight:
            note = "not maximum likelihood: no likelihood-ratio test"
        elif not columns_small < columns_large:
            note = f"{a}'s columns are not all in {b}: not nested, no likelihood-ratio test"
        if note:
            found.append(NestedTest(a, b, df, float("nan"), float("nan"), note))
            continue
        lr = max(2.0 * (large.fit.log_likelihood - small.fit.log_likelihood), 0.0)
        found.append(NestedTest(a, b, df, lr, float(chi2.sf(lr, df))))
    return tuple(found)


def _auc_tests(
    names: tuple[str, ...], models: tuple[FitResult, ...], frame: pd.DataFrame
) -> tuple[AucTest, ...]:
    """DeLong's paired test for every pair of models, on their probabilities of the same rows."""
    import numpy as np

    from .delong import paired_test
    from .design import outcome_vector
    from .formula import parse_formula

    first = models[0]
    parsed = parse_formula(
        first.model.formula, allow_python=bool(first.scoring and first.scoring.allow_python)
    )
    y = outcome_vector(parsed, frame, first.model.positive_class)
    scores = [model.predict(frame, ci=False)["predicted_probability"].to_numpy() for model in models]
    found = []
    for i, j in itertools.combinations(range(len(models)), 2):
        usable = np.isfinite(scores[i]) & np.isfinite(scores[j])
        test = paired_test(y[usable], scores[i][usable], scores[j][usable])
        found.append(
            AucTest(names[i], names[j], test.auc_1, test.auc_2, test.difference, test.z, test.p_value)
        )
    return tuple(found)


__all__ = ["AucTest", "CommonRows", "Comparison", "NestedTest", "compare", "run_comparison"]
