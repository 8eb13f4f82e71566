"""Formulas are data, not code: an allow-list check run before formulaic sees the text.

patsy and formulaic evaluate parts of a formula as Python, so a formula such as
``y ~ __import__('os').system('...')`` would run a shell command. No formula
engine offers a restricted grammar, so statreport writes its own (small) one:
the formula is tokenized with Python's ``tokenize``, its two sides are parsed
with ``ast``, and every node must be on the list below. Evaluation later uses
a fixed namespace (`SAFE_NAMESPACE`), never the caller's frame.
"""

from __future__ import annotations

import ast
import io
import math
import re
import secrets
import tokenize
from collections.abc import Callable
from typing import Any

from .errors import FormulaError
from .options import option

#: Calls a formula may make, with the keyword arguments each accepts.
ALLOWED_CALLS: dict[str, frozenset[str]] = {
    "C": frozenset({"levels", "spans_intercept"}),
    "Treatment": frozenset({"base"}),
    "Sum": frozenset(),
    "Helmert": frozenset(),
    "Diff": frozenset(),
    "Poly": frozenset(),
    "I": frozenset(),
    "Q": frozenset(),
    "log": frozenset(),
    "log2": frozenset(),
    "log10": frozenset(),
    "log1p": frozenset(),
    "exp": frozenset(),
    "sqrt": frozenset(),
    "abs": frozenset(),
    "center": frozenset(),
    "scale": frozenset({"center", "scale", "ddof"}),
    "standardize": frozenset({"center", "scale", "ddof"}),
    "bs": frozenset({"df", "knots", "degree", "include_intercept", "lower_bound", "upper_bound"}),
    "cr": frozenset({"df", "knots", "constraints"}),
    "cs": frozenset({"df", "knots", "constraints"}),
    "cc": frozenset({"df", "knots", "constraints"}),
    "poly": frozenset({"degree", "raw"}),
}
#: Calls whose positional arguments may be string literals (a level or a column name).
STRING_ARGUMENT_CALLS = frozenset({"Treatment", "Q"})
#: Keyword arguments whose value may be a string or a list of strings.
STRING_KEYWORDS = frozenset({"base", "levels", "constraints"})

_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.BitAnd)  # ':' is checked as '&'
_UNARY = (ast.UAdd, ast.USub)
_COMPARE = (ast.Gt, ast.GtE, ast.Lt, ast.LtE, ast.Eq, ast.NotEq)
_BACKTICK = re.compile(r"`[^`]*`")

_DESCRIBE: dict[type, str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripting",
    ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator",
    ast.JoinedStr: "an f-string",
    ast.IfExp: "a conditional expression",
    ast.NamedExpr: "an assignment expression",
    ast.Starred: "argument unpacking",
    ast.Dict: "a dictionary",
    ast.Set: "a set",
    ast.BoolOp: "'and'/'or' (use & and | inside I(...))",
}


def safe_namespace() -> dict[str, Any]:
    """The only names a formula's Python parts can see, beyond its columns and formulaic's transforms."""
    import numpy as np

    return {"sqrt": np.sqrt, "abs": np.abs, "log1p": np.log1p}


#: Contrast names that may appear bare inside C(...), as in ``C(g, Sum)``.
CONTRASTS = frozenset({"Treatment", "Sum", "Helmert", "Diff", "Poly"})


def check_formula(text: str, *, strict: bool = True) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Check ``text`` against the allow-list and return the columns it reads.

    Returns ``(outcome_columns, all_columns)``, each in the order the formula
    first names them (the outcome's first). With ``strict=False`` nothing is
    rejected (for --allow-python-formula) but the columns are still collected:
    statreport does not rely on formulaic's ``required_variables``, which misses
    columns inside stateful transforms such as ``center(x)``.

    Raises `FormulaError` unless every part of ``text`` is on the allow-list.

    Allowed: column names (backtick-quoted or ``Q("...")`` for names that are not
    identifiers), numbers, the operators ``~ + - : * / **`` and parentheses,
    comparisons inside ``I(...)`` (a string there is a level compared with), and
    the calls in `ALLOWED_CALLS` with their listed keyword arguments. Strings only
    name a level or a column.
    """
    shown = shown_formula(text)
    for forbidden, name in (("\\", "a backslash"), ("#", "a '#'")):
        if strict and forbidden in text:
            raise FormulaError(f"formula '{shown}' is not allowed: it contains {name}")
    quoted: list[str] = []
    prefix = f"_q{secrets.token_hex(6)}_"  # cannot collide with a name in the formula

    def placeholder(match: re.Match[str]) -> str:
        quoted.append(match.group())
        return f"{prefix}{len(quoted) - 1}_"

    masked = _BACKTICK.sub(placeholder, " ".join(text.splitlines()))
    if "`" in masked:
        raise FormulaError(f"formula '{shown}' has an unmatched backtick (`)")
    python = _to_python(masked, shown, prefix)
    found: list[tuple[str, ...]] = []
    for side in python:
        try:
            tree = ast.parse(side, mode="eval")
        except SyntaxError as exc:
            near, hint = _near(side, exc, quoted, prefix), _hint(side, prefix)
            raise FormulaError(
                f"formula '{shown}' is not a valid formula near '{near}'" + (f"; {hint}" if hint else "")
            ) from exc
        except (RecursionError, MemoryError) as exc:  # Python's parser gives up on deep nesting
            raise _too_deep(shown) from exc
        checker = _Checker(side, shown, quoted, strict=strict, prefix=prefix)
        try:
            checker.visit(tree)
        except RecursionError as exc:
            raise _too_deep(shown) from exc
        found.append(tuple(checker.columns))
        try:
            terms = term_count(tree.body)
        except RecursionError as exc:
            raise _too_deep(shown) from exc
        except InteractionOrderError as exc:
            power = f"{exc.power:,.0f}" if exc.power < _LARGEST else "an enormous number"
            square = (" (x**2 in a formula is x's interaction with itself, which is x; a square is "
                      "I(x**2))" if exc.terms == 1 else "")
            raise FormulaError(
                f"formula '{shown}' raises {exc.terms} term{'s' if exc.terms > 1 else ''} to the power "
                f"{power}: a formula power is an interaction order, at most the number of terms "
                f"({exc.terms}), which already makes every interaction of them{square}") from None
        if terms > MAX_TERMS:
            raise FormulaError(
                f"formula '{shown}' expands to {'more than 10**18' if terms >= 10**18 else f'{terms:,}'} "
                f"terms, more than the {MAX_TERMS:,} a model here can take: a product such as a*b*c*d "
                "(or (a+b+c)**3) makes every interaction of its factors; write the interactions you "
                "mean, e.g. a + b + a:b"
            )
    return found[0], tuple(dict.fromkeys(found[0] + found[1]))


#: Most terms a formula may expand to (``a*b*c`` is 7); formulaic takes seconds per thousands.
MAX_TERMS = 5_000
#: Longest formula shown whole in a message; a longer one is shown by its ends.
SHOWN_FORMULA = 200


def shown_formula(text: str) -> str:
    """The formula as a message shows it: whole, or its start and end when it is long."""
    text = " ".join(text.split()) if len(text) > SHOWN_FORMULA else text
    if len(text) <= SHOWN_FORMULA:
        return text
    return f"{text[: SHOWN_FORMULA - 60]} ... {text[-50:]}"


def _too_deep(shown: str) -> FormulaError:
    return FormulaError(
        f"formula '{shown}' is nested too deeply or chains too many terms for Python's parser "
        "(a few thousand); write it with fewer terms or fewer levels of parentheses"
    )


def term_count(node: ast.AST) -> int:
    """How many terms one side of a formula expands to, at most (without formulaic): ``a + b``
    adds, ``a:b`` multiplies, ``a*b`` is both, ``a/b`` is a plus a:b, ``(a+b+c)**k``
    every product of up to k of the terms; a call, name or number is one. Saturates at 10**18."""
    cap = 10**18
    if isinstance(node, ast.BinOp):
        chain = [node]  # a + b - c ... nests to the left: walk it without recursion
        while isinstance(chain[-1].left, ast.BinOp):
            chain.append(chain[-1].left)  # type: ignore[arg-type]
        count = term_count(chain[-1].left)
        for item in reversed(chain):
            count = _combine(item, count, item.right)
        return min(count, cap)
    if isinstance(node, ast.UnaryOp):
        return term_count(node.operand)
    return 1


class InteractionOrderError(ValueError):
    """A formula power ``(a + b)**k`` with k above the number of terms it raises (formulaic
    would work through every one of the k products before finding nothing new)."""

    def __init__(self, power: float, terms: int) -> None:
        super().__init__(power, terms)
        self.power, self.terms = power, terms


def _combine(node: ast.BinOp, left: int, right_node: ast.AST) -> int:
    cap = 10**18
    if isinstance(node.op, ast.Pow):
        power = constant_value(right_node)
        if power is None or power < 1:
            return left
        if power > left:
            raise InteractionOrderError(power, left)
        top = int(min(power, left))
        return min(sum(math.comb(left, i) for i in range(1, min(top, 64) + 1)) if top <= 64 else cap, cap)
    right = term_count(right_node)
    if isinstance(node.op, ast.Add):
        return min(left + right, cap)
    if isinstance(node.op, ast.Sub):
        return left
    if isinstance(node.op, ast.BitAnd):  # ':'
        return min(left * right, cap)
    if isinstance(node.op, ast.Mult):
        return min(left + right + left * right, cap)
    if isinstance(node.op, ast.Div):
        return min(left + right, cap)
    return min(left + right, cap)


#: Results beyond this are "too many" (an infinity): no design has that many columns.
_LARGEST = float(2**64)


def constant_value(node: ast.AST) -> float | None:
    """The value of constant arithmetic (``2*100000``, ``1+20000``, ``10**6``), evaluated
    safely from the ``ast``: numbers and ``+ - * / // % **`` only, never ``eval``; a result
    beyond 2**64 is infinity. None for anything else (a name, a call, a string)."""
    import math
    import operator

    operators: dict[type, Callable[[float, float], float]] = {
        ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
        ast.Pow: operator.pow,
    }

    def value(item: ast.AST, depth: int) -> float | None:
        if depth > 100:  # deeper arithmetic than any df or degree: no number
            return None
        if isinstance(item, ast.Constant):
            number = item.value
            if isinstance(number, bool) or not isinstance(number, (int, float)):
                return None
            return float(number) if abs(number) < _LARGEST else math.copysign(math.inf, number)
        if isinstance(item, ast.UnaryOp) and isinstance(item.op, (ast.UAdd, ast.USub)):
            inner = value(item.operand, depth + 1)
            return None if inner is None else (inner if isinstance(item.op, ast.UAdd) else -inner)
        if isinstance(item, ast.BinOp) and type(item.op) in operators:
            left, right = value(item.left, depth + 1), value(item.right, depth + 1)
            if left is None or right is None:
                return None
            if isinstance(item.op, ast.Pow) and abs(left) > 1 and right > 0 and (
                    right * math.log2(abs(left)) > 64):
                return math.inf
            try:
                result = operators[type(item.op)](left, right)
            except (ArithmeticError, ValueError):
                return None
            if isinstance(result, complex) or math.isnan(result):
                return None
            return result if abs(result) < _LARGEST else math.copysign(math.inf, result)
        return None

    return value(node, 0)


def _to_python(masked: str, original: str, prefix: str) -> list[str]:
    """Split on the one top-level '~' and turn ':' into '&' so each side parses as Python."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(masked).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError) as exc:
        hint = _hint(masked, prefix) or exc.args[0]
        raise FormulaError(f"formula '{original}' does not parse: {hint}") from exc
    sides: list[list[str]] = [[]]
    depth = 0
    previous_end = 0
    for tok in tokens:
        if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.INDENT,
                        tokenize.DEDENT):
            continue
        if tok.type == tokenize.ERRORTOKEN and not tok.string.strip():
            continue
        if tok.type == tokenize.ERRORTOKEN:
            raise FormulaError(f"formula '{original}' has a character that is not allowed: {tok.string!r}")
        gap = masked[previous_end:tok.start[1]] if sides[-1] else ""
        previous_end = tok.end[1]
        value = {"{": "(", "}": ")"}.get(tok.string, tok.string)  # formulaic's {python} quoting
        if tok.type == tokenize.OP:
            if value in "([":
                depth += 1
            elif value in ")]":
                depth -= 1
            elif value == "~" and depth == 0:
                sides.append([])
                continue
            elif value == ":":
                value = "&"
        sides[-1].append(gap + value)
    if len(sides) != 2 or not sides[0] or not sides[1]:
        raise FormulaError(
            f"formula '{original}' must have the form 'outcome ~ predictors' with one '~'"
        )
    return ["".join(part) for part in sides]


def _hint(side: str, prefix: str) -> str:
    """What usually causes a formula side not to parse: an unclosed parenthesis, a
    column name with spaces, or one that is a Python keyword."""
    import keyword

    unmasked = re.sub(re.escape(prefix) + r"\d+_", "_", side)
    depth = 0
    for char in unmasked:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return "it has a ')' without its '('"
    if depth > 0:
        return "a '(' is not closed"
    dangling = unmasked.rstrip()[-1:]
    if dangling and dangling in "+-*/:^~":
        return f"a term is missing after the last '{dangling}'"
    names = re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", unmasked)
    reserved = [n for n in names if keyword.iskeyword(n)]
    if reserved:
        return (f"'{reserved[0]}' is a reserved word: write a column of that name in "
                f"backticks, `{reserved[0]}`")
    spaced = re.search(r"[A-Za-z0-9_.]+(?:[ \t]+[A-Za-z_][A-Za-z0-9_.]*)+", unmasked)
    if spaced and not any(keyword.iskeyword(w) for w in spaced.group().split()):
        return (f"write a column name with spaces or symbols in backticks, "
                f"`{' '.join(spaced.group().split())}`")
    return ""


def _near(source: str, exc: SyntaxError, quoted: list[str], prefix: str) -> str:
    """About ten characters either side of the error, with quoted names as typed
    (the error falls between tokens, so no placeholder is cut in two)."""

    def restore(part: str) -> str:
        return re.sub(re.escape(prefix) + r"(\d+)_", lambda m: quoted[int(m.group(1))], part)

    offset = max((exc.offset or 1) - 1, 0)
    before, after = restore(source[:offset]), restore(source[offset:])
    return (before[-10:] + after[:10]).strip() or restore(source)


class _Checker(ast.NodeVisitor):
    def __init__(
        self, source: str, formula: str, quoted: list[str], *, strict: bool, prefix: str = "\0"
    ) -> None:
        self.source = source
        self.formula = formula
        self.quoted = quoted
        self.prefix = prefix
        self.strict = strict
        self.call_stack: list[str] = []
        self.columns: dict[str, None] = {}  # in the order the formula first names them

    def reject(self, node: ast.AST, what: str, instead: str = "") -> None:
        """Refuse ``node``: say what it is, then ``instead`` (the allowed spelling, when
        there is one) or what formulas may use."""
        if not self.strict:
            return
        piece = self._text(node) or what
        advice = instead or (
            "Formulas may use column names, numbers, + - : * / ** and the transforms "
            f"{', '.join(ALLOWED_CALLS)} ({option('--allow-python-formula')} lifts this for trusted input)"
        )
        raise FormulaError(f"formula '{self.formula}' is not allowed: {what} in '{piece}'. {advice}")

    def _text(self, node: ast.AST) -> str:
        """``node`` as the user typed it (quoted names restored, ':' for '&')."""
        piece = ast.get_source_segment(self.source, node) or ""
        return re.sub(re.escape(self.prefix) + r"(\d+)_", lambda m: self.quoted[int(m.group(1))],
                      piece.replace("&", ":"))

    def generic_visit(self, node: ast.AST) -> None:
        if isinstance(node, (ast.Expression, ast.Load)) or not self.strict:
            super().generic_visit(node)
            return
        self.reject(node, _DESCRIBE.get(type(node), f"'{type(node).__name__}' syntax"))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.reject(node, "attribute access")  # (permissive mode: a module, not a column)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        # a + b + c ... nests to the left, as deep as the formula is long: walk that
        # chain without recursion, checking in the order the recursion would
        chain = [node]
        while isinstance(chain[-1].left, ast.BinOp):
            chain.append(chain[-1].left)  # type: ignore[arg-type]
        for item in chain:
            if not isinstance(item.op, _BINARY):
                self.reject(item, f"the operator '{_op_symbol(item.op)}'")
            if isinstance(item.op, ast.Pow) and constant_value(item.right) == math.inf:
                # Python would work out the exact number first (9**9**9 has 370 million digits)
                raise FormulaError(f"formula '{self.formula}' has the number {self._text(item.right)}, "
                                   f"beyond 2**64: no model term needs one that large; write a smaller one")
        self.visit(chain[-1].left)
        for item in reversed(chain):
            self.visit(item.right)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if not isinstance(node.op, _UNARY):
            self.reject(node, f"the operator '{_op_symbol(node.op)}'")
        self.visit(node.operand)

    def visit_Compare(self, node: ast.Compare) -> None:
        if "I" not in self.call_stack:
            self.reject(node, "a comparison outside I(...)")
        for op in node.ops:
            if not isinstance(op, _COMPARE):
                self.reject(node, f"the comparison '{_op_symbol(op)}'")
        for item in (node.left, *node.comparators):
            if isinstance(item, ast.Constant) and isinstance(item.value, str):
                continue  # I(region == 'south'): a level compared with, no more
            self.visit(item)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id.startswith("__") or node.id.endswith("__"):
            self.reject(node, f"the name '{node.id}'")
            return
        match = re.fullmatch(re.escape(self.prefix) + r"(\d+)_", node.id)
        if match:
            self.columns.setdefault(self.quoted[int(match.group(1))][1:-1])
        elif not ("C" in self.call_stack and node.id in CONTRASTS):
            self.columns.setdefault(node.id)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float, str)):
            self.reject(node, f"the literal {node.value!r}")
        if isinstance(node.value, str):
            self.reject(node, "a string outside Treatment(...), Q(...), levels= or a comparison in I(...)")

    def _string_or_list(self, node: ast.AST) -> None:
        items = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
        for item in items:
            if not (isinstance(item, ast.Constant) and isinstance(item.value, (str, int, float))):
                self.reject(item, "a value that is not a literal string or number")

    def visit_Call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name) or node.func.id not in ALLOWED_CALLS:
            name = ast.get_source_segment(self.source, node.func) or "?"
            self.reject(node, f"the call '{name}(...)'", _instead(node, self._text))
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        self.call_stack.append(name)
        for arg in node.args:
            if name in STRING_ARGUMENT_CALLS and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                if name == "Q":
                    self.columns.setdefault(arg.value)
                continue
            self.visit(arg)
        for keyword in node.keywords:
            if keyword.arg is None or keyword.arg not in ALLOWED_CALLS.get(name, frozenset()):
                instead = ""
                if name == "Treatment" and keyword.arg == "reference":  # patsy's spelling
                    level = self._text(keyword.value)
                    instead = f"Write Treatment({level}) or Treatment(base={level})."
                self.reject(node, f"the keyword argument '{keyword.arg}=' to {name}(...)", instead)
            if keyword.arg in STRING_KEYWORDS:
                self._string_or_list(keyword.value)
            else:
                self.visit(keyword.value)
        self.call_stack.pop()


def _instead(node: ast.Call, text: Callable[[ast.AST], str]) -> str:
    """The allowed spelling of a refused call, where there is one: ``log(dose)`` for
    ``np.log(dose)``; a word on offsets, which a formula cannot give."""
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in ALLOWED_CALLS and isinstance(func.value, ast.Name):
        return f"Write '{func.attr}({', '.join(text(a) for a in node.args)})' instead."
    if isinstance(func, ast.Name) and func.id == "offset":
        return ("statreport fits no offsets: enter the variable as a predictor, or fit the model "
                "with statsmodels' Logit(..., offset=...) directly.")
    return ""


def _op_symbol(op: ast.AST) -> str:
    symbols = {ast.Mod: "%", ast.FloorDiv: "//", ast.BitOr: "|", ast.BitXor: "^",
               ast.LShift: "<<", ast.RShift: ">>", ast.MatMult: "@", ast.Invert: "~",
               ast.Not: "not", ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}
    return symbols.get(type(op), type(op).__name__)


def check_factors(formula: object, text: str) -> None:
    """Check what formulaic will actually evaluate: every Python factor of both sides.

    A second line of defence after `check_formula` on the raw text: if the two
    tokenizers ever disagree about quoting, the expressions formulaic parsed
    must still pass the same allow-list before anything is evaluated.
    """
    for side in (formula.lhs, formula.rhs):  # type: ignore[attr-defined]
        for term in side:
            for factor in term.factors:
                if factor.eval_method.name != "PYTHON":
                    continue
                expr = str(factor.expr)
                shown = shown_formula(text)
                try:
                    tree = ast.parse(expr, mode="eval")
                    _Checker(expr, shown, [], strict=True).visit(tree)
                except SyntaxError as exc:
                    raise FormulaError(f"formula '{shown}' is not allowed: cannot check "
                                       f"'{shown_formula(expr)}'") from exc
                except (RecursionError, MemoryError) as exc:
                    raise _too_deep(shown) from exc
