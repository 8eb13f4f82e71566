"""Reading a data source into a DataFrame, with its provenance.

CSV is parsed by pyarrow (multi-threaded, only the columns the formula needs)
while the file's SHA-256 is computed on another thread; Parquet is read by
pyarrow too. A DataFrame passed in directly is used as it is.
"""

from __future__ import annotations

import difflib
import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Union

from .errors import DataError, FormulaError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

DataSource = Union["pd.DataFrame", str, Path]

CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".csv.bz2")
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass(frozen=True)
class LoadedData:
    """A DataFrame holding the needed columns, and where it came from."""

    frame: pd.DataFrame
    source: str
    format: str
    size_bytes: int | None
    sha256: str | None


def load_data(
    source: DataSource,
    columns: frozenset[str],
    *,
    sep: str | None = None,
    encoding: str = "utf-8",
) -> LoadedData:
    """Load the columns a formula needs from a DataFrame, CSV or Parquet file.

    Parameters
    ----------
    source
        A pandas DataFrame, or the path of a ``.csv``/``.tsv`` or ``.parquet`` file.
    columns
        Names of the columns to keep; a name not in the data raises `FormulaError`.
    sep
        Field delimiter for delimited text; default ``,`` (``\\t`` for ``.tsv``).
    encoding
        Text encoding of a delimited file.
    """
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        _check_columns(columns, [str(c) for c in source.columns], "the DataFrame")
        frame = source.loc[:, [c for c in source.columns if str(c) in columns]]
        return LoadedData(frame, "<DataFrame>", "dataframe", None, None)
    if not isinstance(source, (str, Path)):
        raise DataError(
            f"data must be a pandas DataFrame or a file path; got {type(source).__name__}"
        )
    path = Path(source)
    if not path.is_file():
        raise DataError(f"data file '{path}' does not exist or is not a file")
    name = path.name.lower()
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(_sha256, path)
        if name.endswith(PARQUET_SUFFIXES):
            frame, fmt = _read_parquet(path, columns), "parquet"
        elif name.endswith(CSV_SUFFIXES) or sep is not None:
            if sep is None:
                sep = "\t" if name.endswith(".tsv") else ","
            frame, fmt = _read_csv(path, columns, sep=sep, encoding=encoding), "csv"
        else:
            raise DataError(
                f"cannot tell the format of '{path.name}' from its extension; "
                "use a .csv, .tsv or .parquet file (or pass --sep for other delimited text)"
            )
        sha = digest.result()
    return LoadedData(frame, path.name, fmt, path.stat().st_size, sha)


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _check_columns(needed: frozenset[str], available: list[str], where: str) -> None:
    missing = sorted(needed.difference(available))
    if not missing:
        return
    name = missing[0]
    close = difflib.get_close_matches(name, available, n=1, cutoff=0.6)
    if not close:
        lowered = {a.lower(): a for a in available}
        close = [lowered[name.lower()]] if name.lower() in lowered else []
    hint = f"; did you mean '{close[0]}'?" if close else ""
    shown = ", ".join(available[:12]) + (", ..." if len(available) > 12 else "")
    raise FormulaError(
        f"column '{name}' named in the formula is not in {where}{hint} "
        f"(columns: {shown})"
    )


def _read_csv(path: Path, columns: frozenset[str], *, sep: str, encoding: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    read_options = pacsv.ReadOptions(encoding=encoding, block_size=1 << 24)
    parse_options = pacsv.ParseOptions(delimiter=sep)
    try:
        header = _read_header(path, sep=sep, encoding=encoding)
        _check_columns(columns, header, f"'{path.name}'")
        convert = pacsv.ConvertOptions(
            include_columns=[c for c in header if c in columns],
            strings_can_be_null=True,
        )
        table = pacsv.read_csv(
            path, read_options=read_options, parse_options=parse_options, convert_options=convert
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise DataError(f"cannot parse '{path.name}' as CSV: {_first_line(exc)}") from exc
    return table.to_pandas()


def _read_header(path: Path, *, sep: str, encoding: str) -> list[str]:
    import csv
    import io

    with path.open("rb") as handle:
        first = handle.readline(1 << 20)
    if not first.strip():
        raise DataError(f"'{path.name}' is empty: expected a header line naming the columns")
    text = first.decode(encoding).lstrip("\ufeff")
    return next(csv.reader(io.StringIO(text), delimiter=sep))


def _read_parquet(path: Path, columns: frozenset[str]) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        names = list(pq.read_schema(path).names)
        _check_columns(columns, names, f"'{path.name}'")
        table = pq.read_table(path, columns=[c for c in names if c in columns])
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"cannot read '{path.name}' as Parquet: {_first_line(exc)}") from exc
    return table.to_pandas()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
