"""``statreport predict``: score a data file with a model file and write the input rows
with their predictions (CSV or Parquet), as a set, atomically (`statreport.output.write_all`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataError, UsageError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .model_file import Model

#: Output formats of predictions, by extension.
PREDICTION_FORMATS = {".csv": "csv", ".tsv": "tsv", ".parquet": "parquet"}


def prediction_format(path: Path) -> str:
    """The predictions' file format named by ``path``'s extension."""
    try:
        return PREDICTION_FORMATS[path.suffix.lower()]
    except KeyError:
        raise UsageError(f"cannot tell the format of '{path}': predictions are written as "
                         f"{', '.join(PREDICTION_FORMATS)}") from None


@dataclass(frozen=True)
class PredictionRun:
    """What a prediction run scored: rows given, scored, and left unscored (missing values)."""

    n_rows: int
    n_scored: int
    events: int  # rows predicted in the positive class

    @property
    def n_unscored(self) -> int:
        return self.n_rows - self.n_scored


def predict_file(model: Model, data: str | Path, outputs: list[Path], *, ci: bool | None,
                 ci_level: float | None, read_options: dict[str, object],
                 written: list[Path] | None = None, alongside: Callable[..., Any] | None = None
                 ) -> PredictionRun:
    """Score ``data`` with ``model`` and write every output (the input rows, then the
    prediction columns), all or none. ``alongside(func, *args)`` runs half of a CSV's
    writing beside the other half (the command line gives a thread); None: one after another."""
    import pandas as pd

    from .data import load_data
    from .output import write_all
    from .scoring import PREDICTION_COLUMNS, predictions_frame, score

    formats = [prediction_format(path) for path in outputs]
    loaded = load_data(data, None, hash_file=False, **read_options)  # type: ignore[arg-type]
    frame = loaded.frame
    clash = [c for c in PREDICTION_COLUMNS if c in frame.columns]
    if clash:
        raise DataError(f"the data already have a column '{clash[0]}', which the predictions would "
                        "overwrite; rename it")
    intervals = model.has_intervals if ci is None else ci
    scores = score(model.scoring, frame, intervals=intervals, from_file=loaded.format == "csv")
    level = model.ci_level if ci_level is None else ci_level
    predictions = predictions_frame(model.scoring, scores, threshold=model.threshold, ci_level=level,
                                    positive=model.positive_class, negative=model.negative_class)
    table = pd.concat([frame.reset_index(drop=True), predictions], axis=1)
    payloads = {fmt: _serialize(table, fmt, alongside) for fmt in dict.fromkeys(formats)}
    write_all([(path, payloads[fmt]) for path, fmt in zip(outputs, formats, strict=True)], written=written)
    scored = scores.scored
    positive = predictions["predicted_probability"].to_numpy()[scored] > model.threshold
    return PredictionRun(len(frame), int(scored.sum()), int(positive.sum()))


def _serialize(table: pd.DataFrame, fmt: str, alongside: Callable[..., Any] | None = None) -> bytes:
    """The table as CSV/TSV (pyarrow's writer: fast, full float precision; a large table in
    two halves, one ``alongside``) or Parquet bytes."""
    import pyarrow as pa

    arrow = pa.Table.from_pandas(table, preserve_index=False)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        buffer = io.BytesIO()
        pq.write_table(arrow, buffer)
        return buffer.getvalue()
    delimiter = "\t" if fmt == "tsv" else ","
    if alongside is None or arrow.num_rows < SPLIT_ROWS:
        return _csv(arrow, delimiter, header=True)
    half = arrow.num_rows // 2
    first = alongside(_csv, arrow.slice(0, half), delimiter, True)
    second = _csv(arrow.slice(half), delimiter, header=False)
    return bytes(first.result()) + second


#: Rows from which a CSV is written in two halves at once.
SPLIT_ROWS = 100_000


def _csv(arrow: Any, delimiter: str, header: bool) -> bytes:
    import pyarrow.csv as pacsv

    buffer = io.BytesIO()
    pacsv.write_csv(arrow, buffer, pacsv.WriteOptions(delimiter=delimiter, include_header=header))
    return buffer.getvalue()


__all__ = ["PREDICTION_FORMATS", "PredictionRun", "predict_file", "prediction_format"]
