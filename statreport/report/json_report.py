"""The JSON report: a versioned dictionary that follows ``schema/report.schema.json``.

Numbers keep full float precision. NaN and infinity are not JSON: they are
written as null, and a warning in the same document names each such field.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from typing import Any

from ..result import FitResult

SCHEMA_VERSION = "1.2"  # 1.2: model.negative_class
INFERENTIAL = ("std_error", "z", "p_value", "ci_low", "ci_high", "or_ci_low", "or_ci_high")


def _penalty(result: FitResult) -> dict[str, Any] | None:
    if result.penalty is None:
        return None
    info = asdict(result.penalty)
    info["zero_terms"] = list(result.penalty.zero_terms)
    return info


def result_to_dict(result: FitResult) -> dict[str, Any]:
    """The report as plain JSON types, with non-finite numbers replaced by None."""
    model = asdict(result.model)
    model["ci_level"] = result.ci_level
    model["alpha"] = result.penalty.alpha if result.penalty else None
    model["l1_ratio"] = result.penalty.l1_ratio if result.penalty else None
    coefficients = [asdict(row) for row in result.coefficient_rows]
    fit = asdict(result.fit)
    if result.penalty is not None:  # no valid inference after a penalty: null by design
        for row in coefficients:
            row.update(dict.fromkeys(INFERENTIAL, None))
        fit.update(dict.fromkeys(("llr", "llr_p_value", "aic", "bic"), None))
    data = asdict(result.data)
    data["dropped_by_column"] = dict(result.data.dropped_by_column)
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "title": result.title,
        "date": result.date,
        "model": model,
        "data": data,
        "fit": fit,
        "pseudo_r2": asdict(result.pseudo_r2),
        "coefficients": coefficients,
        "classification": asdict(result.classification),
        "crosscheck": asdict(result.crosscheck),
        "warnings": [asdict(w) for w in result.warnings],
        "versions": dict(result.versions),
        "penalty": _penalty(result),
        "refit": (
            {"coefficients": [asdict(row) for row in result.refit_rows]}
            if result.refit_rows is not None else None
        ),
    }
    non_finite: list[str] = []
    document = _finite_or_none(document, "", non_finite)
    if non_finite:
        shown = ", ".join(non_finite[:8]) + (", ..." if len(non_finite) > 8 else "")
        document["warnings"].append(
            {
                "code": "non_finite_values",
                "message": f"{len(non_finite)} value(s) were NaN or infinite and are written "
                f"as null: {shown}",
            }
        )
    return document


def _finite_or_none(value: Any, path: str, found: list[str]) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        found.append(path)
        return None
    if isinstance(value, dict):
        return {k: _finite_or_none(v, f"{path}.{k}" if path else k, found) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        label = lambda i, v: v.get("term", i) if isinstance(v, dict) else i  # noqa: E731
        return [_finite_or_none(v, f"{path}[{label(i, v)}]", found) for i, v in enumerate(value)]
    return value


def render_json(result: FitResult) -> bytes:
    """The JSON report as UTF-8 bytes (indented, key order fixed, ends with a newline)."""
    text = json.dumps(result_to_dict(result), indent=2, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")
