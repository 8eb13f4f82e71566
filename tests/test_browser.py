"""Opt-in: the HTML report in headless Chromium at desktop and phone width.

Runs only with STATREPORT_BROWSER=1 and Chromium installed (apt-get install -y chromium);
see scripts/browser_check.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import EXAMPLES, REPO

pytestmark = pytest.mark.skipif(
    os.environ.get("STATREPORT_BROWSER") != "1" or not shutil.which("chromium"),
    reason="opt-in browser check: set STATREPORT_BROWSER=1 and install chromium",
)


def test_reports_do_not_overflow_at_phone_or_desktop_width(tmp_path):
    import statreport

    reports = []
    for formula, data, positive in [
        ("vote ~ C(party, Treatment('independent')) + age + education + self_lr", "anes96.csv", "Dole"),
        ("damage ~ temp_f", "challenger.csv", None),
    ]:
        path = tmp_path / f"{data}.html"
        statreport.fit(formula, EXAMPLES / data, positive=positive).to_html(path)
        reports.append(str(path))
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "browser_check.py"), *reports,
                           "--out", str(tmp_path / "shots")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert len(list((tmp_path / "shots").glob("*.png"))) == 4
