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

    from .budget import MemoryBudget

#: A fixed cap on the design matrix (bytes) besides the memory budget
#: (`statreport.budget`); None: the budget alone decides.
MAX_DESIGN_BYTES: int | None = None
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


def row_name(frame: pd.DataFrame, position: int, from_file: bool) -> str:
    """The row at ``position`` as its reader knows it: a data row and line of the file
    read (the reader numbers rows from 0), else the DataFrame's index label."""
    label = frame.index[position]
    if from_file and isinstance(label, (int, np.integer)):
        return f"data row {int(label) + 1} (line {int(label) + 2} of the file)"
    return f"the row with index {label!r}"


def _where(frame: pd.DataFrame, column: str, value: str, from_file: bool) -> str:
    """Where ``value`` first occurs in ``column`` (compared as text by pandas: numpy's
    fixed-width strings would drop a trailing NUL and find nothing)."""
    found = np.flatnonzero(frame[column].astype(str).eq(value).to_numpy(dtype=bool))
    if not len(found):  # pragma: no cover - the value came from the column
        return "a row of the data"
    return row_name(frame, int(found[0]), from_file)


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
                f"{row_name(frame, first, from_file)}; "
                f"fill them, or drop {option('--missing', 'raise')} to use complete rows only"
            )


def check_finite(frame: pd.DataFrame, columns: list[str], *, from_file: bool = True) -> None:
    """Infinite values are errors: a logistic model cannot use them; nor complex numbers
    (numpy would fit their real parts without a word)."""
    for name in columns:
        series = frame[name]
        if series.dtype.kind == "c":
            raise DataError(f"column '{name}' holds complex numbers ({series.iloc[0]!r} on "
                            f"{row_name(frame, 0, from_file)}); a model needs real numbers: give it the real "
                            "part, the modulus or whatever the model should use, as a column of its own")
        if series.dtype.kind != "f":
            continue
        values = series.to_numpy()
        bad = np.isinf(values)
        if bad.any():
            first = int(np.argmax(bad))
            raise DataError(
                f"column '{name}' has an infinite value ({values[first]}) on "
                f"{row_name(frame, first, from_file)}"
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


def check_design_size(rhs: Any, frame: pd.DataFrame, budget: MemoryBudget | None = None) -> None:
    """Refuse a design matrix, or a fit of it, that would not fit the memory budget or
    has more columns than rows, before formulaic allocates it.

    Columns per term are the product over its factors: a categorical gives its
    number of levels (``C(x)``, a text column, ``Q("name")`` of one, an expression of
    text columns), a spline or polynomial its ``df``/``degree`` (arithmetic included:
    ``bs(x, df=2*10)``; 3 if not given), anything else one column. ``C(a):C(b)``
    therefore counts levels(a) times levels(b). The design's bytes (rows x columns x 8)
    go to `MemoryBudget.check_design` (exit 3) and `MemoryBudget.check_fit` (exit 4);
    ``budget`` None is the default budget. A design with at least as many columns as
    rows (counting a categorical's levels less its reference) is refused as
    `check_enough_rows` would refuse it once built.
    """
    from .budget import MemoryBudget, format_size

    budget = budget if budget is not None else MemoryBudget.from_option(None)
    n = len(frame)
    total, fewest, worst, worst_columns = 0, 0, "", 0  # the intercept is a term of its own
    cache: dict[str, int] = {}

    def levels(column: str) -> int:
        if column not in cache:
            cache[column] = int(frame[column].nunique()) if column in frame.columns else 1
        return cache[column]

    def is_text(column: str) -> bool:
        return column in frame.columns and frame[column].dtype.kind not in "biuf"

    for term in rhs:
        columns, least = 1, 1
        for factor in term.factors:
            expr = str(factor.expr)
            if factor.eval_method.name == "LOOKUP":
                most = levels(expr) if is_text(expr) else 1
                sizes = (most, max(most - 1, 1))
            else:
                sizes = _factor_columns(expr, n, levels, is_text)
            columns, least = _product((columns, sizes[0])), _product((least, sizes[1]))
        total, fewest = _product((total + columns,)), _product((fewest + least,))
        if columns > worst_columns:
            worst, worst_columns = str(term), columns
    design_bytes = _product((n, total, 8))
    shape = f"{n:,} rows x {total:,} columns"
    alone = f"term '{worst}' alone makes {worst_columns:,} columns"
    if fewest >= n:
        raise DataError(
            f"{n:,} complete row(s) for at least {fewest:,} parameters ({alone}); a logistic model "
            "needs more rows than parameters (use fewer terms, fewer levels or more data)"
        )
    if MAX_DESIGN_BYTES is not None and design_bytes > MAX_DESIGN_BYTES:
        raise DataError(
            f"the design matrix would need about {format_size(design_bytes)} ({shape}; {alone}), "
            f"more than its cap of {format_size(MAX_DESIGN_BYTES)}; remove that term or group its levels"
        )
    held = int(frame.memory_usage(index=False).sum())
    budget.check_design(design_bytes, held, shape, alone)
    budget.check_fit(design_bytes, shape)


#: Transforms whose columns are a basis: their df (splines) or degree (polynomials).
BASIS_TRANSFORMS = frozenset({"bs", "cr", "cs", "cc", "poly"})


def _factor_columns(expr: str, n: int, levels: Any, is_text: Any) -> tuple[int, int]:
    """Columns one Python factor of a term makes: (at most, at least) (see `check_design_size`);
    a categorical makes one fewer than its levels when its reference is left out."""
    import ast

    try:
        node = ast.parse(expr, mode="eval").body
    except (SyntaxError, MemoryError, RecursionError):
        return 1, 1
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in BASIS_TRANSFORMS:
            size = _basis_size(node)
            return size, size
        if node.func.id == "C" and node.args:
            first = node.args[0]
            named = _named_column(first)
            count = levels(named) if named is not None else min(n, _product(
                levels(c) for c in _referenced(first)))
            listed = next((len(k.value.elts) for k in node.keywords
                           if k.arg == "levels" and isinstance(k.value, (ast.List, ast.Tuple))), 0)
            count = max(count, listed, 1)
            return count, max(count - 1, 1)
        if node.func.id == "I" and node.args and isinstance(node.args[0], ast.Compare):
            return 1, 1  # a comparison: True or False
    text = [c for c in _referenced(node) if is_text(c)]
    if not text:
        return 1, 1
    most = min(n, _product(levels(c) for c in text))
    named = _named_column(node)
    return most, (max(most - 1, 1) if named is not None else 1)


def _named_column(node: Any) -> str | None:
    """The column a node names as it is: ``x`` or ``Q("my col")``; else None."""
    import ast

    if isinstance(node, ast.Name):
        return node.id
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Q"
            and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return node.args[0].value
    return None


def _referenced(node: Any) -> set[str]:
    """The names and ``Q("...")`` columns in an expression (functions are names too: they
    are not in the frame, so they count for nothing)."""
    import ast

    found = set()
    for child in ast.walk(node):
        named = _named_column(child)
        if named is not None:
            found.add(named)
    return found


def _product(values: Any) -> int:
    result = 1
    for value in values:
        result = min(result * max(int(value), 1), 2**62)
    return result


#: Each basis transform's arguments in formulaic's order after ``x``: ``bs(x, 10)`` is ``df=10``.
_BASIS_ARGUMENTS = {
    "bs": ("df", "knots", "degree"), "poly": ("degree",),
    "cr": ("df", "knots"), "cs": ("df", "knots"), "cc": ("df", "knots"),
}


def _basis_size(node: Any) -> int:
    """Columns made by a spline or polynomial transform, given by keyword or position:
    its ``df`` (splines) or ``degree`` (polynomials), evaluated when it is arithmetic
    (``df=2*10``); else a B-spline's knots plus its degree; 3 if nothing says."""
    import ast

    from .formula_safety import constant_value

    given = dict(zip(_BASIS_ARGUMENTS[node.func.id], node.args[1:], strict=False))
    given.update({k.arg: k.value for k in node.keywords if k.arg is not None})

    def number(name: str) -> float | None:
        value = constant_value(given[name]) if name in given else None
        return value if value is not None and value >= 0 else None

    size = number("degree" if node.func.id == "poly" else "df")
    if size is None and node.func.id == "bs":
        knots = given.get("knots")
        count = len(knots.elts) if isinstance(knots, (ast.List, ast.Tuple)) else 0
        degree = number("degree")
        size = count + (3 if degree is None else degree)
    if size is None or size < 1:
        return 3
    return int(min(size, 2**62))


def check_enough_rows(n_obs: int, n_params: int) -> None:
    if n_obs <= n_params:
        raise DataError(
            f"{n_obs} complete row(s) for {n_params} parameters; a logistic model needs more "
            "rows than parameters (use fewer terms or more data)"
        )
