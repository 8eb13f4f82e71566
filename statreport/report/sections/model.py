"""The Model section: outcome, observations, events, parameters, method and convergence."""

from __future__ import annotations

from dataclasses import asdict

from ...result import ResultData
from .. import formatting, labels
from ..document import Grid, Row, Section, Table, cell, code, styled, text


def build(result: ResultData) -> Section:
    m, f = result.model, result.fit
    rows = [
        _row("Outcome", text(code(m.outcome), ", event = ", code(m.positive_class))),
        _row("Observations", text(_observations(result))),
        _row("Events", text(f"{formatting.integer(f.events)} ({formatting.percent(f.events / f.n_obs)})")),
        _row("Parameters", text(f"{m.n_params}" + ("" if m.has_intercept else " (no intercept)"))),
    ]
    epp = f.events_per_parameter
    if epp is not None:
        few = epp < f.FEW_EVENTS_PER_PARAMETER and not result.inference.shrunk
        rows.append(_row("Rarer outcome per slope", text(
            f"{epp:.1f}", " " if few else "",
            styled(f"(fewer than {f.FEW_EVENTS_PER_PARAMETER}: estimates tend to be too far from zero "
                   "and intervals too narrow)", "caution") if few else "")))
    method = [_row("Method", text(m.method_label or m.method)), _row("Converged", _convergence(result))]
    inference = _inference(result)
    if inference:
        method.append(_row("Inference", text(inference)))
    counted = {count.term for count in result.levels}
    shown = [cat for cat in m.categoricals if cat.term not in counted]  # the table shows the others
    for i, cat in enumerate(shown):
        label = "Reference levels" if i == 0 else ""
        method.append(_row(label, text(code(cat.variable), f": {cat.reference}")))
    model = asdict(m)
    model["ci_level"] = result.ci_level
    tables = Grid((Table("summary", tuple(rows)), Table("summary", tuple(method))))
    return Section("model", "Model", (tables,),
                   json={"model": model})


def _observations(result: ResultData) -> str:
    """"944", "944 (of 950 read)", or "4,526 (24 rows of counts, frequency weights 'count')"."""
    d = result.data
    shown = formatting.integer(result.fit.n_obs)
    if d.expansion:
        return f"{shown} ({formatting.integer(d.n_rows_used or 0)} rows of counts: {d.expansion})"
    return shown + (f" (of {formatting.integer(d.n_rows_read)} read)" if d.n_dropped else "")


def _inference(result: ResultData) -> str:
    """"Model-based standard errors; profile-likelihood intervals", or "" without either."""
    m, f = result.model, result.fit
    parts = []
    if result.inference.standard_errors:
        parts.append(labels.standard_errors(m.se_type, m.cluster, f.n_clusters))
    if m.ci_method != "none":
        parts.append(f"{labels.INTERVALS.get(m.ci_method, m.ci_method)} intervals")
    joined = "; ".join(parts)
    return joined[:1].upper() + joined[1:]


def _row(label: str, value: object) -> Row:
    return Row((cell(label, header=True), cell(value)))  # type: ignore[arg-type]


def _convergence(result: ResultData) -> object:
    f = result.fit
    if result.inference.shrunk:  # a penalized optimum is judged by its optimality (KKT) conditions
        if f.converged:
            return text("yes (optimality conditions hold)")
        return text(styled("no", "fail"), " (optimality conditions violated)")
    if f.converged and any(row.separated for row in result.coefficient_rows):
        return text("the other terms converge to their limits; the terms marked \u2020 diverge (separation)")
    if f.converged:
        return text(f"yes, {f.iterations} iterations")
    return text(styled("no", "fail"), f", stopped after {f.iterations} iterations")
