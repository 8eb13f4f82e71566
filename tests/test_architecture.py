"""The shape STYLE.md asks for, checked: one direction of imports, lazy heavy imports."""

from __future__ import annotations

import ast
import dataclasses
import functools
import itertools
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLES, REPO

import statreport

RENDERING = ("jinja2", "matplotlib", "weasyprint")


def modules_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, check=True, cwd=REPO)
    return set(proc.stdout.split())


def test_computation_never_imports_renderers():
    computation = [name for name in package_modules() if within(name, COMPUTATION_LAYER)]
    code = "\n".join(f"import {name}" for name in computation)
    code += f"\nimport statreport\nstatreport.fit('y ~ x', r'{EXAMPLES / 'tutorial.csv'}')"
    loaded = modules_after(code)
    assert not [m for m in loaded if m.split(".")[0] in RENDERING]


def test_cli_help_does_not_import_heavy_libraries():
    loaded = modules_after("from statreport.cli import build_parser\nbuild_parser().format_help()")
    heavy = {"statsmodels", "sklearn", "pandas", "numpy", "scipy", "matplotlib", "weasyprint", "jinja2"}
    assert not heavy & {m.split(".")[0] for m in loaded}


def test_result_is_frozen():
    result = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.title = "changed"  # type: ignore[misc]
    assert isinstance(result.coefficient_rows, tuple)
    hash(result)  # plain immutable data all the way down


def test_coefficients_frame_is_a_copy():
    result = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")
    frame = result.coefficients
    frame.loc["x", "estimate"] = 99.0
    assert result.coefficients.loc["x", "estimate"] != 99.0
    assert list(frame.index) == ["Intercept", "x"]


def test_all_errors_share_one_root():
    for name in ("UsageError", "FormulaError", "DataError", "FitError", "RenderError"):
        cls = getattr(statreport, name)
        assert issubclass(cls, statreport.StatReportError)
    assert {statreport.FormulaError.exit_code, statreport.DataError.exit_code,
            statreport.FitError.exit_code, statreport.RenderError.exit_code} == {2, 3, 4, 5}


# --------------------------------------------------------------------------- static import rules
# Every rule below reads the source with `ast`, so it holds for code paths no test runs:
# imports inside functions and under `if TYPE_CHECKING:` count (except where a rule says not).

PACKAGE = REPO / "statreport"
TEMPLATES = PACKAGE / "templates"

#: The layers, by module name prefix; every module belongs to one. Computation is the list
#: STYLE.md's flow names, up to the frozen result; `output` (atomic writes) serves the
#: renderers; the interface (`fit`, the `FitResult` with ``to_html``, the command line)
#: may use every other layer, and no other layer uses it.
COMPUTATION_LAYER = (
    "statreport.data", "statreport.design", "statreport.estimate", "statreport.estimators",
    "statreport.budget", "statreport.terms", "statreport.levels", "statreport.counts",
    "statreport.inference", "statreport.classification", "statreport.crosscheck",
    "statreport.curves", "statreport.result", "statreport.formula", "statreport.formula_safety",
    "statreport.separation", "statreport.checks", "statreport.options", "statreport.errors",
    "statreport.progress", "statreport.delong", "statreport.model_state", "statreport.scoring",
    "statreport.model_file", "statreport.comparison_result",
)
LAYERS = {
    "computation": (*COMPUTATION_LAYER, "statreport._version"),
    "rendering": ("statreport.report", "statreport.output"),
    "concurrency": ("statreport.parallel",),
    "interface": ("statreport.api", "statreport.fit_result", "statreport.cli", "statreport.__main__",
                  "statreport.predictions", "statreport.statsmodels_view", "statreport.model_comparison"),
}
ROOT_LAYER = "interface"  # statreport/__init__.py: the public names
RENDERING_LIBRARIES = ("statreport.report", "jinja2", "matplotlib", "weasyprint")
#: Where threads, processes and garbage-collector tricks may live (`statreport.api` takes an
#: `Execution` from `statreport.parallel`: the library's is `Serial`).
CONCURRENCY_HOME = ("statreport.parallel", "statreport.cli")
#: may import statreport.parallel, nothing else of this kind
CONCURRENCY_USERS = ("statreport.api", "statreport.model_comparison")
CONCURRENCY_MODULES = ("statreport.parallel", "multiprocessing", "threading", "_thread",
                       "concurrent.futures")
CONCURRENCY_CALLS = {("gc", "freeze"), ("gc", "disable"), ("os", "fork"), ("os", "forkpty"),
                     ("os", "_exit")}
#: The modules that may branch on the penalty: the estimator, its cross-validation, its
#: report section, and the option plumbing (validation, command line, errors, `fit`).
PENALTY_MODULES = {  # the penalized estimator, its section, and the table of its options
    "statreport/estimators/penalized.py", "statreport/estimators/penalty_solvers.py",
    "statreport/estimators/cv.py", "statreport/report/sections/penalty.py", "statreport/options.py",
}
#: penalty, penalties, PenaltySpec, has_penalty (not Firth's "penalized likelihood").
PENALTY_WORD = re.compile(r"penalt(y|ies)", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Import:
    """One import statement's target, resolved to an absolute module name."""

    importer: str
    target: str
    names: tuple[str, ...]  # what `from target import ...` takes; () for `import target`
    line: int
    at_import_time: bool  # runs when the importer is imported (not in a function)
    type_checking: bool  # under `if TYPE_CHECKING:`

    @property
    def executed(self) -> bool:
        return self.at_import_time and not self.type_checking

    def __str__(self) -> str:
        where = "" if self.executed else (" (type checking)" if self.type_checking else " (in a function)")
        return f"{self.importer}:{self.line} imports {self.target}{where}"


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _context(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> tuple[bool, bool]:
    """(runs at import time, under `if TYPE_CHECKING:`) for a statement."""
    at_import_time, type_checking = True, False
    child, parent = node, parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            at_import_time = False
        if isinstance(parent, ast.If) and _is_type_checking(parent.test) and any(
                child is stmt for stmt in parent.body):
            type_checking = True
        child, parent = parent, parents.get(parent)
    return at_import_time, type_checking


def _resolve(importer: str, is_package: bool, module: str | None, level: int) -> str:
    if level == 0:
        return module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def scan_imports(source: str, importer: str, *, is_package: bool = False,
                 known: Iterable[str] = ()) -> list[Import]:
    """Every import in ``source``, wherever it is; ``known`` names the package's modules,
    so that ``from . import estimators`` resolves to ``statreport.estimators``."""
    known = set(known)
    tree = ast.parse(source)
    parents = _parents(tree)
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            context = _context(node, parents)
            found += [Import(importer, alias.name, (), node.lineno, *context) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            context = _context(node, parents)
            base = _resolve(importer, is_package, node.module, node.level)
            names = tuple(alias.name for alias in node.names)
            submodules = [f"{base}.{name}" for name in names if f"{base}.{name}" in known]
            # `from pkg import sub` runs pkg/__init__ too, unless pkg is the importer's own package
            own_package = importer == base or importer.startswith(base + ".")
            if len(submodules) < len(names) or not own_package:
                found.append(Import(importer, base, names, node.lineno, *context))
            found += [Import(importer, sub, (), node.lineno, *context) for sub in submodules]
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name) and node.func.id in ("import_module", "__import__")))):
            found.append(Import(importer, node.args[0].value, (), node.lineno, *_context(node, parents)))
    return found


@functools.cache
def all_imports() -> tuple[Import, ...]:
    modules = package_modules()
    return tuple(
        imp for name, path in modules.items()
        for imp in scan_imports(path.read_text(), name, is_package=path.name == "__init__.py",
                                known=modules)
    )


def within(module: str, prefixes: Iterable[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def layer_of(module: str) -> str:
    """The module's layer; a module in none of them is its own."""
    if module == "statreport":
        return ROOT_LAYER
    for layer, prefixes in LAYERS.items():
        if within(module, prefixes):
            return layer
    return module


def find_cycle(edges: dict[str, dict[str, Import]]) -> list[str] | None:
    """One cycle in the graph ``edges[a][b]`` (a path that starts and ends at the same node)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, {})):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def describe_cycle(cycle: list[str], edges: dict[str, dict[str, Import]]) -> str:
    steps = "\n".join(f"  {edges[a][b]}" for a, b in itertools.pairwise(cycle))
    return " -> ".join(cycle) + "\n" + steps


def test_import_scanner_sees_every_kind_of_import():
    source = textwrap.dedent("""
        from __future__ import annotations
        import os.path as p
        from typing import TYPE_CHECKING
        from . import html, missing
        from ..errors import RenderError
        if TYPE_CHECKING:
            from ..result import ResultData
        def draw():
            from .figures import forest
            importlib.import_module("matplotlib.pyplot")
    """)
    known = {"statreport.report.html", "statreport.report.figures.forest"}
    found = {(i.target, i.at_import_time, i.type_checking)
             for i in scan_imports(source, "statreport.report.pdf", known=known)}
    assert found == {
        ("__future__", True, False), ("os.path", True, False), ("typing", True, False),
        ("statreport.report.html", True, False), ("statreport.report", True, False),
        ("statreport.errors", True, False), ("statreport.result", True, True),
        ("statreport.report.figures.forest", False, False), ("statreport.report.figures", False, False),
        ("matplotlib.pyplot", False, False),
    }
    assert any(i.target == "statreport.report" for i in scan_imports(
        "from . import x", "statreport.report", is_package=True))


def test_no_import_cycle_among_modules_at_import_time():
    modules = package_modules()
    edges: dict[str, dict[str, Import]] = {}
    for imp in all_imports():
        if imp.executed and imp.target in modules and imp.target != imp.importer:
            edges.setdefault(imp.importer, {}).setdefault(imp.target, imp)
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle at import time: " + describe_cycle(cycle, edges)


def test_no_cycle_between_layers_counting_every_import():
    modules = package_modules()
    edges: dict[str, dict[str, Import]] = {}
    for imp in all_imports():
        source, target = layer_of(imp.importer), layer_of(imp.target)
        if imp.target in modules and source != target:
            edges.setdefault(source, {}).setdefault(target, imp)
    cycle = find_cycle(edges)
    assert cycle is None, "layers import each other: " + describe_cycle(cycle, edges)
    unplaced = [name for name in modules if layer_of(name) == name]
    assert not unplaced, f"place each module in one of LAYERS: {unplaced}"


def test_computation_never_imports_rendering_at_any_level():
    bad = [str(imp) for imp in all_imports()
           if within(imp.importer, COMPUTATION_LAYER) and within(imp.target, RENDERING_LIBRARIES)]
    assert not bad, "the computation layer imports rendering:\n" + "\n".join(bad)


def test_result_module_is_pure_data_importing_nothing_of_statreport():
    path = PACKAGE / "result.py"
    imports = scan_imports(path.read_text(), "statreport.result", known=package_modules())
    bad = [str(imp) for imp in imports if imp.target.split(".")[0] == "statreport"]
    assert not bad, ("statreport/result.py is the data every layer shares; it imports none of them:\n"
                     + "\n".join(bad))


def _concurrency_uses(path: Path, importer: str, imports: list[Import]) -> list[str]:
    uses = [str(imp) for imp in imports if within(imp.target, CONCURRENCY_MODULES)]
    uses += [f"{imp} ({name})" for imp in imports for name in imp.names
             if (imp.target, name) in CONCURRENCY_CALLS]
    tree = ast.parse(path.read_text())
    aliases = {alias.asname or alias.name: alias.name for node in ast.walk(tree)
               if isinstance(node, ast.Import) for alias in node.names}
    uses += [f"{importer}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}"
             for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
             and (aliases.get(node.value.id), node.attr) in CONCURRENCY_CALLS]
    return uses


def test_concurrency_lives_in_parallel_and_the_command_line():
    imports: dict[str, list[Import]] = {}
    for imp in all_imports():
        imports.setdefault(imp.importer, []).append(imp)
    bad = [use for name, path in package_modules().items() if not within(name, CONCURRENCY_HOME)
           for use in _concurrency_uses(path, name, imports.get(name, []))
           if not (name in CONCURRENCY_USERS and " statreport.parallel" in use)]
    assert not bad, ("threads, processes and gc tricks belong in statreport.parallel "
                     "(or statreport.cli):\n" + "\n".join(bad))


def _words(node: ast.AST) -> Iterator[str]:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            yield sub.id
        elif isinstance(sub, ast.Attribute):
            yield sub.attr
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            yield sub.value


def penalty_branches(source: str) -> list[tuple[int, str]]:
    """(line, source) of each test or comparison that mentions the penalty."""
    tree = ast.parse(source)
    tests: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.If | ast.IfExp | ast.While):
            tests.append(node.test)
        elif isinstance(node, ast.comprehension):
            tests += node.ifs
        elif isinstance(node, ast.match_case) and node.guard is not None:
            tests.append(node.guard)
        elif isinstance(node, ast.Match):
            tests.append(node.subject)
        elif isinstance(node, ast.Compare):
            tests.append(node)
    found: dict[int, str] = {}  # the outermost test on each line
    for test in tests:
        text = ast.get_source_segment(source, test) or ""
        if any(PENALTY_WORD.search(word) for word in _words(test)) and len(text) > len(
                found.get(test.lineno, "")):
            found[test.lineno] = text
    return sorted(found.items())


def test_only_the_penalized_estimator_and_its_section_branch_on_penalty():
    assert penalty_branches("x = 1 if options.penalty else 2\nif kind == 'penalty' or a: pass\n"
                            "if est.capabilities.p_values or fit.penalized: pass\n") == [
        (1, "options.penalty"), (2, "kind == 'penalty' or a")]
    bad = [f"{path.relative_to(REPO)}:{line}: {text}"
           for path in sorted(PACKAGE.rglob("*.py"))
           if path.relative_to(REPO).as_posix() not in PENALTY_MODULES
           for line, text in penalty_branches(path.read_text())]
    assert not bad, ("ask the estimator's capabilities instead of testing the penalty:\n"
                     + "\n".join(bad))


def test_templates_never_mention_penalty():
    templates = sorted(TEMPLATES.glob("*.j2"))
    assert templates
    bad = [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
           for path in templates
           for number, line in enumerate(path.read_text().splitlines(), 1)
           if PENALTY_WORD.search(line)]
    assert not bad, "templates serialize the document; the penalty is decided in Python:\n" + "\n".join(bad)
