"""Reading a data source into a DataFrame, with its provenance.

CSV is parsed by pyarrow (multi-threaded, only the columns the formula needs)
while the file's SHA-256 is computed on another thread; Parquet is read by
pyarrow too. Delimited text may be gzip- or bzip2-compressed (``data.csv.gz``):
pyarrow decompresses as it parses, and the delimiter sniffing and error
messages read the decompressed text. A DataFrame passed in directly is used
as it is.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeGuard, Union, cast

from .errors import DataError, DataFileNotFoundError, MissingColumnError, UsageError
from .formula import clean_message
from .options import option

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pyarrow as pa

    from .budget import MemoryBudget

DataSource = Union["pd.DataFrame", str, Path]

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
#: Compressions of delimited text that both pyarrow (by extension) and Python's standard library read.
COMPRESSED_SUFFIXES = (".gz", ".bz2")
PARQUET_SUFFIXES = (".parquet", ".pq")
SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods")
#: How spreadsheet files start: a ZIP archive (.xlsx, .ods) or an OLE2 compound file (.xls).
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


@dataclass(frozen=True)
class LoadedData:
    """A DataFrame holding the needed columns, and where it came from."""

    frame: pd.DataFrame
    source: str
    format: str
    size_bytes: int | None
    sha256: str | None
    delimiter: str | None


def load_data(
    source: DataSource,
    columns: frozenset[str] | None,
    *,
    sep: str | None = None,
    encoding: str = "utf-8",
    decimal: str = ".",
    na_values: tuple[str, ...] = (),
    alongside: Callable[..., Any] | None = None,
    budget: MemoryBudget | None = None,
    hash_file: bool = True,
) -> LoadedData:
    """Load the columns a formula needs from a DataFrame, CSV or Parquet file.

    Parameters
    ----------
    source
        A pandas DataFrame, or the path of a ``.csv``/``.tsv`` (plain, ``.gz`` or ``.bz2``)
        or ``.parquet`` file.
    columns
        Names of the columns to keep; a name not in the data raises `FormulaError`.
        None: every column.
    sep
        Field delimiter for delimited text; by default the one of ``, ; tab |`` that
        splits every sampled line alike (ambiguity is an error, never a guess).
    encoding
        Text encoding of a delimited file.
    decimal
        Decimal mark of numbers in a delimited file (``.`` or ``,``).
    na_values
        Cell texts of a delimited file that mean a missing value, besides the
        empty cell and pyarrow's own ("NA", "N/A", "NaN", "null", ...): e.g.
        Stata's and SAS's ".", or "-99".
    alongside
        ``alongside(func, *args)`` starts ``func(*args)`` and returns what gives its
        result (``.result()``): the file's SHA-256 while it is parsed. The command line
        runs it on a thread (`statreport.parallel.CommandLine.alongside`); by default
        the hash is computed after the parse.
    budget
        The memory budget (`statreport.budget.MemoryBudget`): a file whose data would
        take more than its read share is refused, a Parquet file from its metadata
        before it is read, a delimited text (always when compressed) while it is read,
        as soon as the share is passed. None: no limit.
    hash_file
        Whether to compute the file's SHA-256 (``sha256`` is None without it).
    """
    if sep is not None:
        sep = SEP_NAMES.get(sep.lower(), sep)
    if sep is not None and (len(sep) != 1 or sep in "\"\r\n"):
        raise UsageError(f"{option('--sep')} must be a single character other than a quote or newline; "
                         f"got {sep!r}")
    if na_values and (_is_dataframe(source) or str(source).lower().endswith(PARQUET_SUFFIXES)):
        raise UsageError(
            f"{option('--na-value')} applies to delimited text files; a DataFrame or Parquet file has "
            "its own missing values (in pandas: frame.replace({'.': None}))"
        )
    if _is_dataframe(source):
        names = [str(c) for c in source.columns]
        if columns is None:
            columns = frozenset(names)
        for name in sorted(columns):
            if names.count(name) > 1:
                raise DataError(
                    f"column '{name}' appears {names.count(name)} times in the DataFrame; "
                    "rename the duplicates"
                )
        _check_columns(columns, names, "the DataFrame")
        keep = [i for i, name in enumerate(names) if name in columns]
        frame = source.iloc[:, keep].set_axis([names[i] for i in keep], axis=1)
        return LoadedData(frame, "<DataFrame>", "dataframe", None, None, None)
    if not isinstance(source, (str, Path)):
        raise DataError(
            f"data must be a pandas DataFrame or a file path; got {type(source).__name__}"
        )
    path = Path(source)
    if path.is_dir():
        raise DataError(f"'{path}' is a folder; give the data file inside it")
    if not path.is_file():
        raise DataFileNotFoundError(f"data file '{path}' does not exist")
    name = path.name.lower()
    # data.csv.gz is read as data.csv
    text_name = name.rsplit(".", 1)[0] if name.endswith(COMPRESSED_SUFFIXES) else name
    digest = (alongside or _After)(_sha256, path) if hash_file else _After(lambda _: None, path)
    if name.endswith(PARQUET_SUFFIXES):
        frame, fmt = _read_parquet(path, columns, budget), "parquet"
    elif text_name.endswith(TEXT_SUFFIXES) or sep is not None:
        if sep is None and text_name.endswith(".tsv"):
            sep = "\t"
        frame, sep = _read_csv(path, columns, sep=sep, encoding=encoding, decimal=decimal,
                               na_values=na_values, budget=budget)
        fmt = "csv"
    elif text_name.endswith(SPREADSHEET_SUFFIXES):
        raise DataError(
            f"'{path.name}' is a spreadsheet; save the sheet as CSV (in Excel: File > Save As > "
            "CSV UTF-8; in LibreOffice: File > Save As > Text CSV) and give that file"
        )
    else:
        raise DataError(
            f"cannot tell the format of '{path.name}' from its extension; "
            "use a .csv, .tsv (either may be .gz or .bz2) or .parquet file, "
            f"or pass {option('--sep')} for other delimited text"
        )
    sha = digest.result()
    return LoadedData(frame, path.name, fmt, path.stat().st_size, sha, sep)


def column_names(source: DataSource, *, sep: str | None = None, encoding: str = "utf-8") -> list[str]:
    """The names of the data's columns, from a DataFrame, a Parquet schema or a text file's
    header line, without reading the data (for a formula's ``.``, "every other column")."""
    if _is_dataframe(source):
        return [str(c) for c in source.columns]
    path = Path(source)  # type: ignore[arg-type]
    if not path.is_file():
        raise DataFileNotFoundError(f"data file '{path}' does not exist")
    if path.name.lower().endswith(PARQUET_SUFFIXES):
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            return list(pq.ParquetFile(path).schema_arrow.names)
        except (pa.ArrowInvalid, OSError) as exc:
            raise DataError(f"cannot read '{path.name}' as Parquet: {clean_message(exc)}") from exc
    if sep is not None:
        sep = SEP_NAMES.get(sep.lower(), sep)
    sample = _sample_lines(path, encoding)
    if sep is None:
        sep = "\t" if path.name.lower().removesuffix(".gz").removesuffix(".bz2").endswith(".tsv") \
            else _sniff_delimiter(path, sample)
    rows = _rows(sample, sep)
    return rows[0] if rows else []


def _is_dataframe(source: object) -> TypeGuard[pd.DataFrame]:
    """Whether ``source`` is a pandas DataFrame, without importing pandas to find out:
    a file is read while another thread imports pandas, and no DataFrame exists
    unless pandas was imported already."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(source, pandas.DataFrame)


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
    raise MissingColumnError(name, where, f"{hint} (columns: {shown})")


DELIMITERS = (",", ";", "\t", "|")
#: Names a shell makes easier to type than the character: --sep tab, --sep '\t'.
SEP_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " "}
_SNIFF_BYTES = 1 << 16


def _read_csv(
    path: Path,
    columns: frozenset[str] | None,
    *,
    sep: str | None,
    encoding: str,
    decimal: str,
    na_values: tuple[str, ...] = (),
    budget: MemoryBudget | None = None,
) -> tuple[pd.DataFrame, str]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    sample = _sample_lines(path, encoding)
    if sep is None:
        sep = _sniff_delimiter(path, sample)
    rows = _rows(sample, sep)
    if not rows:
        raise DataError(f"'{path.name}' is empty: expected a header line naming the columns")
    header = rows[0]
    if columns is None:
        columns = frozenset(header)
    _check_header(path, header, columns)
    read_options = pacsv.ReadOptions(encoding=encoding)
    parse_options = pacsv.ParseOptions(delimiter=sep)
    convert = pacsv.ConvertOptions(
        include_columns=[c for c in header if c in columns],
        strings_can_be_null=True,
        decimal_point=decimal,
    )
    if na_values:
        convert.null_values = [*convert.null_values, *na_values]
    compressed = path.name.lower().endswith(COMPRESSED_SUFFIXES)
    source: Any = path
    if budget is not None and (compressed or not budget.fits_without_watching(path.stat().st_size)):
        source = _Watched(path, budget)  # stops the parse once the data pass the budget
    try:
        table = pacsv.read_csv(
            source, read_options=read_options, parse_options=parse_options, convert_options=convert
        )
    except _OverBudgetError as over:
        raise over.budget.over_while_reading(path.name, over.held, over.text_bytes, compressed) from None
    except pa.ArrowInvalid as exc:
        raise DataError(_csv_problem(path, sep, encoding, exc)) from exc
    except OSError as exc:  # a compressed stream cut short past the sampled lines
        raise _unreadable(path, exc) from exc
    finally:
        if source is not path:
            source.close()
    if table.num_rows == 0:
        raise DataError(f"'{path.name}' has a header but no data rows")
    for name, column_type in zip(table.schema.names, table.schema.types, strict=True):
        if pa.types.is_binary(column_type) or pa.types.is_large_binary(column_type):
            raise DataError(_encoding_problem(path, encoding, column=name))
    _check_no_nul(path, table)
    return arrow_to_pandas(table), sep


class _OverBudgetError(Exception):
    """Raised inside the parse (through pyarrow) when the data read pass the budget."""

    def __init__(self, budget: MemoryBudget, held: int, text_bytes: int) -> None:
        super().__init__(f"{held} bytes held after {text_bytes} bytes of text")
        self.budget, self.held, self.text_bytes = budget, held, text_bytes


class _Watched:
    """The file's (decompressed) bytes for pyarrow's parser, refusing to go on once Arrow
    holds more than the budget's read share beyond what it held when reading began.

    pyarrow pulls the text block by block (1 MiB) through `read`, so the parse stops
    within a block or two of the budget, before the memory is spent. Decompression
    (``.gz``, ``.bz2``) is pyarrow's own, as when it reads the path.
    """

    def __init__(self, path: Path, budget: MemoryBudget) -> None:
        import pyarrow as pa

        self.pool = pa.default_memory_pool()
        self.start = self.pool.bytes_allocated()
        self.budget = budget
        self.text_bytes = 0
        self.raw = pa.input_stream(str(path), compression="detect")
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        held = self.pool.bytes_allocated() - self.start
        if held > self.budget.read_limit:
            raise _OverBudgetError(self.budget, held, self.text_bytes)
        data = self.raw.read(None if size is None or size < 0 else size)
        self.text_bytes += len(data)
        return bytes(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        if not self.closed:
            self.raw.close()
            self.closed = True


def _check_no_nul(path: Path, table: pa.Table) -> None:
    """A NUL byte in a text cell: the file is binary, damaged, or UTF-16/32 read as UTF-8.

    (numpy's fixed-width strings drop trailing NULs, and no data file means one.)
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    for name, column in zip(table.schema.names, table.columns, strict=True):
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            continue
        has_nul = pc.match_substring(column, "\x00")
        if not pc.any(has_nul).as_py():
            continue
        row = int(pc.index(has_nul, True).as_py())
        raise DataError(
            f"column '{name}' of '{path.name}' has a NUL byte (\\x00) on data row {row + 1}: the file "
            f"is binary or damaged, or its text is UTF-16 (pass {option('--encoding', 'utf-16')}); "
            "remove the NUL bytes or save the file as CSV again"
        )


def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a DataFrame whose text columns are categoricals with sorted levels.

    Text is dictionary-encoded in Arrow (C++, multi-threaded) rather than handed
    to pandas as a million string objects: formulaic then codes a categorical
    from its integer codes, several times faster. Levels are sorted so the
    reference level is the first in sorted order, whatever order rows come in.
    The Arrow buffers are handed over column by column, so peak memory stays
    near one copy of the data.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, field in enumerate(table.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            table = table.set_column(i, field.name, pc.dictionary_encode(table.column(i)))
    frame = table.to_pandas(split_blocks=True, self_destruct=True)
    del table
    release_arrow_memory()
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            levels = column.cat.categories
            ordered = sorted(levels)
            if list(levels) != ordered:
                frame[name] = column.cat.reorder_categories(ordered)
    return frame


def release_arrow_memory() -> None:
    """Hand Arrow's freed blocks back to the system.

    Arrow's allocator keeps freed memory for reuse that never comes here: the
    parser's blocks, then the columns once the design matrix holds the data. Returning
    them lowers the peak of the fit.
    """
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        arrow.default_memory_pool().release_unused()


def _open_bytes(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed if its name ends in .gz or .bz2 (as pyarrow reads it)."""
    name = path.name.lower()
    if name.endswith(".gz"):
        import gzip

        return cast(IO[bytes], gzip.open(path, "rb"))
    if name.endswith(".bz2"):
        import bz2

        return cast(IO[bytes], bz2.open(path, "rb"))
    return path.open("rb")


def _unreadable(path: Path, exc: OSError | EOFError) -> DataError:
    if path.name.lower().endswith(COMPRESSED_SUFFIXES):
        return DataError(
            f"cannot decompress '{path.name}' ({clean_message(exc)}): the file is cut "
            f"short or damaged, or is not {path.suffix} data despite its name"
        )
    return DataError(f"cannot read '{path.name}': {getattr(exc, 'strerror', None) or exc}")


def _sample_lines(path: Path, encoding: str) -> str:
    """The first 64 KiB of the (decompressed) file, decoded, without a byte-order mark or a
    cut-off last line."""
    try:
        with _open_bytes(path) as handle:
            raw = handle.read(_SNIFF_BYTES)
    except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
        raise _unreadable(path, exc) from exc
    if not raw.strip():
        raise DataError(f"'{path.name}' is empty: expected a header line naming the columns")
    if raw.startswith(_SPREADSHEET_MAGIC):
        raise DataError(
            f"'{path.name}' is a spreadsheet (or another binary file), not delimited text; save "
            "the sheet as CSV (in Excel: File > Save As > CSV UTF-8) and give that file"
        )
    if len(raw) == _SNIFF_BYTES:  # cut off at the last line end, LF or CR (old Mac files)
        end = max(raw.rfind(b"\n"), raw.rfind(b"\r"))
        if end > 0:
            raw = raw[:end]
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DataError(_encoding_problem(path, encoding, raw=raw, error=exc)) from exc
    except LookupError as exc:
        raise DataError(f"unknown encoding '{encoding}'; try {option('--encoding', 'utf-8')}, "
                        f"{option('--encoding', 'latin-1')} or {option('--encoding', 'cp1252')}") from exc
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise DataError(f"'{path.name}' is empty: expected a header line naming the columns")
    if "\x00" in text.lstrip().splitlines()[0]:
        raise DataError(
            f"the header line of '{path.name}' has NUL bytes (\\x00): the file is binary or damaged, "
            f"or its text is UTF-16 (pass {option('--encoding', 'utf-16')})"
        )
    return text


def _rows(text: str, sep: str) -> list[list[str]]:
    """The sample's rows; a line may end in LF, CRLF or CR alone (old Mac files), as pyarrow reads them."""
    import csv

    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=sep) if row]
    except csv.Error as exc:
        raise DataError(f"cannot read the first lines as delimited text: {exc}") from exc


def _sniff_delimiter(path: Path, sample: str) -> str:
    """The delimiter that splits the header into the most fields and nearly every row alike.

    A tie between two delimiters is an error that asks for --sep: never a guess.
    (A few ragged rows do not defeat the sniffing; the parser reports them by line.)
    """
    splitting = {c: _rows(sample, c) for c in DELIMITERS}
    splitting = {c: rows for c, rows in splitting.items() if len(rows[0]) > 1}
    widths: dict[str, int] = {}
    for candidate, rows in splitting.items():
        width = len(rows[0])
        # the only delimiter that splits the header is the one, however ragged the
        # rows (a short file with one bad line): the parser then names that line
        if len(splitting) == 1 or sum(len(row) == width for row in rows) >= 0.9 * len(rows):
            widths[candidate] = width
    if widths:
        best = max(widths.values())
        winners = [c for c, w in widths.items() if w == best]
        if len(winners) == 1:
            return winners[0]
        shown = " or ".join(repr(c) for c in winners)
        reason = f"could be separated by {shown}"
    else:
        reason = "has no delimiter (, ; tab |) that splits every line into the same number of fields"
    raise DataError(f"'{path.name}' {reason}; say which with {option('--sep')} (e.g. {option('--sep', ';')})")


def _check_header(path: Path, header: list[str], needed: frozenset[str]) -> None:
    for name in sorted(needed):
        positions = [i + 1 for i, column in enumerate(header) if column == name]
        if len(positions) > 1:
            where = ", ".join(map(str, positions))
            raise DataError(
                f"column '{name}' appears {len(positions)} times in the header of '{path.name}' "
                f"(columns {where}); rename the duplicates"
            )
    _check_columns(needed, header, f"'{path.name}'")


#: Longest line the error messages read back from a file (pyarrow's parser takes
#: lines up to its block of 1 MiB; a longer one is named as such, not read).
_LINE_LIMIT = 1 << 20


class _LongLineError(Exception):
    """A line longer than `_LINE_LIMIT`, met while scanning a file for a message."""


def _bounded_lines(handle: IO[str]) -> Iterator[str]:
    """The lines of ``handle``, stopping (`_LongLineError`) at one too long to hold for a message."""
    while line := handle.readline(_LINE_LIMIT + 1):
        if len(line) > _LINE_LIMIT:
            raise _LongLineError
        yield line


def _csv_problem(path: Path, sep: str, encoding: str, exc: Exception) -> str:
    import csv

    message = clean_message(exc)
    if "straddling object" in message:  # pyarrow's words for a line longer than its block
        return (
            f"'{path.name}' has a line longer than 1 MiB, which no CSV parser here reads: a quote "
            "that is never closed, a file without line breaks, or not delimited text at all?"
        )
    if "Expected" in message and "columns" in message:
        try:
            with io.TextIOWrapper(_open_bytes(path), encoding=encoding, newline="") as handle:
                reader = csv.reader(_bounded_lines(handle), delimiter=sep)
                width = len(next(reader))
                for row in reader:
                    if row and len(row) != width:
                        return (
                            f"line {reader.line_num} of '{path.name}' has {len(row)} fields but the "
                            f"header has {width}; fix that line (a stray delimiter or a missing quote?)"
                        )
        except UnicodeDecodeError:
            return _encoding_problem(path, encoding)
        except (csv.Error, _LongLineError, StopIteration, OSError, EOFError):
            pass  # the parser's own words, below
    if "UTF8" in message or "UTF-8" in message:
        return _encoding_problem(path, encoding)
    return f"cannot parse '{path.name}' as CSV: {message}"


def _encoding_problem(
    path: Path,
    encoding: str,
    *,
    column: str | None = None,
    raw: bytes | None = None,
    error: UnicodeDecodeError | None = None,
) -> str:
    where = ""
    if error is not None and raw is not None:
        line = raw[: error.start].count(b"\n") + 1
        where = f": byte 0x{raw[error.start]:02x} on line {line}"
    elif error is None:
        where = _first_undecodable(path, encoding)
    in_column = f" (column '{column}')" if column else ""
    return (
        f"'{path.name}' is not valid {encoding}{where}{in_column}; "
        f"pass the file's encoding, e.g. {option('--encoding', 'latin-1')} or "
        f"{option('--encoding', 'cp1252')}"
    )


NEWLINE = b"\n"


def _first_undecodable(path: Path, encoding: str) -> str:
    """": byte 0xe9 on line 12": the first byte of the file that ``encoding`` cannot decode,
    found a block at a time (a file of any size, never held whole); "" if none is found."""
    import codecs

    try:
        decoder = codecs.getincrementaldecoder(encoding)()
        lines = 1
        with _open_bytes(path) as handle:
            while block := handle.read(_LINE_LIMIT):
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:  # exc.object: the bytes held back, then block
                    bad, before = exc.object[exc.start], exc.object[: exc.start]
                    return f": byte 0x{bad:02x} on line {lines + before.count(NEWLINE)}"
                lines += block.count(b"\n")
    except (LookupError, OSError, EOFError):
        pass
    return ""


def _read_parquet(
    path: Path, columns: frozenset[str] | None, budget: MemoryBudget | None = None
) -> pd.DataFrame:
    """The model's columns of a Parquet file; nested columns refused and the memory estimated
    from the file's metadata before anything is read. Text columns are read as dictionaries
    (each distinct text once), as the rest of statreport holds them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        schema = parquet.schema_arrow
        names = list(schema.names)
        if columns is None:
            columns = frozenset(names)
        _check_columns(columns, names, f"'{path.name}'")
        wanted = [c for c in names if c in columns]
        for name in wanted:
            _check_flat(path, name, schema.field(name).type)
        text = [name for name in wanted if _is_text(schema.field(name).type)]
        if budget is not None:
            needed, largest = _parquet_bytes(parquet, wanted)
            budget.check_read(path.name, needed, f" (column '{largest}' the most)" if largest else "")
        table = pq.read_table(path, columns=wanted, read_dictionary=text or None)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"cannot read '{path.name}' as Parquet: {clean_message(exc)}") from exc
    return arrow_to_pandas(table)


_NESTED_KINDS = (
    ("is_struct", "records"), ("is_map", "maps"), ("is_union", "unions"),
)


def _check_flat(path: Path, name: str, kind: pa.DataType) -> None:
    """A nested column (lists, records, maps) holds no one number or category per row: refuse it."""
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if not pa.types.is_nested(kind):
        return
    what = next((words for test, words in _NESTED_KINDS if getattr(pa.types, test)(kind)), "lists")
    raise DataError(
        f"column '{name}' of '{path.name}' holds {what} (Parquet type {kind}), not one value per row; "
        "a model takes a number or a category: flatten it first (e.g. one column per element, or "
        "its length)"
    )


def _is_text(kind: pa.DataType) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _parquet_bytes(parquet: Any, wanted: list[str]) -> tuple[int, str]:
    """Bytes the ``wanted`` columns take once read, from the file's metadata (nothing is
    decoded), and the column that takes the most: a fixed-width column rows x width; a text
    column (read as a dictionary) 4 bytes a row plus its data, at most the column's
    uncompressed size."""
    import pyarrow as pa

    metadata = parquet.metadata
    rows = int(metadata.num_rows)
    schema = parquet.schema_arrow
    per_column: dict[str, int] = {}
    for name in wanted:
        kind = schema.field(name).type
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        try:
            per_column[name] = rows * max(kind.bit_width, 8) // 8 + rows // 8
            continue
        except ValueError:  # variable width: text, binary
            pass
        stored = 0
        for group in range(metadata.num_row_groups):
            row_group = metadata.row_group(group)
            for index in range(row_group.num_columns):
                chunk = row_group.column(index)
                if chunk.path_in_schema.split(".")[0] == name:
                    stored += int(chunk.total_uncompressed_size)
        per_column[name] = rows * 4 + rows // 8 + stored
    if not per_column:
        return 0, ""
    largest = max(per_column, key=lambda name: per_column[name])
    return sum(per_column.values()), largest


class _After:
    """``func(*args)`` made when its result is asked for."""

    def __init__(self, func: Callable[..., Any], *args: Any) -> None:
        self.func, self.args = func, args

    def result(self) -> Any:
        return self.func(*self.args)
