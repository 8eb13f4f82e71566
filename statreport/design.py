"""From a DataFrame and a parsed formula to the numeric outcome and design matrix.

Listwise deletion happens here, once, and is counted per column so the report
can say what it dropped. The design matrix is built once by formulaic and
handed on as a float64 numpy array.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .counts import by_trials, by_weights, check_size, whole_counts
from .errors import DataError, FormulaError
from .formula import ParsedFormula, clean_message
from .options import option
from .result import CategoricalInfo, ReportWarning

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .budget import MemoryBudget


@dataclass(frozen=True, eq=False)
class DesignTerm:
    """A term of the formula: its name, its columns in the design, and its factors (the
    variables or expressions it multiplies; none for the intercept)."""

    name: str
    columns: tuple[int, ...]
    factors: frozenset[str]


@dataclass(frozen=True, eq=False)
class Design:
    """Outcome vector, design matrix and what the report needs to say about them."""

    y: np.ndarray  # shape (n,), float64, values 0.0 and 1.0
    X: np.ndarray  # shape (n, k), float64, column-major (Fortran order)
    column_names: tuple[str, ...]
    outcome: str
    positive_class: str
    categoricals: tuple[CategoricalInfo, ...]
    n_rows_read: int
    dropped_by_column: tuple[tuple[str, int], ...]
    warnings: tuple[ReportWarning, ...] = ()
    negative_class: str = "0"  # the outcome value counted as 0
    terms: tuple[DesignTerm, ...] = ()  # the formula's terms and their columns (formulaic's)
    #: each row's cluster (codes 0..G-1) when standard errors are clustered, shape (n,)
    groups: np.ndarray | None = None
    cluster: str | None = None  # the column the clusters come from
    #: data rows used, when rows stand for several observations (frequency weights, trials)
    n_rows_used: int | None = None
    #: what the rows' counts are ("frequency weights 'count'"), when they were expanded
    expansion: str = ""
    #: each row's cell (the data row it was expanded from) for events/trials data, shape (n,):
    #: robust standard errors treat the cells as the units, as R's sandwich on a grouped glm
    cells: np.ndarray | None = None
    #: formulaic's fitted model spec (what its transforms learnt: levels, centres, knots),
    #: which builds the same columns from new data (`statreport.scoring`)
    spec: Any = None
    #: each predictor column and what it held when fitted: "number", "boolean" or "text"
    variable_kinds: tuple[tuple[str, str], ...] = ()

    @property
    def n_obs(self) -> int:
        return int(self.y.shape[0])

    @property
    def n_dropped(self) -> int:
        """Data rows left out (missing values), not counting what counts expand to."""
        return self.n_rows_read - (self.n_obs if self.n_rows_used is None else self.n_rows_used)

    @property
    def n_clusters(self) -> int | None:
        """How many clusters the rows fall in (None unless standard errors are clustered)."""
        return None if self.groups is None else int(self.groups.max()) + 1

    @property
    def has_intercept(self) -> bool:
        return "Intercept" in self.column_names


def build_design(
    formula: ParsedFormula,
    frame: pd.DataFrame,
    *,
    positive: str | None = None,
    missing: str = "drop",
    from_file: bool = True,
    budget: MemoryBudget | None = None,
    cluster: str | None = None,
    weights: str | None = None,
    trials: str | None = None,
) -> Design:
    """Drop incomplete rows, code the outcome as 0/1 and build the design matrix.

    Parameters
    ----------
    formula
        The parsed formula.
    frame
        Data holding at least ``formula.columns``.
    positive
        The outcome value that counts as 1; needed unless the outcome is 0/1 or boolean.
    missing
        ``"drop"`` (listwise deletion, counted per column) or ``"raise"``.
    from_file
        Whether ``frame`` was read from a delimited text file (rows are named by
        their line there) or not: a DataFrame or Parquet (rows are named by their
        index labels; advice is pandas, not the options that read text).
    budget
        The memory budget the design matrix and the fit must fit in, checked before
        the matrix is built (`statreport.checks.check_design_size`); None: the default.
    cluster
        A column whose values name each row's cluster (for cluster-robust standard
        errors): rows where it is missing are dropped and counted like the formula's.
    weights, trials
        Columns of counts (`statreport.counts`): each row's frequency weight, or the
        number of trials of which the outcome column counts the events. The design's
        rows are then the observations they stand for.
    """
    from .checks import (
        check_design_size,
        check_enough_rows,
        check_finite,
        check_missing,
        check_text_columns,
    )

    columns = list(formula.column_order)  # the missing-values table lists them so
    columns += [c for c in dict.fromkeys((cluster, weights, trials)) if c is not None and c not in columns]
    n_read = len(frame)
    if n_read == 0:
        raise DataError("the data have no rows")
    check_missing(frame, columns, missing=missing, from_file=from_file)
    check_finite(frame, columns, from_file=from_file)
    frame, dropped = _drop_incomplete(frame, columns)
    frame = plain_dtypes(frame, formula)
    if len(frame) == 0:
        worst = max(dropped, key=lambda item: item[1])[0] if dropped else "?"
        raise DataError(
            f"no complete rows: all {n_read} rows have a missing value "
            f"(column '{worst}' is missing most often); fill or drop that column"
        )
    outcome_values = _outcome_values(formula, frame)
    if trials is None:
        y, positive_class = code_outcome(outcome_values, formula.outcome, positive)
        negative_class = _other_value(outcome_values, y)
    else:  # the outcome counts events: expanded below into 1s and 0s
        y = whole_counts(outcome_values, formula.outcome, "the events").astype(np.float64)
        positive_class, negative_class = "1", "0"
    predictors = set(formula.columns - formula.outcome_columns)
    warnings = check_text_columns(
        frame, formula.plain_columns & predictors, formula.categorical_columns & predictors,
        from_file=from_file,
    )
    check_design_size(formula.rhs, frame, budget)
    X, names, categoricals, terms, outside, spec = _model_matrix(formula, frame)
    groups = None if cluster is None else _cluster_codes(frame[cluster])
    if outside is not None:  # levels that C(x, levels=[...]) leaves out: missing, not the reference
        keep, counts, found = outside
        X, y = np.asfortranarray(X[keep]), y[keep]
        if groups is not None:
            groups = np.unique(groups[keep], return_inverse=True)[1]
        if not len(y):
            raise DataError("no rows left: every row has a level that the formula's levels=[...] leaves out; "
                            + "; ".join(w.message for w in found))
        dropped = _add_counts(dropped, counts)
        warnings += found
    rows_used = None
    expansion = None
    if weights is not None or trials is not None:
        counted = whole_counts(frame[trials or weights], trials or weights or "",
                               "the trials" if trials else "the frequency weights")
        if outside is not None:
            counted = counted[outside[0]]
        rows_used = len(y)
        check_size(int(counted.sum()), X.shape[1], budget)
        expansion = (by_trials(y.astype(np.int64), counted, formula.outcome, trials) if trials is not None
                     else by_weights(y, counted, weights or ""))
        X, y = np.asfortranarray(X[expansion.rows]), expansion.y
        if groups is not None:
            groups = groups[expansion.rows]
        # levels with few rows of counts may hold many observations (the Table-2 column says)
        warnings = [w for w in warnings if w.code != "sparse_levels"]
        if len(np.unique(y)) < 2:
            raise DataError(f"outcome '{formula.outcome}' is constant in the observations the counts stand "
                            "for; a logistic model needs both outcomes to occur")
    if not names:
        raise FormulaError(
            f"the formula '{formula.text}' has no terms: no intercept and no predictor; "
            "add a predictor, or keep the intercept (remove '- 1' or '+ 0')"
        )
    check_enough_rows(X.shape[0], X.shape[1])
    warnings += _sparse_references(X, names, categoricals)
    return Design(
        y=y,
        X=X,
        column_names=names,
        outcome=formula.outcome,
        positive_class=positive_class,
        categoricals=categoricals,
        n_rows_read=n_read,
        dropped_by_column=dropped,
        warnings=tuple(warnings),
        negative_class=negative_class,
        terms=terms,
        groups=groups,
        cluster=cluster,
        n_rows_used=rows_used,
        expansion=expansion.description if expansion is not None else "",
        cells=expansion.rows if expansion is not None and trials is not None else None,
        spec=spec,
        variable_kinds=tuple((name, _kind(frame[name])) for name in formula.column_order
                             if name in predictors),
    )


def _kind(series: pd.Series) -> str:
    """What a prepared column (`plain_dtypes`) holds: "number", "boolean" or "text"."""
    kind = series.dtype.kind
    return "boolean" if kind == "b" else "number" if kind in "iuf" else "text"


def _cluster_codes(values: pd.Series) -> np.ndarray:
    """Each row's cluster as a code 0..G-1 (in order of first appearance)."""
    import pandas as pd

    return np.asarray(pd.factorize(values, sort=False)[0], dtype=np.intp)


def _sparse_references(
    X: np.ndarray, names: tuple[str, ...], categoricals: tuple[CategoricalInfo, ...]
) -> list[ReportWarning]:
    """A reference level with few rows makes every comparison of its variable imprecise:
    say so, and name the most common level as a better reference."""
    from .checks import SPARSE_LEVEL_ROWS

    found = []
    for c in categoricals:
        coded = [level for level in c.levels if level != c.reference and c.column(level) in names]
        if not coded:
            continue
        counts = {level: int(X[:, names.index(c.column(level))].sum()) for level in coded}
        rows = X.shape[0] - sum(counts.values())
        common = max(counts, key=lambda level: counts[level])
        if rows < SPARSE_LEVEL_ROWS and counts[common] > rows:
            found.append(ReportWarning(
                "sparse_reference",
                f"the reference level of '{c.variable}', '{c.reference}', has only "
                f"{rows} row{'' if rows == 1 else 's'}, "
                f"and every '{c.variable}' estimate is a comparison with it, so all of them are "
                f"imprecise; choose a common level as the reference, e.g. "
                f"C({c.variable}, Treatment({common!r})) ({counts[common]} rows)",
            ))
    return found


def _drop_incomplete(
    frame: pd.DataFrame, columns: list[str]
) -> tuple[pd.DataFrame, tuple[tuple[str, int], ...]]:
    import pandas as pd

    missing = frame[columns].isna()
    per_column = missing.sum(axis=0)
    dropped = tuple((col, int(per_column[col])) for col in columns)
    if any(count for _, count in dropped):
        frame = frame.loc[~missing.any(axis=1).to_numpy()]
        # a level seen only in dropped rows would become an all-zero dummy column
        unused = [c for c in columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
        if unused:
            frame = frame.assign(**{c: frame[c].cat.remove_unused_categories() for c in unused})
    return frame, dropped


def plain_dtypes(frame: pd.DataFrame, formula: ParsedFormula) -> pd.DataFrame:
    """The model's columns in the dtypes the formula evaluates as the file reader's would be.

    No library does this for a DataFrame from elsewhere (a notebook, Parquet, Stata):

    - integers used as numbers become float64: an int8 age would wrap around in
      ``I(age**2)`` and a uint8 one in ``I(age - 50)``, silently, and int64 in
      ``I(income**3)``; integers inside ``C()`` become int64 (level '2', not '2.0');
    - pandas' nullable and Arrow-backed columns become plain numpy ones (missing
      values are gone by now): Arrow dictionaries by their values, decimals as
      float64, and every kind of text the ``str`` dtype a CSV gives, which
      formulaic treats as categorical;
    - categories no row uses are dropped, where they would be all-zero dummy columns;
    - dates, times and durations are an error when used as numbers (nanoseconds
      since 1970 are no one's predictor); inside ``C()`` their text is the level.
    """
    import pandas as pd

    changed: dict[str, pd.Series] = {}
    for name in sorted(formula.columns):
        original = frame[name]
        _check_flat(name, original)
        series = _without_arrow(original)
        dtype = series.dtype
        is_outcome = name in formula.outcome_columns
        counted = name in formula.categorical_columns
        target: Any = None
        if isinstance(dtype, pd.CategoricalDtype):
            if len(dtype.categories) > series.nunique():
                series = series.cat.remove_unused_categories()
        elif dtype.kind in "mM" or isinstance(dtype, pd.PeriodDtype) or _is_arrow_temporal(dtype):
            if not counted:
                raise DataError(_date_advice(name, is_outcome))
            target = str
        elif dtype.kind in "iu":
            as_number = not is_outcome and not counted
            target = np.float64 if as_number or dtype.kind == "u" and dtype.itemsize == 8 else np.int64
        elif dtype.kind == "f":  # float32, Float64, Arrow double
            target = np.float64
        elif dtype.kind == "b":  # boolean, Arrow bool
            target = np.bool_
        elif isinstance(dtype, pd.ArrowDtype) or (
                isinstance(dtype, pd.StringDtype) and dtype.na_value is pd.NA):
            target = "str"  # Arrow strings, convert_dtypes()
        if target is not None and dtype != target:
            series = series.astype(target)
        if series is not original:
            changed[name] = series
    return frame.assign(**changed) if changed else frame


def _check_flat(name: str, series: pd.Series) -> None:
    """A column of lists, arrays, dicts or sets (a nested Parquet or Arrow column, or
    objects put in a DataFrame) has no one number or category per row: refuse it."""
    import pandas as pd
    import pyarrow as pa

    dtype = series.dtype
    if isinstance(dtype, pd.ArrowDtype) and pa.types.is_nested(dtype.pyarrow_dtype):
        kind = f"Arrow type {dtype.pyarrow_dtype}"
    elif dtype.kind == "O" and pd.api.types.infer_dtype(series, skipna=True).startswith("mixed"):
        found = next((v for v in series.to_numpy() if isinstance(v, (list, dict, set, np.ndarray))), None)
        if found is None:
            return
        kind = f"a value of type {type(found).__name__}: {_shorten(repr(found))}"
    else:
        return
    raise DataError(
        f"column '{name}' holds several values per row ({kind}); a model takes one number or "
        "category per row: flatten it first (e.g. one column per element, or its length)"
    )


def _shorten(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _without_arrow(series: pd.Series) -> pd.Series:
    """An Arrow dictionary column as its values, an Arrow decimal as float64; else as it is."""
    import pandas as pd
    import pyarrow as pa

    dtype = series.dtype
    if not isinstance(dtype, pd.ArrowDtype):
        return series
    kind = dtype.pyarrow_dtype
    if pa.types.is_dictionary(kind):
        return _without_arrow(series.astype(pd.ArrowDtype(kind.value_type)))
    if pa.types.is_decimal(kind):
        return series.astype(np.float64)
    return series


def _is_arrow_temporal(dtype: Any) -> bool:
    import pandas as pd
    import pyarrow as pa

    return isinstance(dtype, pd.ArrowDtype) and pa.types.is_temporal(dtype.pyarrow_dtype)


def _date_advice(name: str, is_outcome: bool) -> str:
    use = "an outcome" if is_outcome else "a number in the model"
    return (f"column '{name}' holds dates, times or durations, which cannot be {use} as they are; "
            f"convert it first, e.g. to years since a start date"
            + ("" if is_outcome else f", or write C({name}) to use each value as a category"))


def _outcome_values(formula: ParsedFormula, frame: pd.DataFrame) -> pd.Series:
    if formula.outcome in frame.columns:
        return frame[formula.outcome]
    import pandas as pd
    from formulaic import model_matrix

    try:
        matrix = model_matrix(formula.lhs, frame, na_action="raise", context=namespace(formula))
    except Exception as exc:  # formulaic wraps evaluation errors in several types
        raise FormulaError(
            f"cannot evaluate the outcome '{formula.outcome}': {clean_message(exc)}"
        ) from exc
    if matrix.shape[1] != 1:
        raise FormulaError(
            f"the outcome '{formula.outcome}' expands to {matrix.shape[1]} columns; "
            f"give a single 0/1 column, or a two-valued column with {option('--positive')}"
        )
    return pd.Series(np.asarray(matrix).ravel(), name=formula.outcome)


def outcome_vector(formula: ParsedFormula, frame: pd.DataFrame, positive: str) -> np.ndarray:
    """The outcome of complete rows as 0.0/1.0, ``positive`` counted as 1 (as the fit coded it)."""
    values = _outcome_values(formula, plain_dtypes(frame, dataclasses.replace(
        formula, columns=formula.outcome_columns)))
    return code_outcome(values, formula.outcome, positive)[0]


def code_outcome(values: pd.Series, name: str, positive: str | None) -> tuple[np.ndarray, str]:
    """Turn an outcome column into 0.0/1.0 and name the class counted as 1.

    The outcome must have exactly two distinct values. Without ``positive`` it
    must be boolean or numeric 0/1; with ``positive`` that value counts as 1.
    """
    import pandas as pd

    uniques = pd.unique(values.to_numpy())
    shown = ", ".join(repr(_plain(v)) for v in sorted(uniques[:6], key=str))
    if len(uniques) > 6:
        shown += ", ..."
    if len(uniques) == 1:
        raise DataError(
            f"outcome '{name}' is constant ({shown}) in the rows used; "
            "a logistic model needs both outcomes to occur"
        )
    if pd.api.types.is_float_dtype(values.dtype) and not np.all(np.mod(uniques.astype(float), 1) == 0):
        fraction = next(v for v in uniques if float(v) % 1 != 0)
        raise DataError(
            f"outcome '{name}' has fractional values (e.g. {_plain(fraction)!r}); a logistic model "
            "needs a binary outcome (0/1). Proportions need a binomial model with trial counts"
        )
    if len(uniques) > 2:
        if pd.api.types.is_numeric_dtype(values.dtype):
            recode = f"use a formula such as 'I({name} > 0) ~ ...'"
        else:
            folded = {str(v).strip().lower() for v in uniques}
            if len(folded) <= 2:  # 'Yes', 'yes ' and 'NO': the same answers typed differently
                raise DataError(
                    f"outcome '{name}' has {len(uniques)} distinct values ({shown}) that differ only "
                    "in capitals or spaces; make them consistent in the data file"
                )
            recode = f"merge the values in the data file, or name one with 'I({name} == \"...\") ~ ...'"
        raise DataError(
            f"outcome '{name}' has {len(uniques)} distinct values ({shown}); "
            f"a logistic model needs two. Recode it: {recode}"
        )
    if positive is not None:
        candidates = [_plain(v) for v in uniques]
        matches = [v for v in candidates if str(v) == positive]
        if not matches:
            numeric = _as_float(positive)
            matches = [v for v in candidates if numeric is not None and _as_float(v) == numeric]
        if not matches:
            raise DataError(
                f"{option('--positive', positive)} is not a value of outcome '{name}' (values: {shown})"
            )
        chosen = matches[0]
        y = (values.to_numpy() == chosen).astype(np.float64)
        return y, str(chosen)
    labels = {_plain(v) for v in uniques}
    if labels <= {True, False}:  # booleans, and numbers 0 and 1 (1 == True in Python)
        is_bool = all(isinstance(v, bool) for v in labels)
        return values.to_numpy().astype(np.float64), "True" if is_bool else "1"
    if {str(v).strip().lower() for v in labels} == {"true", "false"}:
        y = np.char.lower(np.char.strip(values.to_numpy().astype(str))) == "true"
        return y.astype(np.float64), "true"
    hint = f"pass {option('--positive')} to say which value counts as 1"
    if pd.api.types.is_numeric_dtype(values.dtype):
        raise DataError(f"outcome '{name}' has values {shown}, not 0 and 1; {hint}")
    example = _plain(sorted(uniques, key=str)[-1])
    raise DataError(
        f"outcome '{name}' has values {shown}; {hint} (for example {option('--positive', example)})"
    )


def _other_value(values: pd.Series, y: np.ndarray) -> str:
    """The outcome value coded 0, as the data spell it ("0", "False", "Clinton")."""
    first = int(np.argmin(y))  # a row coded 0 (code_outcome saw both values)
    value = _plain(values.iloc[first])
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _as_float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


#: What makes a transformed column undefined or infinite, and what to do.
UNDEFINED_TRANSFORM = (
    "a log of a value of 0 or below, a square root of a negative value or a division by 0 "
    "gives that; check the column's range, or shift it (e.g. log(x + 1))"
)


def _model_matrix(
    formula: ParsedFormula, frame: pd.DataFrame
) -> tuple[np.ndarray, tuple[str, ...], tuple[CategoricalInfo, ...], tuple[DesignTerm, ...],
           tuple[np.ndarray, dict[str, int], list[ReportWarning]] | None, Any]:
    from formulaic import model_matrix

    try:
        with np.errstate(all="ignore"):  # log(0) and the like: reported below, not as numpy's warnings
            matrix = model_matrix(formula.rhs, frame, na_action="raise", context=namespace(formula))
    except Exception as exc:  # formulaic raises several types for one cause
        message = clean_message(exc)
        undefined = re.search(r"`([^`]+)` contains null values after evaluation", message)
        if undefined:
            raise DataError(
                f"'{undefined.group(1)}' is undefined for some rows: {UNDEFINED_TRANSFORM}"
            ) from exc
        raise FormulaError(f"cannot build the design matrix for '{formula.text}': {message}") from exc
    spec = matrix.model_spec
    names = tuple(str(c) for c in matrix.columns)
    # Column-major, filled column by column from formulaic's columns (one contiguous
    # copy each, faster than numpy output or a transposing copy): statsmodels' score
    # and Hessian (X.T @ ...) are faster on it than on row-major (benchmarks/README.md).
    X = np.empty(matrix.shape, dtype=np.float64, order="F")
    for j in range(X.shape[1]):
        X[:, j] = matrix.iloc[:, j].to_numpy(dtype=np.float64)
    del matrix
    if not np.isfinite(X).all():
        bad = names[int(np.nonzero(~np.isfinite(X).all(axis=0))[0][0])]
        raise DataError(
            f"design column '{bad}' has infinite values: {UNDEFINED_TRANSFORM}"
        )
    terms = tuple(
        DesignTerm(str(term), tuple(int(j) for j in columns),
                   frozenset(str(f) for f in term.factors if str(f) != "1"))
        for term, columns in spec.term_indices.items()
    )
    return X, names, _categoricals(spec, names, frame), terms, _levels_left_out(spec, frame), spec


def _levels_left_out(
    spec: Any, frame: pd.DataFrame
) -> tuple[np.ndarray, dict[str, int], list[ReportWarning]] | None:
    """Rows whose value of a categorical is not among the levels its term names
    (``C(g, levels=['a', 'b'])`` with ``g == 'c'``): formulaic codes them as the reference
    level, all their dummies 0. They are missing values instead: the rows to keep, the
    count per column, and a warning per categorical; None when every row has a named level."""
    keep = np.ones(len(frame), dtype=bool)
    counts: dict[str, int] = {}
    found: list[ReportWarning] = []
    for factor, state in spec.factor_contrasts.items():
        term = str(getattr(factor, "expr", factor))
        variable = variable_of(term, frame)
        if variable is None:
            continue
        values = frame[variable]
        levels = list(state.levels)
        inside = values.isin(levels).to_numpy()
        if inside.all():
            continue
        if values.astype(str).isin([str(level) for level in levels]).to_numpy().all():
            continue  # the same levels, spelt as text (a number column in C())
        left_out = values[~inside]
        shown = ", ".join(repr(str(v)) for v in sorted(left_out.astype(str).unique())[:5])
        counts[variable] = counts.get(variable, 0) + int((~inside).sum())
        keep &= inside
        found.append(ReportWarning(
            "levels_left_out",
            f"{int((~inside).sum())} rows have a value of '{variable}' ({shown}) that {term} does not "
            "list among its levels; they are dropped as missing (counted under that column), not "
            "coded as the reference level: add the value to levels=[...] to keep them",
        ))
    return (keep, counts, found) if found else None


def variable_of(term: str, frame: pd.DataFrame) -> str | None:
    """The data column behind a categorical term (``g`` for ``C(g, levels=[...])``), if it is one."""
    if term in frame.columns:
        return term
    if term.startswith("C(") and term.endswith(")"):
        name = term[2:-1].split(",", 1)[0].strip()
        if name in frame.columns:
            return name
    return None


def _add_counts(dropped: tuple[tuple[str, int], ...], counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    """The missing-value counts per column with ``counts`` added."""
    merged = dict(dropped)
    for column, count in counts.items():
        merged[column] = merged.get(column, 0) + count
    return tuple(merged.items())


def namespace(formula: ParsedFormula) -> dict[str, Any]:
    """Names a formula's Python parts may use: a fixed namespace, never the caller's frame."""
    from .formula_safety import safe_namespace

    names = safe_namespace()
    if formula.allow_python:
        import numpy

        names["np"] = names["numpy"] = numpy
    return names


def _is_factor_of_a_column(dummy: str, names: tuple[str, ...]) -> bool:
    """Whether ``dummy`` is a design column or a factor of an interaction column."""
    return any(name == dummy or name.startswith(dummy + ":") or name.endswith(":" + dummy)
               or f":{dummy}:" in name for name in names)


def _categoricals(spec: Any, names: tuple[str, ...], frame: pd.DataFrame) -> tuple[CategoricalInfo, ...]:
    found = []
    for factor, state in spec.factor_contrasts.items():
        term = str(getattr(factor, "expr", factor))
        levels = tuple(str(level) for level in state.levels)
        # a level is coded if its dummy (CategoricalInfo.column) is a column or a factor of one: a
        # categorical that appears only in an interaction has a reference level too
        coded = {level for level in levels if _is_factor_of_a_column(f"{term}[T.{level}]", names)}
        reference = [level for level in levels if level not in coded]
        if len(reference) != 1:
            continue  # full-rank coding (no intercept): no reference level
        variable = term
        if term not in frame.columns and term.startswith("C(") and "," in term:
            variable = term[2:].split(",", 1)[0].strip()
        elif term.startswith("C(") and term.endswith(")"):
            variable = term[2:-1].strip()
        found.append(CategoricalInfo(term, variable, levels, reference[0]))
    # formulaic's dict order can follow set iteration; the report follows the design's columns
    first_column = {
        c.term: min((i for i, n in enumerate(names) if f"{c.term}[" in n), default=len(names))
        for c in found
    }
    return tuple(sorted(found, key=lambda c: first_column[c.term]))
