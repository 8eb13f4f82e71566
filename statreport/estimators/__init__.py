"""Estimators, registered by name: each takes the `Design` and returns an `Estimate`.

Adding an estimator is one module here plus one line in `REGISTRY`; it
declares what inference it supports (`Capabilities`), and the report asks
those instead of which estimator ran. An estimator's modules load only when
it is used.
"""

from __future__ import annotations

import importlib
from typing import Any

from .base import Capabilities, Estimate, Estimator

#: name -> "module:class"; the class's ``from_options`` builds it from `statreport.fit`'s options.
REGISTRY: dict[str, str] = {
    "mle": "statreport.estimators.mle:MaximumLikelihood",
    "penalized": "statreport.estimators.penalized:Penalized",
    "firth": "statreport.estimators.firth:Firth",
}


def estimator_class(name: str) -> Any:
    """The registered estimator class ``name``."""
    module, _, attribute = REGISTRY[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


def create(options: dict[str, Any]) -> Estimator:
    """The estimator that `statreport.fit`'s validated options name (``method``, resolved by
    `statreport.options.validate`: a penalty means "penalized"), built from its options."""
    return estimator_class(options["method"]).from_options(options)  # type: ignore[no-any-return]


__all__ = ["REGISTRY", "Capabilities", "Estimate", "Estimator", "create", "estimator_class"]
