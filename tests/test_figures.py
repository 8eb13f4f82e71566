"""Figures, tested on the data behind them (and their SVG text), not on pixels."""

from __future__ import annotations

import json
import math
import re
import time

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES, GLM_REFERENCE
from sklearn.metrics import roc_auc_score

import statreport
from statreport.curves import calibration_bins, full_roc, probability_histogram, rank, roc_curve
from statreport.report import figures


@pytest.fixture(scope="module")
def challenger():
    return statreport.fit("damage ~ temp_f", EXAMPLES / "challenger.csv")


def test_roc_points_span_the_unit_square_and_integrate_to_the_auc(challenger):
    roc = challenger.figures.roc
    assert (roc.fpr[0], roc.tpr[0]) == (0.0, 0.0) and (roc.fpr[-1], roc.tpr[-1]) == (1.0, 1.0)
    assert all(np.diff(roc.fpr) >= 0) and all(np.diff(roc.tpr) >= 0)
    assert np.trapezoid(roc.tpr, roc.fpr) == pytest.approx(challenger.classification.auc, abs=1e-12)


def test_roc_is_thinned_for_large_data():
    rng = np.random.default_rng(0)
    p = rng.random(200_000)
    y = (rng.random(200_000) < p).astype(float)
    roc = roc_curve(y, p)
    assert len(roc.fpr) <= 400
    assert np.trapezoid(roc.tpr, roc.fpr) == pytest.approx(roc_auc_score(y, p), abs=2e-3)


def test_roc_from_the_shared_sort_is_scikit_learns_on_the_raw_rows():
    from sklearn.metrics import roc_curve as sk_roc_curve

    rng = np.random.default_rng(4)
    p = rng.integers(0, 50, 20_000) / 50  # heavy ties
    y = (rng.random(20_000) < p).astype(float)
    fpr, tpr, auc = full_roc(rank(y, p))
    expected_fpr, expected_tpr, _ = sk_roc_curve(y, p)
    np.testing.assert_array_equal(fpr, expected_fpr)
    np.testing.assert_array_equal(tpr, expected_tpr)
    assert auc == pytest.approx(roc_auc_score(y, p), rel=1e-15)


def test_calibration_bins_are_deciles_of_the_sorted_predictions():
    rng = np.random.default_rng(1)
    p = rng.random(1003)  # no ties
    y = (rng.random(1003) < p).astype(float)
    bins = calibration_bins(rank(y, p))
    frame = pd.DataFrame({"p": p, "y": y}).sort_values("p")
    groups = np.array_split(frame.to_numpy(), 10)
    assert [b.count for b in bins] == [len(g) for g in groups]
    np.testing.assert_allclose([b.mean_predicted for b in bins], [g[:, 0].mean() for g in groups],
                               rtol=1e-15)
    np.testing.assert_allclose([b.observed_rate for b in bins], [g[:, 1].mean() for g in groups],
                               rtol=1e-15)


def test_calibration_bins_of_fewer_rows_than_groups():
    assert calibration_bins(rank(np.array([]), np.array([]))) == ()
    (only,) = calibration_bins(rank(np.array([1.0]), np.array([0.3])))
    assert (only.mean_predicted, only.observed_rate, only.count) == (0.3, 1.0, 1)
    bins = calibration_bins(rank(np.array([0.0, 1.0, 1.0]), np.array([0.2, 0.6, 0.9])))
    assert [b.count for b in bins] == [2, 1]
    assert [b.observed_rate for b in bins] == [0.5, 1.0]


def test_calibration_bins_do_not_depend_on_the_order_of_tied_rows():
    rng = np.random.default_rng(2)
    p = rng.integers(1, 4, 1000) / 4  # three values: every group edge falls in a tie run
    y = (rng.random(1000) < p).astype(float)
    bins = calibration_bins(rank(y, p))
    shuffled = rng.permutation(1000)
    again = calibration_bins(rank(y[shuffled], p[shuffled]))
    assert [(b.mean_predicted, b.count) for b in again] == [(b.mean_predicted, b.count) for b in bins]
    np.testing.assert_allclose([b.observed_rate for b in again], [b.observed_rate for b in bins],
                               rtol=1e-12)
    assert sum(b.observed_rate * b.count for b in bins) == pytest.approx(y.sum())
    for b in bins:  # a group inside one tie run shows that run's event rate
        run = p == b.mean_predicted
        if run.any():
            assert b.observed_rate == pytest.approx(y[run].mean(), rel=1e-12)
    same = calibration_bins(rank(y, np.full(1000, 0.4)))  # an intercept-only model
    assert {round(b.observed_rate, 12) for b in same} == {round(y.mean(), 12)}


def test_histogram_counts_every_observation():
    y = np.array([0, 1, 1, 0, 1.0])
    p = np.array([0.0, 0.5, 1.0, 0.2, 0.99])
    hist = probability_histogram(y, p)
    assert sum(hist.events) == 3 and sum(hist.non_events) == 2
    assert hist.edges[0] == 0.0 and hist.edges[-1] == 1.0


def test_effect_curve_boundary_matches_r_coefficients(challenger):
    reference = json.loads((GLM_REFERENCE / "challenger.json").read_text())
    b0, b1 = (c["estimate"] for c in reference["coefficients"])
    effect = challenger.figures.effect
    assert effect.predictor == "temp_f" and not effect.binned
    assert effect.boundary == pytest.approx(-b0 / b1, rel=1e-6)
    assert effect.probability[0] == pytest.approx(1 / (1 + math.exp(-(b0 + b1 * 53))), rel=1e-6)
    assert len(effect.x) == 23


def test_no_effect_curve_for_several_predictors():
    result = statreport.fit("poor_health ~ disea + physlm", EXAMPLES / "randhie.csv")
    assert result.figures.effect is None
    assert {f.key for f in figures.render_figures(result)} == {
        "forest", "roc", "calibration", "probabilities", "confusion"}


def test_forest_plot_lists_terms_in_table_order_without_intercept():
    result = statreport.fit(
        "vote ~ C(party, Treatment('independent')) + age", EXAMPLES / "anes96.csv", positive="Dole")
    svg = figures.forest_plot(result).decode()
    labels = re.findall(r"text-anchor: end[^>]*>(party: [a-z ]+|age)</text>", svg)
    assert labels == ["party: independent democrat", "party: independent republican",
                      "party: strong democrat", "party: strong republican", "party: weak democrat",
                      "party: weak republican", "age"]
    assert "Intercept" not in svg


LONG_LABELS = [
    "household_income_in_us_dollars_before_tax_2023",
    "region: Northern metropolitan health authority district (urban core)",
    "region: Southern rural and coastal communities including islands",
    "x" * 90,
]


def _lines_fit(label: str, width: float, size: float | None = None) -> bool:
    # summed character advances can exceed the kerned width by a fraction of a point
    return all(figures._text_width([line], size) <= width * 1.01 for line in label.split("\n"))


@pytest.mark.parametrize("text", LONG_LABELS[:3])
def test_fit_label_wraps_a_long_label_into_even_lines_keeping_every_character(text):
    fitted = figures.fit_label(text, 3.0)
    lines = fitted.split("\n")
    assert len(lines) == 2 and _lines_fit(fitted, 3.0)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    widths = [figures._text_width([line]) for line in lines]
    assert min(widths) > 0.5 * max(widths)  # no orphan word on a line of its own
    assert figures.fit_label(text, 3.0) == fitted


def test_fit_label_shortens_the_middle_of_what_two_lines_cannot_hold():
    text = "region: " + " ".join(f"word{i}" for i in range(40)) + " (urban core)"
    fitted = figures.fit_label(text, 3.0)
    assert fitted.count("\n") == 1 and figures.ELLIPSIS in fitted and _lines_fit(fitted, 3.0)
    assert fitted.startswith("region: word0") and fitted.endswith("(urban core)")
    one = figures.fit_label(text, 2.3, lines=1, size=7)
    assert "\n" not in one and one.startswith("region:") and one.endswith("(urban core)")
    assert _lines_fit(one, 2.3, size=7)
    word = figures.fit_label("x" * 90, 3.0)  # one word: cut inside it
    assert word.count("\n") == 1 and _lines_fit(word, 3.0)


def test_fit_label_leaves_a_label_that_fits_alone():
    assert figures.fit_label("party: independent republican", 3.0) == "party: independent republican"


def test_forest_plot_margin_fits_its_wrapped_labels_and_no_text_is_lost():
    rng = np.random.default_rng(6)
    n = 300
    frame = pd.DataFrame({
        "y": rng.integers(0, 2, n),
        "household_income_in_us_dollars_before_tax_2023": rng.normal(size=n),
        "region": rng.choice(["East", LONG_LABELS[1][8:], LONG_LABELS[2][8:]], n),
    })
    result = statreport.fit(
        "y ~ household_income_in_us_dollars_before_tax_2023 + C(region, Treatment('East'))", frame)
    ticks = figures.forest_labels(result)
    assert ticks.lines == 2 and ticks.width <= figures.FOREST_LABEL_WIDTH * 1.01
    assert [t.replace("\n", "").replace(" ", "") for t in ticks.labels] == [
        t.replace(" ", "") for t in LONG_LABELS[:3]]
    assert ticks.width == pytest.approx(max(
        figures._text_width([line]) for t in ticks.labels for line in t.split("\n")))
    svg = figures.forest_plot(result).decode()
    groups = re.findall(r'<g id="ytick_\d+">.*?<g id="text_\d+">(.*?)</g>', svg, flags=re.S)
    assert [re.findall(r">([^<]*)</text>", g) for g in groups] == [t.split("\n") for t in ticks.labels]
    starts = [float(x) for x in re.findall(r"translate\((-?[\d.]+) ", "".join(groups))]
    assert starts and min(starts) >= 0  # each line of a wrapped label starts inside the figure
    axes_left = float(re.search(r'id="patch_2">\s*<path d="M ([\d.]+) ', svg).group(1))
    assert axes_left == pytest.approx((ticks.width + 0.2) * 72, abs=0.01)  # points


def test_dollar_signs_stay_literal_and_svg_is_deterministic():
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"$a$": rng.normal(size=80), "y": rng.integers(0, 2, 80)})
    result = statreport.fit("y ~ Q('$a$')", frame)
    first = figures.forest_plot(result)
    assert b"$a$" in first
    assert first == figures.forest_plot(result)
    assert b"<dc:date>" not in first


def test_large_data_figures_use_bins():
    rng = np.random.default_rng(3)
    n = 50_000
    x = rng.normal(size=n)
    frame = pd.DataFrame({"x": x, "y": (rng.random(n) < 1 / (1 + np.exp(-x))).astype(int)})
    result = statreport.fit("y ~ x", frame)
    assert result.figures.effect.binned and len(result.figures.effect.x) == 50
    started = time.perf_counter()
    rendered = figures.render_figures(result)
    assert len(rendered) == 6 and time.perf_counter() - started < 30  # sanity, not a benchmark


QUASI = pd.DataFrame({  # g = b predicts y = 1 but for one row; Newton does not converge
    "y": [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1],
    "x": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 5, 5],
    "g": list("aabbaabbaabb"),
})


def test_no_forest_plot_of_a_fit_that_did_not_converge_but_the_prediction_figures_stay():
    from statreport.result import FigureInputs

    with pytest.warns(statreport.StatReportWarning):
        result = statreport.fit("y ~ x + g", QUASI)
    assert not result.fit.converged
    assert figures.forest_withheld(result).startswith("the fit did not converge")
    assert [f.key for f in figures.render_figures(result)] == [
        "roc", "calibration", "probabilities", "confusion"]
    # drawn ahead, before convergence is known: the missing intervals tell the same
    ahead = FigureInputs(model=result.model, coefficient_rows=result.coefficient_rows,
                         classification=result.classification, ci_level=result.ci_level,
                         figures=result.figures)
    assert figures.forest_withheld(ahead) is not None
    assert "forest" not in [key for key, *_ in figures.figure_plan(ahead)]


def test_converged_fit_keeps_its_forest_plot(challenger):
    assert figures.forest_withheld(challenger) is None
    assert "forest" in [f.key for f in figures.render_figures(challenger)]


def _ticks(values, **options):
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    ax.set_xscale("log")
    figures._plain_log_ticks(ax, values, **options)
    locations = [t for t in ax.xaxis.get_majorticklocs()]
    formatter = ax.xaxis.get_major_formatter()
    return locations, [formatter(t, i) for i, t in enumerate(locations)], ax.get_xlim()


@pytest.mark.parametrize("values", [
    [1.0000002, 1.00000009, 1.00000034],  # per cent of income: the user's single tick "1"
    [0.99, 1.002, 1.03],
    [0.5, 2.0],
    [3.9e-95, 1.5e17, 3.5e8],
    [0.009, 0.3, 64.9],
])
def test_forest_axis_has_at_least_three_distinct_plain_ticks_whatever_the_range(values):
    locations, texts, (low, high) = _ticks(values, around_one=True)
    assert len(locations) >= 3 and len(set(texts)) == len(texts) and "1" in texts, texts
    assert min([*values, 1 / 1.05]) / 1.1 <= min(locations)
    assert max(locations) <= max([*values, 1.05]) * 1.1
    assert all("e+" not in t and "e-" not in t for t in texts), texts


def test_a_per_unit_odds_ratio_close_to_1_is_drawn_at_1_on_a_readable_axis():
    locations, texts, (low, high) = _ticks([1.0000002, 1.00000009, 1.00000034], around_one=True)
    assert low <= 1 / 1.05 and high >= 1.05 and all(low <= t <= high for t in locations)
    assert "1" in texts and len(texts) >= 3


def test_narrow_axis_ticks_are_written_exactly():
    locations, texts, _ = _ticks([0.97, 1.03])
    assert texts == [figures._tick_text(t, 2) for t in locations]
    assert all(float(text) == pytest.approx(t) for text, t in zip(texts, locations, strict=True))


def test_forest_caption_points_to_the_note_for_a_per_unit_odds_ratio_close_to_1():
    rng = np.random.default_rng(4)
    n = 400
    income = rng.normal(60_000, 20_000, n)
    frame = pd.DataFrame({"income": income,
                          "y": (rng.random(n) < 1 / (1 + np.exp(-3e-5 * (income - 60_000)))).astype(int)})
    caption = figures.forest_caption(statreport.fit("y ~ income", frame))
    assert "Per unit of income the odds ratio is too close to 1" in caption
    assert "Per unit" not in figures.forest_caption(
        statreport.fit("vote ~ age + self_lr", EXAMPLES / "anes96.csv", positive="Dole"))
