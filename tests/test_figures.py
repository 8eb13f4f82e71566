"""Figures, tested on the data behind them (and their SVG text), not on pixels."""

from __future__ import annotations

import json
import math
import re
import time

import numpy as np
import pandas as pd
import pytest
from conftest import (
    EXAMPLES,
    GLM_REFERENCE,
    income_in_dollars_frame,
    quasi_separated_frame,
    statreport_warnings_only,
)
from matplotlib.lines import Line2D
from sklearn.metrics import roc_auc_score

import statreport
from statreport.curves import calibration_bins, full_roc, probability_histogram, rank, roc_curve
from statreport.report import figures, render_figures
from statreport.report.figures import style
from statreport.report.figures.legends import _crosses
from statreport.report.figures.probabilities import _probability_labels
from statreport.report.figures.text import text_width
from statreport.report.figures.ticks import _tick_text, plain_log_ticks


def figure_plan(result):  # type: ignore[no-untyped-def]
    """(key, title, caption, draw) of each figure the report's document lists, in order."""
    from statreport.report.sections import build_document

    return [(spec.key, spec.title, spec.caption, spec.draw) for spec in build_document(result).figures]


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


def test_probability_axes_stop_where_the_values_do():
    from statreport.curves import probability_span

    assert probability_span([0.001, 0.03]) == (0.0, 0.05)  # 0.03 x 1.05 <= 0.05
    assert probability_span([0.001, 0.03, 0.25]) == (0.0, 0.5)  # 0.25 x 1.05 > 0.2
    assert probability_span([0.97, 0.999]) == (0.95, 1.0)  # a very common outcome
    assert probability_span([0.1, 0.9]) == (0.0, 1.0)
    assert probability_span([]) == (0.0, 1.0)


def test_the_calibration_axes_make_room_for_group_rates_and_the_histogram_does_not():
    rng = np.random.default_rng(6)
    x = np.sort(rng.uniform(-1, 1, 400))
    frame = pd.DataFrame({"x": x, "y": (np.arange(400) % 40 == 0).astype(int)})  # 10 events, 2.5%
    frame.loc[[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "y"] = 1  # the lowest x: a group rate near 1/4
    result = statreport.fit("y ~ x", frame)
    rates = [b.observed_rate for b in result.figures.calibration]
    assert max(rates) > 0.2 and result.figures.span == (0.0, 0.5)
    hist = result.figures.histogram
    assert hist.edges[-1] < 0.5  # the predictions alone
    captions = {key: caption for key, _, caption, _ in figure_plan(result)}
    assert captions["calibration"].endswith(
        "Both axes run from 0 to 0.5, the range of the predictions and the groups' event rates.")
    assert captions["probabilities"].endswith(f"The axis runs from 0 to {hist.edges[-1]:g}, the range of "
                                              "the predictions.")


def test_a_rare_outcomes_histogram_and_calibration_fill_their_axes(monkeypatch):
    result = statreport.fit("y ~ x", rare_events())
    assert result.figures.span == (0.0, 0.05)
    hist = result.figures.histogram
    assert (hist.edges[0], hist.edges[-1]) == (0.0, 0.05)
    assert sum(hist.events) + sum(hist.non_events) == result.fit.n_obs
    figure, _ = _drawn(figures.probability_plot, result, monkeypatch)
    (ax,) = figure.axes
    assert ax.get_xlim() == (0.0, 0.05)
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "threshold 0.5 (off the axis)"
    assert not [line for line in ax.lines if list(line.get_xdata()) == [0.5, 0.5]]
    figure, _ = _drawn(figures.calibration_plot, result, monkeypatch)
    (ax,) = figure.axes
    assert ax.get_xlim() == (0.0, 0.05)
    captions = {key: caption for key, _, caption, _ in figure_plan(result)}
    assert captions["calibration"].endswith(
        "Both axes run from 0 to 0.05, the range of the predictions and the groups' event rates.")
    assert "from 0 to" not in dict((k, c) for k, _, c, _ in figure_plan(
        statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")))["calibration"]


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
    assert {f.key for f in render_figures(result)} == {
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
    return all(text_width([line], size) <= width * 1.01 for line in label.split("\n"))


@pytest.mark.parametrize("text", LONG_LABELS[:3])
def test_fit_label_wraps_a_long_label_into_even_lines_keeping_every_character(text):
    fitted = figures.fit_label(text, 3.0)
    lines = fitted.split("\n")
    assert len(lines) == 2 and _lines_fit(fitted, 3.0)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    widths = [text_width([line]) for line in lines]
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
    long = "regional health authority district of residence: district number 01 (north)"
    for label in (figures.fit_label(long, 1.6), figures.fit_label(long, 2.0, lines=1, size=7)):
        before, after = label.split(figures.ELLIPSIS)  # the ellipsis stands for whole words
        assert long.endswith(after) and not long[len(long) - len(after) - 1].isalnum(), label
        assert long[len(before.replace("\n", " ").rstrip())] == " ", label
    assert figures.fit_label("regional health authority", 0.1, lines=1, size=7) == figures.ELLIPSIS
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
        text_width([line]) for t in ticks.labels for line in t.split("\n")))
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
    rendered = render_figures(result)
    assert len(rendered) == 6 and time.perf_counter() - started < 30  # sanity, not a benchmark


def test_no_forest_plot_of_a_fit_that_did_not_converge_but_the_prediction_figures_stay():
    with pytest.warns(statreport.StatReportWarning):
        result = statreport.fit("y ~ x + g", quasi_separated_frame())
    assert not result.fit.converged
    assert figures.forest_withheld(result).startswith("the fit did not converge")
    assert [f.key for f in render_figures(result)] == [
        "roc", "calibration", "probabilities", "confusion"]


def test_converged_fit_keeps_its_forest_plot(challenger):
    assert figures.forest_withheld(challenger) is None
    assert "forest" in [f.key for f in render_figures(challenger)]


def _ticks(values, **options):
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    ax.set_xscale("log")
    plain_log_ticks(ax, values, **options)
    locations = [t for t in ax.xaxis.get_majorticklocs()]
    formatter = ax.xaxis.get_major_formatter()
    return locations, [formatter(t, i) for i, t in enumerate(locations)], ax.get_xlim()


def test_forest_ticks_mark_both_ends_of_the_range():
    # 1-2-5 ticks for 0.8 to 1.47 were 0.8, 0.9 and 1: nothing right of 1 (a lasso's odds ratios)
    locations, _, _ = _ticks([0.8, 1.02, 1.47], around_one=True)
    assert min(locations) <= 0.8 * 1.1 and max(locations) >= 1.47 / 1.25


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
    assert texts == [_tick_text(t, 2) for t in locations]
    assert all(float(text) == pytest.approx(t) for text, t in zip(texts, locations, strict=True))


def test_forest_caption_points_to_the_note_for_a_per_unit_odds_ratio_close_to_1():
    frame = income_in_dollars_frame()
    caption = figures.forest_caption(statreport.fit("y ~ income", frame))
    assert "Per unit of income the odds ratio is too close to 1" in caption
    assert "Per unit" not in figures.forest_caption(
        statreport.fit("vote ~ age + self_lr", EXAMPLES / "anes96.csv", positive="Dole"))


# --- Layout: end labels of the coefficient path, and legends clear of the data ---

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.lists(st.floats(-50, 250, allow_nan=False), max_size=30), st.floats(2, 12))
def test_spread_labels_keep_a_minimum_gap_within_the_bounds_and_in_order(targets, gap):
    low, high = 0.0, 200.0
    placed = figures.spread_labels(targets, gap, low, high)
    assert len(placed) == len(targets)
    assert all(low - 1e-9 <= p <= high + 1e-9 for p in placed)
    order = sorted(range(len(targets)), key=lambda i: (targets[i], i))
    steps = [placed[b] - placed[a] for a, b in zip(order, order[1:], strict=False)]
    assert all(step >= min(gap, (high - low) / max(len(targets) - 1, 1)) - 1e-9 for step in steps)


def test_spread_labels_leave_labels_apart_alone_and_centre_a_crowd_on_its_targets():
    assert figures.spread_labels([10.0, 50.0, 90.0], 8.5, 0, 100) == [10.0, 50.0, 90.0]
    crowd = figures.spread_labels([50.0, 50.0, 50.0], 8.5, 0, 100)  # three paths ending at 0
    assert crowd == pytest.approx([41.5, 50.0, 58.5])
    at_bottom = figures.spread_labels([0.0, 0.0, 1.0], 8.5, 0, 100)
    assert at_bottom == pytest.approx([0.0, 8.5, 17.0])


def _svg_renderer(figure):
    """The figure laid out as its SVG is (72 dpi, points), and an SVG renderer to measure it:
    Agg hints text, and measures it some 5% narrower than the SVG the report shows."""
    import io

    from matplotlib.backends.backend_svg import RendererSVG

    figure.set_dpi(72)
    figure.savefig(io.BytesIO(), format="svg")  # applies the axes' aspect, places the legend
    width, height = figure.get_size_inches() * 72
    return RendererSVG(width, height, io.StringIO())


def _drawn(plot, result, monkeypatch):
    """The matplotlib figure ``plot`` draws for ``result``, and a renderer to measure it."""
    kept = []
    monkeypatch.setattr(style, "_to_svg", lambda figure: kept.append(figure) or b"")
    plot(result)
    (figure,) = kept
    return figure, _svg_renderer(figure)


@pytest.fixture(scope="module")
def lasso():
    return statreport.fit("vote ~ age + income + self_lr + tv_news + log_popul", EXAMPLES / "anes96.csv",
                          positive="Dole", penalty="l1", alpha="cv")


def test_path_end_labels_are_spread_apart_inside_the_figure_with_leaders_to_moved_ones(
        lasso, monkeypatch):
    layout = figures.path_layout(lasso)
    by_term = dict(zip(lasso.method_details.cv.path_terms, layout.placed, strict=True))
    assert abs(by_term["age"] - by_term["tv_news"]) >= figures.PATH_LABEL_GAP - 1e-9
    figure, renderer = _drawn(figures.path_plot, lasso, monkeypatch)
    (ax,) = figure.axes
    boxes = sorted((t.get_window_extent(renderer) for t in ax.texts), key=lambda b: b.y0)
    assert len(boxes) == 5
    for below, above in zip(boxes, boxes[1:], strict=False):  # drawn text never overlaps
        assert above.y0 >= below.y1 - 0.5, (below, above)
    whole = figure.bbox
    assert all(whole.x0 <= b.x0 and b.x1 <= whole.x1 and whole.y0 <= b.y0 and b.y1 <= whole.y1
               for b in boxes)
    leaders = [line for line in ax.lines if line.get_label() == "_leader"]
    assert len(leaders) == 2  # to age and tv_news; the others end far enough apart
    ends = {t.get_text(): t.get_window_extent(renderer) for t in ax.texts}
    for leader in leaders:  # from a path's end to the left of its label, at the label's middle
        (x0, y0), (x1, y1) = leader.get_transform().transform(leader.get_xydata())
        (label,) = [name for name, box in ends.items()
                    if abs(box.y0 + box.height / 2 - y1) < 0.5 and 0 < box.x0 - x1 < 3]
        assert label in {"age", "tv_news"}
        assert x0 < x1 and abs(y1 - y0) > 0.5


def test_path_figure_grows_when_its_labels_need_more_height():
    rng = np.random.default_rng(7)
    n = 600
    frame = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(40)})
    frame["y"] = (rng.random(n) < 1 / (1 + np.exp(-frame["x0"]))).astype(int)
    result = statreport.fit("y ~ " + " + ".join(f"x{i}" for i in range(40)), frame,
                            penalty="l1", alpha="cv")
    layout = figures.path_layout(result)
    height = layout.legend.size[1] - layout.legend.margins.bottom - layout.legend.margins.top
    assert height * 72 >= 39 * figures.PATH_LABEL_GAP
    placed = sorted(layout.placed)
    assert min(b - a for a, b in zip(placed, placed[1:], strict=False)) >= figures.PATH_LABEL_GAP - 1e-9
    # 40 lines, 10 colours: neighbouring labels never share one, and the lines carry their label's
    by_height = [layout.colours[j] for j in sorted(range(40), key=lambda j: layout.placed[j])]
    assert all(by_height[i] != by_height[i + k] for i in range(40) for k in range(1, 10) if i + k < 40)


def test_the_path_and_cv_plots_run_from_strong_to_weak_penalty_with_room_for_their_labels(
        lasso, monkeypatch):
    for plot in (figures.cv_plot, figures.path_plot):
        figure, renderer = _drawn(plot, lasso, monkeypatch)
        (ax,) = figure.axes
        left, right = ax.get_xlim()
        assert left > right and ax.get_xlabel() == "alpha (log scale, decreasing)"
        label = ax.yaxis.label.get_window_extent(renderer)
        assert figure.bbox.x0 <= label.x0, (plot.__name__, label)  # the axis label is not cut
    figure, _ = _drawn(figures.path_plot, lasso, monkeypatch)
    (ax,) = figure.axes
    paths = [line for line in ax.lines if len(line.get_xdata()) == len(lasso.method_details.cv.alphas)]
    colours = figures.path_layout(lasso).colours
    assert [line.get_color() for line in paths] == [figures.PATH_COLOURS[c] for c in colours]


def test_legend_corner_takes_the_first_free_corner_and_else_goes_below():
    size, axes = (60.0, 20.0), (200.0, 200.0)
    corners = ("upper left", "lower right")
    diagonal = [(0.0, 0.0, 1.0, 1.0)]
    assert figures.legend_corner(diagonal, size, axes, corners=corners, fontsize=9) == "upper left"
    curve = [*diagonal, (0.0, 0.9, 0.3, 0.95)]  # through the upper left
    assert figures.legend_corner(curve, size, axes, corners=corners, fontsize=9) == "lower right"
    both = [*curve, (0.5, 0.05, 1.0, 0.05)]
    assert figures.legend_corner(both, size, axes, corners=corners, fontsize=9) == figures.BELOW
    too_wide = (300.0, 20.0)
    assert figures.legend_corner([], too_wide, axes, corners=corners, fontsize=9) == figures.BELOW


@pytest.mark.parametrize(("texts", "fontsize"), [
    (["observed 0 (Clinton), n = 551", "observed 1 (Dole), n = 393", "threshold 0.5"], 7.5),
    (["chance", "model (AUC = 0.905)"], 9.0),
])
def test_legend_size_is_the_size_matplotlib_draws_in_svg(texts, fontsize):
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    with matplotlib.rc_context(figures.RC):
        figure = Figure()
        FigureCanvasSVG(figure)
        ax = figure.add_subplot()
        for text in texts:
            ax.plot([0, 1], [0, 1], label=text)
        legend = ax.legend(fontsize=fontsize)
        box = legend.get_window_extent(_svg_renderer(figure))
    width, height = figures.legend_size(texts, fontsize)
    assert box.width == pytest.approx(width, abs=0.5)
    assert box.height == pytest.approx(height, abs=0.5)


def _data_segments(ax):
    """Every drawn line and bar outline of ``ax``, as display-space segments."""
    segments = []
    for artist in [*ax.lines, *ax.patches]:
        vertices = artist.get_transform().transform(artist.get_path().vertices)
        segments += [(*a, *b) for a, b in zip(vertices, vertices[1:], strict=False)]
    return segments


def rare_events(n: int = 5000, seed: int = 3) -> pd.DataFrame:
    """About 1% events: every fitted probability below 0.05."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=n)  # P(y = 1) from 0.7% to 1.8%
    y = (rng.random(n) < 1 / (1 + np.exp(4.5 - 0.5 * x))).astype(int)
    return pd.DataFrame({"x": x, "y": y})


LEGEND_CASES = {
    "anes": ("vote ~ C(party, Treatment('independent')) + age + education + self_lr", "anes96.csv",
             {"positive": "Dole"}),
    "tutorial": ("y ~ x", "tutorial.csv", {}),
    "rare": ("poor_health ~ disea + physlm + mdvis", "randhie.csv", {"threshold": 0.1}),
    "zoomed": ("y ~ x", rare_events, {}),  # probability axes from 0 to 0.05, threshold off them
}


@pytest.fixture(scope="module", params=sorted(LEGEND_CASES))
def legend_case(request):
    formula, data, options = LEGEND_CASES[request.param]
    return statreport.fit(formula, EXAMPLES / data if isinstance(data, str) else data(), **options)


@pytest.mark.parametrize("plot", ["roc_plot", "calibration_plot", "probability_plot"])
def test_legend_covers_no_data_line_bar_or_threshold(legend_case, plot, monkeypatch):
    figure, renderer = _drawn(getattr(figures, plot), legend_case, monkeypatch)
    (ax,) = figure.axes
    box = ax.get_legend().get_window_extent(renderer)
    assert figure.bbox.x0 <= box.x0 and box.x1 <= figure.bbox.x1
    assert figure.bbox.y0 <= box.y0 and box.y1 <= figure.bbox.y1
    bounds = (box.x0, box.y0, box.x1, box.y1)
    crossing = [s for s in _data_segments(ax) if _crosses(s, bounds)]
    assert not crossing, (plot, crossing[:3])
    if box.y1 <= ax.bbox.y0:  # below the axes: clear of the tick labels and the axis label too
        assert box.y1 <= ax.xaxis.get_tightbbox(renderer).y0


def _drawn_marks(ax):
    """What a legend on ``ax`` must not cover, in display space: the segments of drawn
    lines, bars and filled bands, and each marker of a markers-only line as a point."""
    marks = []
    for artist in [*ax.lines, *ax.patches]:
        vertices = artist.get_transform().transform(artist.get_path().vertices)
        if isinstance(artist, Line2D) and artist.get_linestyle() in ("None", "none", " ", ""):
            marks += [(*v, *v) for v in vertices]
        else:
            marks += [(*a, *b) for a, b in zip(vertices, vertices[1:], strict=False)]
    for collection in ax.collections:  # fill_between's band
        for path in collection.get_paths():
            vertices = collection.get_transform().transform(path.vertices)
            marks += [(*a, *b) for a, b in zip(vertices, vertices[1:], strict=False)]
    return marks


EFFECT_CASES = {
    "tutorial": ("y ~ x", "tutorial.csv", {}),  # every observation drawn, rising
    "falling": ("vote ~ self_lr", "anes96.csv", {"positive": "Clinton"}),  # falls, 7 x values
    "binned": ("poor_health ~ mdvis", "randhie.csv", {}),  # 20,190 rows: binned proportions
}


@pytest.mark.parametrize("case", sorted(EFFECT_CASES))
def test_the_effect_plots_legend_covers_no_point_curve_or_boundary(case, monkeypatch):
    formula, data, options = EFFECT_CASES[case]
    with statreport_warnings_only():
        result = statreport.fit(formula, EXAMPLES / data, **options)
    figure, renderer = _drawn(figures.effect_plot, result, monkeypatch)
    left = figure.axes[0]
    box = left.get_legend().get_window_extent(renderer)
    assert figure.bbox.x0 <= box.x0 and box.x1 <= figure.bbox.x1 and figure.bbox.y0 <= box.y0
    crossing = [m for m in _drawn_marks(left) if _crosses(m, (box.x0, box.y0, box.x1, box.y1))]
    assert not crossing, (case, figures.effect_legend(result).corner, crossing[:3])


def test_the_cv_plots_legend_covers_no_band_curve_or_chosen_alpha(lasso, monkeypatch):
    figure, renderer = _drawn(figures.cv_plot, lasso, monkeypatch)
    (ax,) = figure.axes
    box = ax.get_legend().get_window_extent(renderer)
    assert figure.bbox.x0 <= box.x0 and box.x1 <= figure.bbox.x1 and figure.bbox.y0 <= box.y0
    crossing = [m for m in _drawn_marks(ax) if _crosses(m, (box.x0, box.y0, box.x1, box.y1))]
    assert not crossing, (figures.cv_legend(lasso).corner, crossing[:3])


def test_the_histogram_legend_goes_below_when_both_upper_corners_hold_data(monkeypatch):
    anes = statreport.fit("vote ~ C(party, Treatment('independent')) + age + education + self_lr",
                          EXAMPLES / "anes96.csv", positive="Dole")
    place = figures.probability_legend(anes)
    assert place.corner == figures.BELOW and place.size[1] > figures.SQUARE[1]
    rare = statreport.fit("poor_health ~ disea + physlm + mdvis", EXAMPLES / "randhie.csv", threshold=0.1)
    assert figures.probability_legend(rare).corner == "upper right"


def test_figures_write_counts_as_the_tables_do(monkeypatch):
    # thousands with a thin space, as the report's tables: "1 630", not "1,630"
    randhie = statreport.fit("poor_health ~ disea + physlm + mdvis", EXAMPLES / "randhie.csv", threshold=0.1)
    c = randhie.classification
    figure, _ = _drawn(figures.confusion_plot, randhie, monkeypatch)
    texts = [t.get_text().split("\n")[0] for t in figure.axes[0].texts]
    assert texts == [f"{n:,}".replace(",", "\u2009") for n in (c.tn, c.fp, c.fn, c.tp)]
    legend = _probability_labels(randhie)
    assert legend[0].endswith(f"n = {c.tn + c.fp:,}".replace(",", "\u2009"))


def test_the_confusion_heatmap_names_the_classes_when_they_are_labels(monkeypatch):
    anes = statreport.fit("vote ~ age + self_lr", EXAMPLES / "anes96.csv", positive="Dole")
    figure, _ = _drawn(figures.confusion_plot, anes, monkeypatch)
    (ax,) = figure.axes
    assert ax.get_xlabel() == "Predicted (0 = Clinton, 1 = Dole)"
    assert ax.get_ylabel() == "Observed (0 = Clinton, 1 = Dole)"
    tutorial = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")
    figure, _ = _drawn(figures.confusion_plot, tutorial, monkeypatch)
    assert figure.axes[0].get_xlabel() == "Predicted"


# --- The palette, shared with the stylesheets ---


def _stylesheets() -> dict[str, str]:
    from importlib.resources import files

    return {name: (files("statreport") / "templates" / name).read_text(encoding="utf-8")
            for name in ("report.css", "print.css")}


def test_the_stylesheets_take_the_figures_colours_from_the_python_palette_defined_once():
    block = style.css_custom_properties()
    assert re.fullmatch(r"\.statreport \{ (--[a-z-]+: #[0-9a-f]{6}; )+\}", block), block
    from_python = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6});", block))
    assert from_python == {"ink": style.INK, "blue": style.BLUE, "orange": style.ORANGE,
                           "grey": style.GREY} == style.PALETTE
    assert style.RC["axes.edgecolor"] == style.INK
    sheets = _stylesheets()
    from_css = [name for css in sheets.values() for name in re.findall(r"--([a-z-]+)\s*:", css)]
    used = {name for css in sheets.values() for name in re.findall(r"var\(\s*--([a-z-]+)", css)}
    assert "ink" in used
    assert not set(from_python) & set(from_css)  # each colour defined once: in Python
    assert len(from_css) == len(set(from_css))
    assert used <= set(from_python) | set(from_css), used - set(from_python) - set(from_css)
    for name, css in sheets.items():
        assert not re.search(r"var\(\s*--[a-z-]+\s*,", css), name  # no fallback: a second definition
        for value in from_python.values():  # nor the colour written out
            assert value.lower() not in css.lower(), (name, value)
