"""The result of comparing models (`statreport.model_comparison`): plain frozen data that the
comparison report renders, as `statreport.result` is for one model's report."""

from __future__ import annotations

from dataclasses import dataclass

from .result import ResultData


@dataclass(frozen=True)
class NestedTest:
    """A likelihood-ratio test of ``larger`` against ``smaller`` (its columns a subset)."""

    smaller: str
    larger: str
    df: int
    lr_chi2: float
    p_value: float
    note: str = ""  # why there is no test ("" when there is one)


@dataclass(frozen=True)
class AucTest:
    """DeLong's paired test of two models' ROC AUCs on the same rows (`statreport.delong`)."""

    first: str
    second: str
    auc_first: float
    auc_second: float
    difference: float  # auc_first - auc_second
    z: float
    p_value: float


@dataclass(frozen=True)
class CommonRows:
    """The rows every model used: read, complete over the union of the models' columns."""

    source: str
    sha256: str | None
    n_rows_read: int
    n_obs: int
    dropped_by_column: tuple[tuple[str, int], ...]

    @property
    def n_dropped(self) -> int:
        return self.n_rows_read - self.n_obs


@dataclass(frozen=True)
class ComparisonData:
    """Models fitted on the same rows (``names`` their headings), and the tests between them."""

    names: tuple[str, ...]
    models: tuple[ResultData, ...]
    rows: CommonRows
    nested: tuple[NestedTest, ...]
    auc_tests: tuple[AucTest, ...]
    title: str | None = None
    date: str | None = None


__all__ = ["AucTest", "CommonRows", "ComparisonData", "NestedTest"]
