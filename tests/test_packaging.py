"""The wheel carries everything a report needs (templates, schema) and runs from a fresh venv."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLES, REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)],
        check=True, capture_output=True, timeout=600,
    )
    (path,) = out.glob("statreport-*.whl")
    return path


def test_wheel_ships_templates_and_schema(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "statreport/templates/report.html.j2" in names
    assert "statreport/templates/report.css" in names
    assert "statreport/schema/report.schema.json" in names


def test_installed_wheel_renders_a_report(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    # Dependencies come from the test environment, appended after the venv's own site-packages
    # (plain paths, so an editable statreport there is not picked up).
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             check=True, capture_output=True, text=True).stdout.strip()
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib"), *site.getsitepackages()}
    Path(purelib, "zz_test_deps.pth").write_text("\n".join(sorted(ours)) + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [python, "-m", "statreport", "fit", "y ~ x", str(EXAMPLES / "tutorial.csv"),
         "-o", "r.html", "-o", "r.json"],
        cwd=work, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Coefficients" in (work / "r.html").read_text()
    assert json.loads((work / "r.json").read_text())["fit"]["n_obs"] == 10
    where = subprocess.run([python, "-c", "import statreport; print(statreport.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout
    assert str(env_dir) in where
