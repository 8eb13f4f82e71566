"""The Cross-check section: how far an independent scikit-learn refit is from the estimate."""

from __future__ import annotations

from dataclasses import asdict

from ...result import ResultData
from .. import formatting
from ..document import Row, Section, Table, cell, number, styled, text


def build(result: ResultData) -> Section:
    x = result.crosscheck
    verdict = styled("passed", "pass") if x.passed else styled("FAILED", "fail")
    rows = (
        _row("Result", text(verdict, f": independent refit with {x.library} {x.version} ({x.solver}, same "
                                     "design matrix)" + ("" if x.converged else ", which did not converge"))),
        _number("Largest coefficient difference", formatting.number(x.max_abs_coef_diff, 2)),
        _number("Largest probability difference", formatting.number(x.max_abs_prob_diff, 2)),
        _number("Identical predicted labels", formatting.percent(x.label_agreement, 2)),
        _row("Tolerance", text(f"probabilities {formatting.significant(x.tolerance)}; coefficients "
                               f"{formatting.significant(x.coef_tolerance)} relative to max(1, |estimate|)")),
    )
    return Section("crosscheck", "Cross-check", (Table("summary", rows),), json={"crosscheck": asdict(x)})


def _number(label: str, value: str) -> Row:
    return Row((cell(label, header=True), number(value)))


def _row(label: str, value: object) -> Row:
    return Row((cell(label, header=True), cell(value)))  # type: ignore[arg-type]
