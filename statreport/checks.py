"""Checks on the columns a model uses, run before the design matrix is built.

Each check either passes, raises a `DataError` whose message names the column,
value and row and says what to do, or returns report warnings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import DataError
from .options import option
from .result import ReportWarning

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Refuse a design matrix larger than this (bytes); estimated before it is built.
MAX_DESIGN_BYTES = 4 * 1024**3
#: Warn about categorical levels with fewer rows than this.
SPARSE_LEVEL_ROWS = 5
#: Text levels that usually mean "missing" in exported files (Stata and SAS write ".").
MISSING_CODES = frozenset({".", "-", "--", "?", ".."})

_NUMBER_AS_TEXT = re.compile(r"^\s*[-+]?(\d{1,3}([ \u00a0\u202f.,']\d{3})+|\d+)([.,]\d+)?\s*$")


def _number_text_advice(example: str) -> str:
    """What makes a number like ``example`` unreadable: its decimal mark or thousands separators."""
    digits = example.strip().lstrip("+-")
    if re.search(r"[ \u00a0\u202f']", digits) or ("." in digits and "," in digits):
        return "remove the thousands separators"
    if digits.count(",") == 1:
        thousands = re.fullmatch(r"\d{1,3},\d{3}", digits)
        return f"for a decimal comma pass {option('--decimal', ',')}" + (
            "; if ',' separates thousands, remove it" if thousands else "")
    if digits.count(".") == 1:  # text only when --decimal ',' was given
        return f"this column's numbers use '.' as the decimal mark, so leave out {option('--decimal', ',')}"
    return "remove the thousands separators"


def _declare_missing(code: str, from_file: bool) -> str:
    """How to say that ``code`` means a missing value: an option when reading a file,
    pandas when the data are a DataFrame."""
    if from_file:
        return f"pass {option('--na-value', code)}"
    return f"replace it with frame.replace({{{code!r}: None}})"


def _row(frame: pd.DataFrame, position: int, from_file: bool) -> str:
    """The row at ``position`` as its reader knows it: a data row and line of the file
    read (the reader numbers rows from 0), else the DataFrame's index label."""
    label = frame.index[position]
    if from_file and isinstance(label, (int, np.integer)):
        return f"data row {int(label) + 1} (line {int(label) + 2} of the file)"
    return f"the row with index {label!r}"


def _where(frame: pd.DataFrame, column: str, value: str, from_file: bool) -> str:
    """Where ``value`` first occurs in ``column``."""
    position = int(np.flatnonzero(frame[column].astype(str).to_numpy() == value)[0])
    return _row(frame, position, from_file)


def check_missing(frame: pd.DataFrame, columns: list[str], *, missing: str, from_file: bool = True) -> None:
    """With ``missing='raise'``, any missing value in a model column is an error."""
    if missing == "drop":
        return
    for name in columns:
        mask = frame[name].isna().to_numpy()
        if mask.any():
            first = int(np.argmax(mask))
            raise DataError(
                f"column '{name}' has {int(mask.sum())} missing value(s), the first on "
                f"{_row(frame, first, from_file)}; "
                f"fill them, or drop {option('--missing', 'raise')} to use complete rows only"
            )


def check_finite(frame: pd.DataFrame, columns: list[str], *, from_file: bool = True) -> None:
    """Infinite values are errors: a logistic model cannot use them."""
    for name in columns:
        series = frame[name]
        if series.dtype.kind != "f":
            continue
        values = series.to_numpy()
        bad = np.isinf(values)
        if bad.any():
            first = int(np.argmax(bad))
            raise DataError(
                f"column '{name}' has an infinite value ({values[first]}) on {_row(frame, first, from_file)}"
                + (f" and {int(bad.sum()) - 1} more" if bad.sum() > 1 else "")
                + "; replace it with a finite value or leave the cell empty (missing)"
            )


def _rows_count(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def check_text_columns(
    frame: pd.DataFrame, plain_terms: frozenset[str], categorical_terms: frozenset[str],
    *, from_file: bool = True,
) -> list[ReportWarning]:
    """Text columns: numbers written as text, too many levels, levels with few rows.

    ``plain_terms`` are columns used as they are (a text column there becomes a
    categorical); ``categorical_terms`` are columns wrapped in ``C(...)``.
    """
    warnings: list[ReportWarning] = []
    for name in sorted(plain_terms | categorical_terms):
        series = frame[name]
        if series.dtype.kind in "biuf":
            continue
        values = series.dropna()
        # a categorical of numbers (pd.Categorical([1, 2])) was declared so; text
        # categories may be a file reader's dictionary encoding of any text column
        declared = series.dtype.name == "category" and series.dtype.categories.dtype.kind in "iufb"
        if name in plain_terms and len(values) and not declared:
            sample = values.iloc[: 1000].astype(str)
            numeric_looking = sample.map(lambda v: bool(_NUMBER_AS_TEXT.match(v)))
            # mostly numbers, or (in a short file) numbers and a single word
            single_stray = (sample[~numeric_looking].nunique() == 1
                            and numeric_looking.sum() >= max(2, (~numeric_looking).sum() + 1))
            if numeric_looking.mean() > 0.9 or single_stray:
                text = values.astype(str)
                strays = text[~text.map(lambda v: bool(_NUMBER_AS_TEXT.match(v)))]
                if len(strays):  # a number column with a few cells that are not numbers
                    raise DataError(
                        f"column '{name}' holds numbers, but '{strays.iloc[0]}' on "
                        f"{_where(frame, name, strays.iloc[0], from_file)} is not a number"
                        + (f" (nor are {len(strays) - 1} more)" if len(strays) > 1 else "")
                        + "; correct it or leave the cell empty (a missing value)"
                        + (f", or {_declare_missing(strays.iloc[0], from_file)} if it marks a missing value"
                           if strays.nunique() == 1 else "")
                        + f", or write C({name}) if the column really is categorical"
                    )
                example = sample[numeric_looking].iloc[0]
                raise DataError(
                    f"column '{name}' holds numbers written as text ('{example}' on "
                    f"{_where(frame, name, example, from_file)}); "
                    + (_number_text_advice(example) if from_file else
                       f"convert it to numbers first (pandas.to_numeric(frame['{name}'], ...))")
                    + ", or write "
                    f"C({name}) if it really is categorical"
                )
        counts = values.value_counts()
        codes = [str(level) for level in counts.index if str(level).strip() in MISSING_CODES]
        if codes:
            warnings.append(ReportWarning(
                "missing_code_as_level",
                f"'{name}' has the level '{codes[0]}' ({_rows_count(int(counts[codes[0]]))}), kept as a "
                f"category of its own; if it marks a missing value (as '.' does in Stata and SAS "
                f"files), {_declare_missing(codes[0], from_file)}",
            ))
        sparse = counts[counts < SPARSE_LEVEL_ROWS]
        if len(counts) > 1 and len(sparse):
            shown = ", ".join(f"'{level}' ({count})" for level, count in sparse.iloc[:5].items())
            more = f" and {len(sparse) - 5} more" if len(sparse) > 5 else ""
            warnings.append(
                ReportWarning(
                    "sparse_levels",
                    f"categorical '{name}' has {len(sparse)} level(s) with fewer than "
                    f"{SPARSE_LEVEL_ROWS} rows: {shown}{more}; their estimates are unstable",
                )
            )
    return warnings


def check_design_size(rhs: Any, frame: pd.DataFrame) -> None:
    """Refuse a design matrix that would not fit, before formulaic allocates it.

    Columns per term are the product over its factors: a categorical gives its
    number of levels, a spline or polynomial its ``df``/``degree`` (3 if not
    given), anything else one column. ``C(a):C(b)`` therefore counts levels(a)
    times levels(b).
    """
    from .formula import _categorical_column

    n = len(frame)
    total, worst, worst_columns = 1, "", 0
    cache: dict[str, int] = {}

    def levels(column: str) -> int:
        if column not in cache:
            cache[column] = int(frame[column].nunique()) if column in frame.columns else 1
        return cache[column]

    for term in rhs:
        columns = 1
        for factor in term.factors:
            expr = str(factor.expr)
            if factor.eval_method.name == "LOOKUP":
                is_text = expr in frame.columns and frame[expr].dtype.kind not in "biuf"
                columns *= levels(expr) if is_text else 1
            elif (name := _categorical_column(expr)) is not None:
                columns *= levels(name)
            else:
                columns *= _basis_size(expr)
        total += columns
        if columns > worst_columns:
            worst, worst_columns = str(term), columns
    estimated = n * total * 8
    if estimated > MAX_DESIGN_BYTES:
        raise DataError(
            f"the design matrix would need about {estimated / 1024**3:.1f} GB ({n:,} rows x "
            f"{total:,} columns); term '{worst}' alone makes {worst_columns:,} columns (an "
            "identifier, or an interaction of large categoricals?). Remove it or group its levels"
        )


def _basis_size(expr: str) -> int:
    """Columns made by a spline or polynomial transform (its df or degree, default 3)."""
    import ast

    try:
        node = ast.parse(expr, mode="eval").body
    except SyntaxError:
        return 1
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in ("bs", "cr", "cs", "cc", "poly")):
        return 1
    for keyword in node.keywords:
        if keyword.arg in ("df", "degree") and isinstance(keyword.value, ast.Constant):
            value = keyword.value.value
            if isinstance(value, int) and value > 0:
                return value
    return 3


def check_enough_rows(n_obs: int, n_params: int) -> None:
    if n_obs <= n_params:
        raise DataError(
            f"{n_obs} complete row(s) for {n_params} parameters; a logistic model needs more "
            "rows than parameters (use fewer terms or more data)"
        )
