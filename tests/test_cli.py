"""The command line as a user meets it: exit codes, one-line errors, no stray files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import EXAMPLES, REPO

from statreport import __version__
from statreport.cli import main


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "statreport", *args],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=120,
    )


def test_python_dash_m_writes_html_and_json(tmp_path):
    proc = run_cli("fit", "y ~ x", str(EXAMPLES / "tutorial.csv"),
                   "-o", str(tmp_path / "r.html"), "-o", str(tmp_path / "r.json"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "r.json").read_text())["fit"]["n_obs"] == 10
    assert "wrote" in proc.stderr and "Traceback" not in proc.stderr


def test_version_flag():
    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"statreport {__version__}"


def test_missing_column_exits_2_with_one_line_and_suggestion(tmp_path, capsys):
    out = tmp_path / "r.html"
    code = main(["fit", "y ~ xx", str(EXAMPLES / "tutorial.csv"), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "'xx'" in err and "did you mean 'x'" in err
    assert not out.exists()


@pytest.mark.parametrize("formula", ["y ~ x +", "y ~ (x", "y x", "~ x", ""])
def test_malformed_formula_exits_2_with_one_line(formula, tmp_path, capsys):
    out = tmp_path / "r.json"
    code = main(["fit", formula, str(EXAMPLES / "tutorial.csv"), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("statreport: error:")
    assert "\x1b[" not in err
    assert list(tmp_path.iterdir()) == []


def test_usage_error_is_one_line_exit_2():
    proc = run_cli("fit", "y ~ x")
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "DATA" in proc.stderr.upper()


def test_unknown_output_extension_is_refused_before_fitting(tmp_path, capsys):
    code = main(["fit", "y ~ x", str(EXAMPLES / "tutorial.csv"), "-o", str(tmp_path / "r.docx")])
    assert code == 2
    assert ".html" in capsys.readouterr().err


def test_output_in_missing_folder_is_refused(tmp_path, capsys):
    code = main(["fit", "y ~ x", str(EXAMPLES / "tutorial.csv"),
                 "-o", str(tmp_path / "nope" / "r.html")])
    assert code == 5
    assert "does not exist" in capsys.readouterr().err


def test_output_equal_to_input_is_refused(tmp_path, capsys):
    data = tmp_path / "d.csv"
    data.write_text((EXAMPLES / "tutorial.csv").read_text())
    code = main(["fit", "y ~ x", str(data), "-o", str(data.with_suffix(".csv"))])
    assert code == 2
    assert data.read_text() == (EXAMPLES / "tutorial.csv").read_text()


def test_outcome_needing_positive_exits_3(tmp_path, capsys):
    code = main(["fit", "vote ~ age", str(EXAMPLES / "anes96.csv"), "-o", str(tmp_path / "r.json")])
    err = capsys.readouterr().err
    assert code == 3 and "--positive" in err and "'Dole'" in err
    assert list(tmp_path.iterdir()) == []


def test_failed_render_leaves_existing_report_untouched(tmp_path, monkeypatch, capsys):
    good = tmp_path / "r.json"
    good.write_text("previous good report")
    html = tmp_path / "r.html"
    from statreport.report import html as html_module

    def broken(*args, **kwargs):
        raise RuntimeError("template exploded")

    monkeypatch.setattr(html_module, "render_html", broken)
    code = main(["fit", "y ~ x", str(EXAMPLES / "tutorial.csv"), "-o", str(good), "-o", str(html)])
    assert code == 5
    assert good.read_text() == "previous good report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_help_lists_exit_codes():
    proc = run_cli("fit", "--help")
    assert proc.returncode == 0
    for code in ("0", "2", "3", "4", "5"):
        assert f"\n  {code}  " in proc.stdout


def test_verbose_prints_stage_times_and_default_is_quiet_off_terminal(tmp_path):
    verbose = run_cli("fit", "y ~ x", str(EXAMPLES / "tutorial.csv"), "-o", str(tmp_path / "r.json"), "-v")
    assert verbose.returncode == 0
    for stage in ("reading data", "fitting", "cross-checking", "rendering and writing"):
        assert re.search(rf"statreport: {stage}\s+\d+\.\d\d s", verbose.stderr), stage
    plain = run_cli("fit", "y ~ x", str(EXAMPLES / "tutorial.csv"), "-o", str(tmp_path / "r.json"))
    assert "\r" not in plain.stderr and "fitting" not in plain.stderr  # not a terminal: no progress
    quiet = run_cli("fit", "y ~ x", str(EXAMPLES / "tutorial.csv"), "-o", str(tmp_path / "r.json"), "-q")
    assert quiet.stderr == ""


def test_progress_on_a_terminal_rewrites_one_line():
    import io

    from statreport.progress import Stages, terminal_reporter

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    hook = terminal_reporter(verbose=False, quiet=False, stream=stream)
    with Stages(hook)("fitting"):
        pass
    assert "statreport: fitting\u2026" in stream.getvalue() and "\n" not in stream.getvalue()
    assert terminal_reporter(verbose=False, quiet=True, stream=Tty()) is None


def test_a_rewritten_report_keeps_its_permissions(tmp_path):
    import os
    import stat

    import statreport

    result = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")
    fresh = result.to_json(tmp_path / "new.json")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644 & ~_umask()
    kept = tmp_path / "kept.json"
    kept.write_text("{}")
    os.chmod(kept, 0o440)
    result.to_json(kept)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o440 and kept.read_text() != "{}"


def _umask() -> int:
    import os

    current = os.umask(0)
    os.umask(current)
    return current


def test_a_value_out_of_range_is_refused_while_reading_the_options(tmp_path):
    proc = run_cli("fit", "y ~ x", str(EXAMPLES / "tutorial.csv"), "-o", str(tmp_path / "r.json"),
                   "--threshold", "1.5")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "--threshold: must be a number strictly between 0 and 1; got '1.5'" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_advice_in_errors_names_the_options(tmp_path, capsys):
    # needs api.fit to call statreport.options.validate (the lead wires it in)
    out = tmp_path / "r.json"
    code = main(["fit", "y ~ x", str(EXAMPLES / "tutorial.csv"), "-o", str(out), "--penalty", "l1"])
    err = capsys.readouterr().err
    assert code == 2 and "(--penalty l1) needs alpha" in err and "(e.g. --alpha cv)" in err, err
    code = main(["fit", "y ~ x", str(EXAMPLES / "tutorial.csv"), "-o", str(out),
                 "--method", "firth", "--penalty", "l2", "--alpha", "0.1"])
    err = capsys.readouterr().err
    assert code == 2 and "--method firth and --penalty l2 do not go together" in err, err
    assert "=" not in err and not out.exists()


def test_a_command_line_reports_warnings_name_the_options(tmp_path):
    rows = "".join(f"{i},{int(i % 3 == 0)},{'.' if i % 4 == 0 else 'ab'[i % 2]}\n" for i in range(40))
    data = tmp_path / "s.csv"
    data.write_text("x,y,g\n" + rows)
    proc = run_cli("fit", "y ~ x + g", str(data), "-o", str(tmp_path / "r.json"))
    assert proc.returncode == 0, proc.stderr
    advice = "if it marks a missing value (as '.' does in Stata and SAS files), pass --na-value '.'"
    assert advice in proc.stderr
    messages = [w["message"] for w in json.loads((tmp_path / "r.json").read_text())["warnings"]]
    assert any(advice in m for m in messages) and not any("na_values" in m for m in messages)
