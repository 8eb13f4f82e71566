"""The JSON report: schema, full precision, NaN as null with a warning, determinism."""

from __future__ import annotations

import dataclasses
import json

import jsonschema
import pytest
from conftest import EXAMPLES

import statreport
from statreport.report.json_report import render_json


def tutorial():
    return statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")


def test_required_keys_and_schema(report_schema):
    document = tutorial().to_dict()
    jsonschema.validate(document, report_schema)
    assert document["schema_version"] == "1.4"
    assert set(document["crosscheck"]) >= {"library", "version", "max_abs_coef_diff",
                                           "max_abs_prob_diff", "label_agreement", "tolerance", "passed"}


def test_levels_give_n_and_events_per_level_and_validate(report_schema):
    anes = statreport.fit("vote ~ C(party, Treatment('independent')) + age + education + self_lr",
                          EXAMPLES / "anes96.csv", positive="Dole")
    document = json.loads(render_json(anes))
    jsonschema.validate(document, report_schema)
    assert list(document)[list(document).index("coefficients") + 1] == "levels"
    assert document["levels"][0] == {"term": "C(party, Treatment('independent'))", "variable": "party",
                                      "level": "independent", "n": 37, "events": 11, "reference": True}
    references = [level["level"] for level in document["levels"] if level["reference"]]
    assert references == ["independent", "college"]
    for variable in ("party", "education"):
        rows = [level for level in document["levels"] if level["variable"] == variable]
        assert sum(level["n"] for level in rows) == document["fit"]["n_obs"]
        assert sum(level["events"] for level in rows) == document["fit"]["events"]
    assert tutorial().to_dict()["levels"] == []
    broken = {**document, "levels": [{**document["levels"][0], "n": 3.5}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, report_schema)


def test_numbers_round_trip_at_full_precision():
    result = tutorial()
    document = json.loads(render_json(result))
    assert document["coefficients"][1]["estimate"] == result.coefficient_rows[1].estimate
    assert document["fit"]["log_likelihood"] == result.fit.log_likelihood


def test_non_finite_numbers_become_null_with_a_warning(report_schema):
    result = tutorial()
    row = dataclasses.replace(result.coefficient_rows[1], std_error=float("nan"), z=float("inf"))
    broken = dataclasses.replace(result, coefficient_rows=(result.coefficient_rows[0], row))
    document = json.loads(render_json(broken))
    assert document["coefficients"][1]["std_error"] is None
    assert document["coefficients"][1]["z"] is None
    warning = [w for w in document["warnings"] if w["code"] == "non_finite_values"]
    assert warning and "coefficients[x].std_error" in warning[0]["message"]
    jsonschema.validate(document, report_schema)


def test_same_input_same_bytes(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first, second = tutorial(), tutorial()
    assert render_json(first) == render_json(second)
    assert first.date is None


def test_date_comes_from_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert tutorial().date == "2023-11-14"
    assert statreport.fit("y ~ x", EXAMPLES / "tutorial.csv", date="March 2025").date == "March 2025"


def test_reports_are_byte_identical_across_processes(tmp_path):
    """Same input, same bytes: no wall-clock time, no hash-seed-dependent order."""
    import os
    import subprocess
    import sys

    from conftest import REPO

    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        env.pop("SOURCE_DATE_EPOCH", None)
        subprocess.run(
            [sys.executable, "-m", "statreport", "fit",
             "vote ~ C(party, Treatment('independent')) + age + education + self_lr",
             str(EXAMPLES / "anes96.csv"), "--positive", "Dole",
             "-o", str(out / "r.json"), "-o", str(out / "r.html"), "-o", str(out / "r.pdf"), "-q"],
            check=True, env=env, timeout=300,
        )
        outputs.append([(out / name).read_bytes() for name in ("r.json", "r.html", "r.pdf")])
    assert outputs[0] == outputs[1]


def test_without_a_path_the_writers_return_the_report(tmp_path):
    from conftest import EXAMPLES

    import statreport

    result = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")
    text = result.to_json()
    assert isinstance(text, str) and json.loads(text) == result.to_dict()
    assert text.encode("utf-8") == result.to_json(tmp_path / "r.json").read_bytes()
    html = result.to_html()
    assert isinstance(html, str) and html == result.to_html(tmp_path / "r.html").read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert result.to_pdf().startswith(b"%PDF-")


def test_the_writers_write_to_open_files(tmp_path):
    import codecs
    import io
    import tempfile

    from statreport.errors import UsageError

    result = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")
    with open(tmp_path / "r.json", "w", encoding="utf-8") as text_file:
        assert result.to_json(text_file) is None
    assert json.loads((tmp_path / "r.json").read_text("utf-8")) == result.to_dict()
    binary = io.BytesIO()
    result.to_html(binary)
    assert binary.getvalue().decode("utf-8") == result.to_html()
    text = io.StringIO()
    result.to_html(text)
    assert text.getvalue() == result.to_html()
    with open(tmp_path / "r.pdf", "wb") as pdf_file:
        result.to_pdf(pdf_file)
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    with pytest.raises(UsageError, match="binary mode"):
        result.to_pdf(io.StringIO())
    with tempfile.NamedTemporaryFile("w+", encoding="utf-8") as wrapped:  # text, not a TextIOBase
        result.to_json(wrapped)
        wrapped.seek(0)
        assert json.loads(wrapped.read()) == result.to_dict()
        with pytest.raises(UsageError, match="binary mode"):
            result.to_pdf(wrapped)
    encoded = io.BytesIO()
    result.to_html(codecs.getwriter("utf-8")(encoded))  # takes str
    assert encoded.getvalue().decode("utf-8") == result.to_html()
    with open(tmp_path / "ascii.html", "w", encoding="ascii") as narrow, \
            pytest.raises(UsageError, match="encoding='utf-8'"):
        result.to_html(narrow)
