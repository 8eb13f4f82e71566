"""The classic ten-observation tutorial example, against its published values."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES

import statreport


@pytest.fixture(scope="module")
def result():
    return statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")


def test_published_coefficients(result):
    b0, b1 = (row.estimate for row in result.coefficient_rows)
    assert b0 == pytest.approx(-1.972805, abs=5e-7)
    assert b1 == pytest.approx(0.822401, abs=5e-7)


def test_published_fit_statistics(result):
    assert round(result.pseudo_r2.mcfadden, 3) == 0.426
    assert round(result.fit.aic, 4) == 11.0094
    assert round(result.fit.bic, 4) == 11.6146
    assert round(result.fit.llr_p_value, 6) == 0.022485


def test_published_pred_table(result):
    assert result.pred_table.to_numpy().tolist() == [[2, 1], [1, 6]]
