"""The PDF report: opens, has sensible pages, says what the table says, fetches nothing."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES
from pypdf import PdfReader

import statreport
from statreport.errors import RenderError
from statreport.report import formatting
from statreport.report.pdf import html_to_pdf, render_pdf


@pytest.fixture(scope="module")
def anes():
    return statreport.fit(
        "vote ~ C(party, Treatment('independent')) + age + education + self_lr",
        EXAMPLES / "anes96.csv", positive="Dole",
    )


@pytest.fixture(scope="module")
def anes_pdf(anes):
    return PdfReader(io.BytesIO(render_pdf(anes)))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_opens_with_expected_page_count(anes_pdf):
    assert 3 <= len(anes_pdf.pages) <= 8


def test_pdf_text_has_formula_and_table_values(anes, anes_pdf):
    text = text_of(anes_pdf)
    compact = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", anes.model.formula) in compact
    for row in anes.coefficient_rows:
        shown = formatting.number(row.estimate)
        assert shown in text, (row.term, shown)
        assert formatting.number(row.odds_ratio, 3) in text
    assert "Page 1 of" in text


def test_pdf_metadata(anes, anes_pdf):
    info = anes_pdf.metadata
    assert info.title == "Logistic regression report"
    assert info.subject == anes.model.formula
    assert info.creator == f"statreport {statreport.__version__}"


def test_pdf_has_no_attachments_or_links(anes_pdf):
    root = anes_pdf.trailer["/Root"]
    assert "/EmbeddedFiles" not in root.get("/Names", {})
    for page in anes_pdf.pages:
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A", {})
            assert "/URI" not in action


def test_letter_pages(anes):
    reader = PdfReader(io.BytesIO(render_pdf(anes, page_size="letter")))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    a4 = PdfReader(io.BytesIO(render_pdf(anes))).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)


def test_same_result_same_pdf_bytes(anes):
    assert render_pdf(anes) == render_pdf(anes)


@pytest.mark.parametrize(
    "resource",
    [
        '<img src="file:///etc/hostname">',
        '<img src="http://example.invalid/x.png">',
        '<link rel="stylesheet" href="https://example.invalid/x.css">',
        '<div style="background: url(file:///etc/passwd)">x</div>',
        "<style>@import url('http://example.invalid/a.css');</style>",
    ],
)
def test_any_non_data_url_stops_the_render(resource):
    with pytest.raises(RenderError, match="blocked"):
        html_to_pdf(f"<html><body><p>hello</p>{resource}</body></html>")


def test_data_uri_is_allowed():
    pixel = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR4"
             "2mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
    assert html_to_pdf(f'<html><body><img src="{pixel}"></body></html>').startswith(b"%PDF")


def test_hostile_names_render_as_literal_text(tmp_path):
    rng = np.random.default_rng(11)
    n = 300
    x = rng.normal(size=n)
    frame = pd.DataFrame({
        "<script>alert(1)</script>": x,
        "url(http://evil.invalid/a)": rng.normal(size=n),
        "$a$": rng.normal(size=n),
        "=HYPERLINK(A1)": rng.normal(size=n),
        "y": (x + rng.normal(size=n) > 0).astype(int),
    })
    path = tmp_path / "hostile.csv"
    frame.to_csv(path, index=False)
    formula = ("y ~ Q('<script>alert(1)</script>') + Q('url(http://evil.invalid/a)') + Q('$a$') "
               "+ `=HYPERLINK(A1)`")
    result = statreport.fit(formula, path, title="<b>$x$</b> url(http://evil.invalid/t)")
    text = text_of(PdfReader(io.BytesIO(render_pdf(result))))  # any fetch would raise
    compact = re.sub(r"\s+", "", text)
    for literal in ("<script>alert(1)</script>", "url(http://evil.invalid/a)", "$a$",
                    "<b>$x$</b>url(http://evil.invalid/t)"):
        assert re.sub(r"\s+", "", literal) in compact, literal
    html = result.to_html(tmp_path / "r.html").read_text()
    assert "<b>$x$</b>" not in html and "&lt;b&gt;$x$&lt;/b&gt;" in html
