"""The PDF report: opens, has sensible pages, says what the table says, fetches nothing."""

from __future__ import annotations

import io
import math
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


LONG_LEVELS = ["East", "Island", "Northern metropolitan health authority district (urban core)",
               "Southern rural and coastal communities including islands",
               "Western region, former industrial towns and suburbs"]


@pytest.fixture(scope="module")
def long_labels():
    """A column name and category levels far longer than the table's term column."""
    rng = np.random.default_rng(5)
    n = 300
    age = rng.normal(50, 12, n)
    income = rng.normal(60_000, 20_000, n)  # coefficients in scientific notation
    logit = 0.03 * (age - 50) + 2e-5 * (income - 60_000)
    frame = pd.DataFrame({
        "y01": (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int),
        "age": age,
        "household_income_in_us_dollars_before_tax_2023": income,
        "region": rng.choice(LONG_LEVELS, n),
    })
    return statreport.fit(
        "y01 ~ age + household_income_in_us_dollars_before_tax_2023 + C(region, Treatment('East'))", frame)


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _advances(font) -> dict[int, float]:
    """Glyph id -> advance (thousandths of an em) from a Type0 font's /W array."""
    w = font["/DescendantFonts"][0].get_object()["/W"]
    advances, i = {}, 0
    while i < len(w):
        first, item = int(w[i]), w[i + 1]
        if isinstance(item, list):  # first [w1 w2 ...]
            advances.update({first + k: float(v) for k, v in enumerate(item)})
            i += 2
        else:  # first last w
            advances.update({cid: float(w[i + 2]) for cid in range(first, int(item) + 1)})
            i += 3
    return advances


def text_extents(page) -> list[tuple[float, float]]:
    """Where each run of text on ``page`` starts and ends, in points from the left edge.

    Read from the page's text operators and its fonts' glyph widths (WeasyPrint writes
    Identity-H fonts, two bytes a glyph): text that runs off the page still extracts
    as text, so only its position tells whether a reader can see it."""
    fonts = {name: _advances(ref.get_object()) for name, ref in page["/Resources"]["/Font"].items()}
    state: dict = {"font": None, "size": 0.0}
    runs = []

    def visit(operator, operands, cm, tm):
        if operator == b"Tf":
            state["font"], state["size"] = fonts.get(operands[0]), float(operands[1])
        elif operator == b"TJ" and state["font"] is not None:
            advance = 0.0
            for item in operands[0]:
                if isinstance(item, bytes):
                    advance += sum(state["font"].get(int.from_bytes(item[k:k + 2], "big"), 0.0)
                                   for k in range(0, len(item), 2))
                else:  # a kerning adjustment
                    advance -= float(item)
            start = cm[0] * tm[4] + cm[4]
            runs.append((start, start + cm[0] * advance / 1000 * state["size"]))

    page.extract_text(visitor_operand_before=visit)
    return runs


def test_pdf_opens_with_expected_page_count(anes_pdf):
    assert 3 <= len(anes_pdf.pages) <= 8


def test_pdf_text_has_formula_and_table_values(anes, anes_pdf):
    text = text_of(anes_pdf)
    compact = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", anes.model.formula) in compact
    for row in anes.coefficient_rows:
        shown = formatting.number(row.estimate)
        assert shown in text, (row.term, shown)
        assert formatting.odds_ratio(row.estimate) in text
    assert "Page 1 of" in text


def test_pdf_shows_reference_levels_as_rows_with_n_and_events(anes, anes_pdf):
    text = text_of(anes_pdf)
    for level in anes.levels:
        shown = f"{formatting.integer(level.n)} ({formatting.integer(level.events)})"
        assert re.search(rf"(?<!\S){re.escape(shown)}\s", text), (level, shown)
    assert re.search(r"independent\s+37 \(11\)\s+1\.000\s+\(reference\)", text)
    assert re.search(r"college\s+90 \(37\)\s+1\.000\s+\(reference\)", text)


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


@pytest.fixture(scope="module")
def income_in_cents():
    """Income in cents: a per-unit odds ratio of 1 + 2x10^-7, which "1.000" would hide."""
    rng = np.random.default_rng(12)
    n = 300
    age = rng.normal(50, 12, n)
    cents = rng.normal(6e6, 2e6, n)
    logit = 0.03 * (age - 50) + 2e-7 * (cents - 6e6)
    frame = pd.DataFrame({"y": (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int),
                          "age": age, "income_cents": cents})
    return statreport.fit("y ~ age + income_cents", frame)


@pytest.mark.parametrize("page_size", ["a4", "letter"])
@pytest.mark.parametrize("case", ["anes", "long_labels", "income_in_cents"])
def test_no_text_runs_into_the_right_margin(case, page_size, request):
    """Long term labels wrap in their column; the odds ratios stay on the page."""
    result = request.getfixturevalue(case)
    reader = PdfReader(io.BytesIO(render_pdf(result, page_size=page_size)))
    for number, page in enumerate(reader.pages, start=1):
        text_right = float(page.mediabox.width) - 16 / 25.4 * 72  # the @page margin, 16 mm
        runs = text_extents(page)
        assert runs, number
        widest = max(end for _, end in runs)
        assert widest <= text_right + 0.5, (page_size, number, widest, text_right)
    text = text_of(reader)
    for row in result.coefficient_rows:
        for log_odds in (row.estimate, row.ci_low, row.ci_high):
            assert formatting.odds_ratio(log_odds) in text, (row.term, log_odds)


def test_long_labels_wrap_and_wide_numbers_set_the_table_smaller(long_labels):
    from statreport.report.html import render_html

    html = render_html(long_labels, pdf=True, with_figures=False)
    assert '<table class="coefficients wide short">' in html  # 2.70x10^-5 in the income row
    text = re.sub(r"\s+", "", text_of(PdfReader(io.BytesIO(render_pdf(long_labels)))))
    for label in ("household_income_in_us_dollars_before_tax_2023", *LONG_LEVELS[1:]):
        assert re.sub(r"\s+", "", label) in text  # every character kept, lines broken


def test_odds_ratios_close_to_1_differ_from_1_and_the_note_gives_a_readable_unit(income_in_cents):
    from statreport.report.html import render_html

    row = next(r for r in income_in_cents.coefficient_rows if r.term == "income_cents")
    assert f"{row.odds_ratio:.3f}" == "1.000" and row.p_value < 0.05  # what the user saw
    text = text_of(PdfReader(io.BytesIO(render_pdf(income_in_cents))))
    shown = [formatting.odds_ratio(v) for v in (row.estimate, row.ci_low, row.ci_high)]
    assert all(value.startswith("1\u2009+\u2009") for value in shown), shown
    assert " ".join(shown) in text
    compact = re.sub(r"\s+", "", text)
    assert "I(income_cents/1000000)" in compact  # per 10^6 cents the odds ratio reads plainly
    per_million = formatting.odds_ratio(row.estimate * 1e6)
    assert per_million == f"{math.exp(row.estimate * 1e6):.3f}"
    assert f"Per1000000unitsofincome_centsitis{per_million}" in compact.replace("\u2009", "")
    html = render_html(income_in_cents, pdf=True, with_figures=False)
    assert '<table class="coefficients wide short">' in html


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


def test_the_cross_check_table_stays_on_one_page_with_its_heading(anes_pdf):
    # it used to break after its third row, leaving "Tolerance" alone on the next page
    pages = [page.extract_text() for page in anes_pdf.pages]
    (on,) = [i for i, text in enumerate(pages) if re.search(r"^Cross-check$", text, re.M)]
    for row in ("Result", "Largest coefficient difference", "Largest probability difference",
                "Identical predicted labels", "Tolerance"):
        assert row in pages[on], row


def test_a_coefficient_table_of_25_rows_or_fewer_is_marked_short_for_print_css():
    from statreport.report.html import render_html

    # print.css keeps a table marked short whole; 26 rows and more may break across pages.
    # Rows are coefficients and reference levels: a categorical's heading row does not count.
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({f"x{i}": rng.normal(size=400) for i in range(25)})
    frame["y"] = (rng.random(400) < 0.4).astype(int)
    short = render_html(statreport.fit("y ~ " + " + ".join(f"x{i}" for i in range(24)), frame),
                        with_figures=False)
    long = render_html(statreport.fit("y ~ " + " + ".join(f"x{i}" for i in range(25)), frame),
                       with_figures=False)
    assert '<table class="coefficients short">' in short
    assert '<table class="coefficients">' in long
    frame["g"] = np.repeat(["a", "b"], 200)
    with_heading = render_html(statreport.fit("y ~ C(g) + " + " + ".join(f"x{i}" for i in range(22)),
                                              frame), with_figures=False)
    assert '<table class="coefficients short">' in with_heading  # 24 coefficients, a reference, a heading
    one_more = render_html(statreport.fit("y ~ C(g) + " + " + ".join(f"x{i}" for i in range(23)), frame),
                           with_figures=False)
    assert '<table class="coefficients">' in one_more  # 25 coefficients and the reference level's row


def test_a_short_table_that_fits_stays_on_its_page_with_its_notes():
    # keeping tables whole must not push a section that fits to the next page
    from conftest import GLM_REFERENCE, statreport_warnings_only

    with statreport_warnings_only():
        result = statreport.fit("y ~ age + C(site)", GLM_REFERENCE / "separation" / "site_separation.csv")
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(result.to_pdf())).pages]
    assert "Coefficients" in pages[0] and "site11" in pages[0]  # the whole table, on page 1
    assert "Separated term" in pages[0]  # and the note under it


def test_the_prediction_figures_fill_the_classification_page(anes_pdf):
    # two rows of two: the first row shares the classification table's page (one 2 x 2
    # grid went whole to the next page and left that one more than half blank)
    pages = [page.extract_text() for page in anes_pdf.pages]
    (classification,) = [text for text in pages if "Classification at threshold" in text]
    assert "ROC curve." in classification and "Calibration." in classification


def test_a_level_thousands_of_characters_long_is_shortened_for_display_and_kept_whole_in_json():
    # before: the PDF's line breaking took 20 s for 2,000 characters and never finished for 10,000
    rng = np.random.default_rng(1)
    level = "L" * 10_000
    frame = pd.DataFrame({"y": rng.integers(0, 2, 120), "x": rng.normal(size=120),
                          "g": rng.choice(["a", "b", level], 120)})
    from conftest import statreport_warnings_only

    with statreport_warnings_only():
        result = statreport.fit("y ~ x + C(g)", frame)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(result.to_pdf())).pages)
    assert "L" * 50 + "\u2026" + "L" * 20 in text.replace("\n", "") and "L" * 200 not in text
    assert result.to_dict()["model"]["categoricals"][0]["reference"] == level  # whole in the JSON
