"""formulaic's model-spec state as plain JSON, and back: what a saved model needs to build
the design matrix of new data exactly as it built the fitting data's.

A `formulaic.ModelSpec` keeps what its stateful transforms learnt from the fitting data
(the levels and contrasts of each categorical, the centre and scale of ``scale(x)``, the
knots of ``bs(x)``, the recurrence of ``poly(x)``) in ``transform_state`` and
``encoder_state``. formulaic pickles it but offers no text form, and a pickle runs code
when loaded, so statreport writes its own small codec (`encode_spec`, `decode_spec`):
plain JSON values where JSON has them, and a tagged object (``{"$ndarray": ...}``) for
what it has not (tuples, arrays, dictionaries with number keys, the contrasts and the
kind of each factor). Decoding builds only those values and formulaic's own contrast
classes, named on an allow-list: a model file is data, never code.
"""

from __future__ import annotations

import math
from dataclasses import fields, is_dataclass
from typing import Any

import numpy as np

from .errors import ModelFileError

#: The contrast classes a model file may name (formulaic's; those a formula may use).
CONTRASTS = ("TreatmentContrasts", "SASContrasts", "SumContrasts", "HelmertContrasts",
             "DiffContrasts", "PolyContrasts", "CustomContrasts")


def encode_spec(spec: Any) -> dict[str, Any]:
    """The state of a fitted `formulaic.ModelSpec` as JSON-ready values.

    Raises
    ------
    ModelFileError
        A transform keeps state of a kind the codec does not know (a function of the
        user's own, allowed with ``allow_python_formula``): it names the term.
    """
    state: dict[str, Any] = {}
    for part in ("transform_state", "encoder_state"):
        encoded = {}
        for term, value in getattr(spec, part).items():
            try:
                encoded[str(term)] = _encode(value)
            except TypeError as exc:
                raise ModelFileError(
                    f"cannot save the model: the formula term {term} keeps state of a kind a model file "
                    f"cannot hold ({exc}); use the transforms statreport knows (scale, bs, poly, ...)"
                ) from None
        state[part] = encoded
    return {"formula": str(spec.formula), "ensure_full_rank": bool(spec.ensure_full_rank), **state}


def decode_spec(state: dict[str, Any], formula: Any) -> Any:
    """A `formulaic.ModelSpec` for new data from `encode_spec`'s values and the right-hand
    side of the model's formula, parsed and checked by the caller (the formula text saved
    in ``state`` is never evaluated). Missing values are kept as missing rows
    (``na_action="ignore"``), never dropped or refused here."""
    from formulaic import ModelSpec

    if str(formula) != state.get("formula"):
        raise ModelFileError(f"the model file's design state is of the formula '{state.get('formula')}', "
                             f"not of the model's formula ('{formula}')")
    try:
        return ModelSpec(
            formula=formula,
            materializer="pandas",
            output="pandas",
            ensure_full_rank=bool(state["ensure_full_rank"]),
            na_action="ignore",
            transform_state={k: _decode(v) for k, v in state["transform_state"].items()},
            encoder_state={k: _decode(v) for k, v in state["encoder_state"].items()},
        )
    except ModelFileError:
        raise
    except Exception as exc:  # a hand-edited or truncated file
        raise ModelFileError(f"the model file's design state is not valid: {exc}") from None


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else {"$float": repr(number)}
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise TypeError(f"an array of {value.dtype}")
        return {"$ndarray": [_encode(v) for v in value.ravel().tolist()], "shape": list(value.shape),
                "dtype": value.dtype.str}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v) for v in value]}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {"$dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    kind = type(value)
    if kind.__name__ == "Kind" and kind.__module__.startswith("formulaic"):
        return {"$kind": value.value}
    if kind.__name__ == "Sentinel" and kind.__module__.startswith("formulaic"):
        return {"$sentinel": value.name}
    if kind.__name__ == "ContrastsState":
        return {"$contrasts_state": {"contrasts": _encode(value.contrasts), "levels": _encode(value.levels)}}
    if kind.__name__ in CONTRASTS and is_dataclass(value):
        return {"$contrasts": kind.__name__,
                "fields": {f.name: _encode(getattr(value, f.name)) for f in fields(value)}}
    raise TypeError(f"a {kind.__module__}.{kind.__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$float" in value:
        return float(value["$float"])
    if "$ndarray" in value:
        return np.array([_decode(v) for v in value["$ndarray"]], dtype=np.dtype(value["dtype"])).reshape(
            value["shape"])
    if "$tuple" in value:
        return tuple(_decode(v) for v in value["$tuple"])
    if "$dict" in value:
        return {_decode(k): _decode(v) for k, v in value["$dict"]}
    if "$kind" in value:
        from formulaic.parser.types import Factor

        return Factor.Kind(value["$kind"])
    if "$sentinel" in value:
        from formulaic.utils.sentinels import Sentinel

        return Sentinel[value["$sentinel"]]
    if "$contrasts_state" in value:
        from formulaic.transforms.contrasts import ContrastsState

        inner = value["$contrasts_state"]
        return ContrastsState(contrasts=_decode(inner["contrasts"]), levels=_decode(inner["levels"]))
    if "$contrasts" in value:
        name = value["$contrasts"]
        if name not in CONTRASTS:
            raise ModelFileError(f"the model file names contrasts {name!r}, which are not formulaic's "
                                 f"({', '.join(CONTRASTS)})")
        import formulaic.transforms.contrasts as contrasts

        return getattr(contrasts, name)(**{k: _decode(v) for k, v in value["fields"].items()})
    return {k: _decode(v) for k, v in value.items()}


__all__ = ["decode_spec", "encode_spec"]
