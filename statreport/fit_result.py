"""`FitResult`: the frozen result data, with convenience methods that render it.

`statreport.result.ResultData` is pure data and imports no renderer; this
subclass adds ``to_html``, ``to_pdf``, ``to_json`` and ``to_dict``, which
import the renderers when called. The renderers import the result, never the
other way round.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, overload

from .result import ResultData

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class FitResult(ResultData):
    """Everything a statreport report says, as plain immutable data (see `ResultData`),
    and the report in every format: ``to_html``, ``to_pdf``, ``to_json``, ``to_dict``."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready dictionary following the published schema."""
        from .report.json_report import result_to_dict

        return result_to_dict(self)

    @overload
    def to_json(self, path: None = None) -> str: ...
    @overload
    def to_json(self, path: str | Path) -> Path: ...
    @overload
    def to_json(self, path: IO[Any]) -> None: ...
    def to_json(self, path: str | Path | IO[Any] | None = None) -> str | Path | None:
        """Write the JSON report atomically to ``path`` and return the path; to an
        open file (text or binary), return None; without a path, return the JSON text."""
        return self._write("json", path)

    @overload
    def to_html(self, path: None = None) -> str: ...
    @overload
    def to_html(self, path: str | Path) -> Path: ...
    @overload
    def to_html(self, path: IO[Any]) -> None: ...
    def to_html(self, path: str | Path | IO[Any] | None = None) -> str | Path | None:
        """Write the self-contained HTML report atomically to ``path`` and return the
        path; to an open file (text or binary), return None; without a path, return
        the HTML text."""
        return self._write("html", path)

    @overload
    def to_pdf(self, path: None = None, *, page_size: str = "a4") -> bytes: ...
    @overload
    def to_pdf(self, path: str | Path, *, page_size: str = "a4") -> Path: ...
    @overload
    def to_pdf(self, path: IO[bytes], *, page_size: str = "a4") -> None: ...
    def to_pdf(self, path: str | Path | IO[bytes] | None = None, *,
               page_size: str = "a4") -> bytes | Path | None:
        """Write the PDF report (WeasyPrint; A4 or ``page_size="letter"``) atomically to
        ``path`` and return the path; to a file open in binary mode, return None;
        without a path, return the PDF bytes."""
        return self._write("pdf", path, page_size=page_size)

    def _write(self, fmt: str, path: str | Path | IO[Any] | None, page_size: str = "a4") -> Any:
        from .report import render, write_report

        if path is None:
            payload = render(self, fmt, page_size=page_size)
            return payload if fmt == "pdf" else payload.decode("utf-8")
        return write_report(self, path, format=fmt, page_size=page_size)

    # --- scoring new data (`statreport.model_file.Model`)
    def predict(self, data: pd.DataFrame | str | Path, *, ci: bool | None = None,
                ci_level: float | None = None) -> pd.DataFrame:
        """Predicted probabilities (with delta-method intervals), linear predictors and
        classes at the report's threshold for new rows; see `statreport.model_file.Model.predict`.
        The fitting rows give the report's fitted probabilities."""
        from .model_file import Model

        return Model.from_result(self).predict(data, ci=ci, ci_level=ci_level)

    # --- statsmodels' names, with statsmodels' meanings (`statreport.statsmodels_view`)
    @property
    def params(self) -> pd.Series:
        """The estimates by design column (statsmodels' ``params``)."""
        return self._column("estimate")

    @property
    def bse(self) -> pd.Series:
        """Their standard errors (NaN for a penalized fit), as the report's: robust ones with ``se=``."""
        return self._column("std_error")

    @property
    def tvalues(self) -> pd.Series:
        """Wald z statistics, estimate / standard error (statsmodels' ``tvalues``)."""
        return self._column("z")

    @property
    def pvalues(self) -> pd.Series:
        """The report's p-values (Wald's; likelihood-ratio ones for Firth's fit; NaN for a penalized fit)."""
        return self._column("p_value")

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald intervals, estimate -/+ z(1 - alpha/2) x standard error, columns 0 and 1, as
        statsmodels' ``conf_int``; the report's own intervals (profile likelihood where it
        uses them) are ``coefficients[["ci_low", "ci_high"]]``."""
        from .statsmodels_view import wald_intervals

        return wald_intervals(self, alpha)

    def summary(self) -> Any:
        """A plain-text summary table in statsmodels' layout (``print(result.summary())``)."""
        from .statsmodels_view import Summary

        return Summary(self)

    def _column(self, name: str) -> pd.Series:
        import pandas as pd

        return pd.Series([getattr(row, name) for row in self.coefficient_rows],
                         index=[row.term for row in self.coefficient_rows], name=name, dtype=float)

    def _repr_html_(self) -> str:
        from .report.html import render_html

        return render_html(self, fragment=True)
