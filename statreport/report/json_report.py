"""The JSON report: a versioned dictionary that follows ``schema/report.schema.json``.

Numbers keep full float precision. NaN and infinity are not JSON: they are
written as null, and a warning in the same document names each such field.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..result import ResultData
from .document import Document

#: 1.3: model.method "firth", model.method_label, model.ci_method, "firth", "terms", "per_unit"
#: 1.4: model.se_type, model.cluster, model.ci_note, fit.n_clusters, coefficients[].wald_ci_low,
#: wald_ci_high and wald_differs (profile-likelihood intervals of maximum likelihood); "levels"
#: (rows and events per level of each categorical); data.n_rows_used and data.expansion (frequency
#: weights, events out of trials), model.class_weight
SCHEMA_VERSION = "1.4"


#: The JSON report's top-level keys in the order they are written (others follow).
KEY_ORDER = ("schema_version", "title", "date", "model", "data", "fit", "pseudo_r2", "coefficients",
             "levels", "per_unit", "terms", "classification", "crosscheck", "warnings", "versions", "penalty",
             "refit", "firth")


def result_to_dict(result: ResultData, document: Document | None = None) -> dict[str, Any]:
    """The report as plain JSON types: every section's part of the `Document`, merged in
    section order, with non-finite numbers replaced by None (and listed in a warning)."""
    from .sections import build_document

    doc = document or build_document(result)
    merged: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "title": result.title, "date": result.date}
    for section in doc.sections:
        _merge(merged, section.json)
    order = {key: i for i, key in enumerate(KEY_ORDER)}
    merged = dict(sorted(merged.items(), key=lambda item: order.get(item[0], len(order))))
    non_finite: list[str] = []
    merged = _finite_or_none(merged, "", non_finite)
    if non_finite:
        shown = ", ".join(non_finite[:8]) + (", ..." if len(non_finite) > 8 else "")
        merged["warnings"].append(
            {
                "code": "non_finite_values",
                "message": f"{len(non_finite)} value(s) were NaN or infinite and are written "
                f"as null: {shown}",
            }
        )
    return merged


def _merge(into: dict[str, Any], part: Any) -> None:
    """Merge a section's JSON part into the document: objects key by key, anything else replaced."""
    for key, value in part.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


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


def render_json(result: ResultData, document: Document | None = None) -> bytes:
    """The JSON report as UTF-8 bytes (indented, key order fixed, ends with a newline)."""
    text = json.dumps(result_to_dict(result, document), indent=2, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")
