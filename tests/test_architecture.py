"""The shape STYLE.md asks for, checked: one direction of imports, lazy heavy imports."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest
from conftest import EXAMPLES, REPO

import statreport

RENDERING = ("jinja2", "matplotlib", "weasyprint")
COMPUTATION = ("api", "data", "design", "estimate", "inference", "classification",
               "crosscheck", "result", "formula")


def modules_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, check=True, cwd=REPO)
    return set(proc.stdout.split())


def test_computation_never_imports_renderers():
    code = "\n".join(f"import statreport.{name}" for name in COMPUTATION)
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
