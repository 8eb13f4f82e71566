"""The HTML report: escaping, self-containment, content, and a pinned snapshot."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES, income_in_dollars_frame, quasi_separated_frame

import statreport
from statreport.report.html import render_html


@pytest.fixture(scope="module")
def hostile():
    rng = np.random.default_rng(7)
    n = 200
    x = rng.normal(size=n)
    frame = pd.DataFrame({
        "out<script>alert(1)</script>": (x + rng.normal(size=n) > 0).astype(int),
        "x": x,
        "grp": rng.choice(["<b>bold</b>", "url(http://evil.invalid/x)", "$a$", "=HYPERLINK(1)"], n),
    })
    return statreport.fit(
        "Q('out<script>alert(1)</script>') ~ x + grp", frame, title="<img src=x onerror=alert(1)>"
    )


def test_user_strings_are_escaped(hostile):
    html = render_html(hostile)
    assert "<script>" not in html and "<b>bold</b>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert all(src.startswith("data:image/svg+xml;base64,")
               for src in re.findall(r'<img src="([^"]*)"', html))
    assert "url(http://evil.invalid/x)" in html  # as text, not in any style
    style = "".join(re.findall(r"<style>(.*?)</style>", html, flags=re.S))
    assert "evil" not in style and "HYPERLINK" not in style


def test_html_is_self_contained(hostile):
    html = render_html(hostile)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//|file:)""", html, flags=re.I)
    assert "@import" not in html and "<link" not in html


def test_report_shows_sections_and_warnings():
    frame = pd.read_csv(EXAMPLES / "tutorial.csv")
    frame.loc[3, "x"] = np.nan
    with pytest.warns(statreport.StatReportWarning, match="rows_dropped"):
        result = statreport.fit("y ~ x", frame)
    html = render_html(result)
    for heading in ("Model", "Coefficients", "Model fit", "Classification at threshold 0.5",
                    "Cross-check", "Data and provenance"):
        assert f"<h2>{heading}</h2>" in html
    assert 'role="alert"' in html and "listwise deletion" in html


def test_failed_crosscheck_stands_out(monkeypatch):
    import dataclasses

    result = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")
    failed = dataclasses.replace(result, crosscheck=dataclasses.replace(result.crosscheck, passed=False))
    html = render_html(failed)
    assert "FAILED" in html
    assert html.index("FAILED") > html.index("Cross-check")


def test_a_fit_that_did_not_converge_gets_a_statement_instead_of_a_forest_plot():
    with pytest.warns(statreport.StatReportWarning):
        result = statreport.fit("y ~ x + g", quasi_separated_frame())
    assert not result.fit.converged
    html = render_html(result)
    assert 'id="figure-forest"' not in html
    assert "Not shown: the fit did not converge, so the estimates are where the optimizer stopped." in html
    assert "Wald z tests" not in html  # no intervals are shown, so none are described
    for key in ("roc", "calibration", "probabilities", "confusion"):  # they describe predictions
        assert f'id="figure-{key}"' in html


def test_formatting_never_prints_negative_zero_and_keeps_odds_ratios_apart_from_1():
    from statreport.report import formatting

    for value in (-0.0, -1e-17, -3e-5):
        assert formatting.fixed(value) == "0.0000"
    assert formatting.number(-0.0) == "0.0000"
    assert formatting.fixed(-0.05) == "\u22120.0500"
    assert formatting.odds_ratio(0.0) == "1.000"
    assert formatting.odds_ratio(math.log(1.0000269)) == "1.000027"
    assert formatting.odds_ratio(math.log(0.9999731)) == "0.999973"
    assert formatting.odds_ratio(math.log(1.0004)) == "1.00040"
    assert formatting.odds_ratio(2.69e-10) == "1\u2009+\u20092.7\u00d710\u207b\u00b9\u2070"
    assert formatting.odds_ratio(-1e-17) == "1\u2009\u2212\u20091.0\u00d710\u207b\u00b9\u2077"  # exp() is 1.0
    assert formatting.odds_ratio(math.log(1.5)) == "1.500"
    assert formatting.odds_ratio(float("nan")) == formatting.DASH


def test_pseudo_r2_of_rounding_noise_below_zero_reads_0():
    import dataclasses

    result = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")
    noise = dataclasses.replace(result, pseudo_r2=dataclasses.replace(
        result.pseudo_r2, mcfadden=-1e-17, cox_snell=-0.0, tjur=-3e-5))
    table = re.search(r'<table class="pseudo-r2">.*?</table>', render_html(noise, with_figures=False),
                      flags=re.S).group(0)
    assert table.count('<td class="num">0.0000</td>') == 3
    assert "\u2212" not in table and "\u00d710" not in table


def test_per_unit_note_names_a_scale_that_reads_plainly():
    frame = income_in_dollars_frame()
    result = statreport.fit("y ~ income", frame)
    html = render_html(result, with_figures=False)
    row = result.coefficient_rows[1]
    assert 1e-5 < row.estimate < 1e-4
    assert f'<td class="num">{math.exp(row.estimate):.6f}</td>' in html  # 1.00003, not 1.000
    assert "Per 10\u2009000 units of <code>income</code> it is" in html
    assert "<code>I(income / 10000)</code>" in html
    assert '<table class="coefficients wide short">' in html
    anes = statreport.fit("vote ~ age + self_lr", EXAMPLES / "anes96.csv", positive="Dole")
    assert 'class="note per-unit"' not in render_html(anes, with_figures=False)


def test_notebook_fragment_has_no_document_wrapper():
    fragment = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")._repr_html_()
    assert "<html" not in fragment and 'class="statreport"' in fragment


def test_wide_numbers_are_told_by_the_number_cells_only():
    from statreport.report.sections.coefficient_table import coefficient_table
    from statreport.result import Coefficient

    def flags(estimate: float, term: str = "x") -> tuple[str, ...]:
        row = Coefficient(term, estimate, 0.1, 1.0, 0.5, estimate - 0.2, estimate + 0.2,
                          math.exp(estimate), math.exp(estimate - 0.2), math.exp(estimate + 0.2))
        return coefficient_table((row,), (), ci_level=0.95, inferential=True).flags

    assert "wide" in flags(2.7e-5)  # scientific notation
    assert "wide" in flags(-12345.6789)  # five digits before the point
    assert "wide" not in flags(-1234.5678)
    assert "wide" not in flags(0.5, term="area_10000.5 \u00d710")  # the term's text is not a number


def test_long_term_labels_wrap_in_their_column_and_numbers_do_not():
    rng = np.random.default_rng(8)
    n = 200
    frame = pd.DataFrame({
        "y": rng.integers(0, 2, n),
        "household_income_in_us_dollars_before_tax_2023": rng.normal(60_000, 20_000, n),
    })
    html = render_html(statreport.fit("y ~ household_income_in_us_dollars_before_tax_2023", frame),
                       with_figures=False)
    assert '<table class="coefficients wide short">' in html
    css = "".join(re.findall(r"<style>(.*?)</style>", html, flags=re.S))
    term = re.search(r"\.statreport td\.term \{([^}]*)\}", css).group(1)
    assert "overflow-wrap: anywhere" in term and "nowrap" not in term
    assert re.search(r"\.statreport td\.num, \.statreport th\.num \{[^}]*white-space: nowrap", css)
    tutorial = render_html(statreport.fit("y ~ x", EXAMPLES / "tutorial.csv"), with_figures=False)
    assert '<table class="coefficients short">' in tutorial


def test_few_events_per_slope_are_pointed_out():
    tutorial = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")  # 3 non-events, 1 slope
    assert tutorial.fit.events_per_parameter == 3.0
    html = render_html(tutorial, with_figures=False)
    assert "Rarer outcome per slope</th><td>3.0 <span class=\"caution\">(fewer than 10" in html
    anes = statreport.fit("vote ~ age + self_lr", EXAMPLES / "anes96.csv", positive="Dole")
    assert anes.fit.events_per_parameter == 393 / 2
    assert "caution" not in render_html(anes, with_figures=False).split("</style>")[-1]


def _rare_events(n: int = 2000) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    x = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(4.5 - 0.5 * x))).astype(int)  # about 1% events
    return pd.DataFrame({"x": x, "y": y})


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.split("</style>")[-1]).split())


def test_a_threshold_that_puts_every_row_in_one_class_says_so_under_the_table():
    frame = _rare_events()
    rate = frame["y"].mean()
    result = statreport.fit("y ~ x", frame)
    assert result.classification.tp + result.classification.fp == 0
    text = _text(render_html(result, with_figures=False))
    assert ("Every row is predicted 0: no fitted probability is greater than 0.5. Accuracy is then "
            f"the share of 0s ({1 - rate:.4f}), sensitivity is 0 and PPV is undefined. To classify, "
            f"choose a threshold nearer the event rate ({rate:.3g})") in text

    low = statreport.fit("y ~ x", frame, threshold=0.0001)
    assert low.classification.tn + low.classification.fn == 0
    assert ("Every row is predicted 1: every fitted probability is greater than 0.0001. Accuracy is "
            f"then the share of 1s ({rate:.4f}), specificity is 0 and NPV is undefined."
            ) in _text(render_html(low, with_figures=False))
    tutorial = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")
    assert "Every row is predicted" not in render_html(tutorial, with_figures=False)


def test_z_has_two_decimals_however_small():
    import dataclasses

    result = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")
    rows = list(result.coefficient_rows)
    rows[1] = dataclasses.replace(rows[1], z=-0.0035)
    html = render_html(dataclasses.replace(result, coefficient_rows=tuple(rows)))
    x_row = html[html.index('title="x"'):]
    cells = re.findall(r'<td class="num">([^<]*)</td>', x_row[:x_row.index("</tr>")])
    assert cells[2] == "0.00"  # estimate, standard error, z: not "-3.5x10^-3"


def test_settings_and_tolerances_are_written_without_padding():
    ridge = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv", penalty="l2", alpha=0.02)
    text = _text(render_html(ridge, with_figures=False))
    assert "alpha 0.02 (given)" in text  # not 0.020000
    assert "glmnet lambda = 0.02; scikit-learn C = 5 " in text  # C = 1 / (10 rows x 0.02), not 5.000000
    assert "(tolerance 1×10⁻⁵)" in text


def test_level_and_interaction_columns_are_named_for_readers():
    from statreport.report.figures import forest_labels
    from statreport.result import CategoricalInfo, term_namer

    group = CategoricalInfo(term="C(group)", variable="group", reference="a",
                            levels=("a", "b:c", "Don't know", "c (d", "[e"))
    name = term_namer((group,))
    assert name("C(group)[T.b:c]") == "group: b:c"
    assert name("x:C(group)[T.b:c]") == "x \u00d7 group: b:c"  # the colon inside the brackets stays
    assert name("C(group)[T.b:c]:x:z") == "group: b:c \u00d7 x \u00d7 z"
    for level in ("Don't know", "c (d", "[e"):  # quotes and brackets inside a level
        assert name(f"C(group)[T.{level}]:x") == f"group: {level} \u00d7 x"
    assert name("x:z") == "x:z" and name("I(x ** 2)") == "I(x ** 2)"  # no level: as written

    rng = np.random.default_rng(9)
    frame = pd.DataFrame({"x": rng.normal(size=300), "group": rng.choice(["ctrl", "treat"], 300)})
    frame["y"] = (rng.random(300) < 0.5).astype(int)
    result = statreport.fit("y ~ x * C(group)", frame)
    assert [row.term for row in result.coefficient_rows][-1] == "x:C(group)[T.treat]"
    text = _text(render_html(result, with_figures=False))
    assert "x \u00d7 group: treat" in text and "x:C(group)" not in text.split("Data and provenance")[0]
    assert forest_labels(result).labels[-1] == "x \u00d7 group: treat"


def test_a_separated_terms_row_shows_where_it_tends_not_where_newton_stopped():
    from conftest import GLM_REFERENCE, statreport_warnings_only

    with statreport_warnings_only():
        result = statreport.fit("y ~ age + C(site)", GLM_REFERENCE / "separation" / "site_separation.csv")
    separated = [row for row in result.coefficient_rows if row.separated]
    assert separated and all(row.estimate < -10 for row in separated)  # sites without events
    html = render_html(result, with_figures=False)
    for row in separated:
        cells = html[html.index(f'title="{row.term}"'):]
        cells = re.findall(r'<td class="num">([^<]*)</td>', cells[:cells.index("</tr>")])
        assert cells[0].endswith(" (0)")  # n (events): no events at that site
        assert cells[1] == "\u2192 \u2212\u221e" and cells[-3] == "\u2192 0"
        assert f"{row.estimate:.4f}".replace("-", "\u2212") not in html


def test_spline_columns_are_said_to_be_read_together():
    rng = np.random.default_rng(12)
    frame = pd.DataFrame({"x": rng.normal(size=400), "z": rng.normal(size=400)})
    frame["y"] = (rng.random(400) < 1 / (1 + np.exp(-frame["x"] ** 2 + 1))).astype(int)
    text = _text(render_html(statreport.fit("y ~ bs(x, df=4) + z", frame), with_figures=False))
    assert "bs(x, df=4) is a basis of several columns: each coefficient and odds ratio belongs" in text
    interaction = _text(render_html(statreport.fit("y ~ bs(x, df=3):z + z", frame), with_figures=False))
    assert "bs(x, df=3) is a basis of several columns" in interaction
    plain = _text(render_html(statreport.fit("y ~ x + z", frame), with_figures=False))
    assert "is a basis" not in plain


ANES_FORMULA = "vote ~ C(party, Treatment('independent')) + age + education + self_lr"


@pytest.fixture(scope="module")
def anes():
    return statreport.fit(ANES_FORMULA, EXAMPLES / "anes96.csv", positive="Dole")


def _columns(table) -> int:  # type: ignore[no-untyped-def]
    """The columns a table's header spans (its first header row; the second only splits)."""
    return sum(c.colspan for c in table.header[0].cells)


@pytest.mark.parametrize(("inferential", "tests"), [(True, "wald"), (True, "lr"), (False, "wald")])
@pytest.mark.parametrize("counted", [True, False])
def test_reference_level_rows_keep_every_column_aligned(anes, inferential, tests, counted):
    """MLE, Firth's (LR p-values) and a penalized fit's table, with and without counts:
    every row spans the header's columns, and the odds ratio of 1 sits in the odds-ratio column."""
    from statreport.report.sections.coefficient_table import REFERENCE, coefficient_table

    table = coefficient_table(anes.coefficient_rows, anes.model.categoricals, ci_level=0.95,
                              inferential=inferential, tests=tests, levels=anes.levels if counted else ())
    width = _columns(table)
    assert width == (10 if inferential else 3) + counted
    assert all(sum(c.colspan for c in row.cells) == width for row in table.rows)
    header = [c.content.plain for c in table.header[0].cells]
    assert ("n (events)" in header) is counted
    odds_ratio = sum(c.colspan for c in table.header[0].cells[:header.index("Odds ratio")])  # its column
    references = [row for row in table.rows if any(c.content.plain == REFERENCE for c in row.cells)]
    assert [row.cells[0].content.plain for row in references] == ["independent", "college"]
    for row in references:
        assert row.cells[odds_ratio].content.plain == "1.000"
        assert row.cells[1 + counted].content.plain in ("", REFERENCE)  # no estimate
    headings = [row.cells[0].content.plain for row in table.rows if row.group]
    assert headings == ["party", "education"]


def test_each_level_row_shows_its_n_and_events(anes):
    html = render_html(anes, with_figures=False)
    text = _text(html)
    assert "n (events)" in text
    assert "party independent 37 (11) 1.000 (reference) independent democrat 108 (7) \u22121.7385" in text
    assert "education college 90 (37) 1.000 (reference) grade school 13 (3)" in text
    assert "(reference: " not in text  # the heading is the variable's name alone
    age = html[html.index('title="age"'):]
    assert re.findall(r"<td[^>]*>([^<]*)</td>", age[:age.index("</tr>")])[0] == ""  # numeric: no count
    counts = {(c.variable, c.level): (c.n, c.events) for c in anes.levels}
    assert sum(n for n, _ in counts.values()) == 2 * anes.fit.n_obs  # two categoricals, every row in each


def test_a_model_without_categoricals_has_no_counts_column():
    html = render_html(statreport.fit("y ~ x", EXAMPLES / "tutorial.csv"), with_figures=False)
    assert "n (events)" not in html and "(reference)" not in html
