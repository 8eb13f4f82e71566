"""The fast paths give the numbers the reference path gives (1e-8 relative).

Reference path: the plain statsmodels formula API on a pandas DataFrame
(patsy design, statsmodels' own rank check, cold Newton start, its own llnull).
Fast path: pyarrow CSV, formulaic design built once, numpy arrays, warm starts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statreport
import statreport.crosscheck as crosscheck
import statreport.estimators.mle as estimate


@pytest.fixture(scope="module")
def benchmark_like(tmp_path_factory):
    rng = np.random.default_rng(20261122)
    n = 30_000
    frame = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(1, 5)})
    frame["age"] = rng.integers(18, 91, n)
    frame["region"] = rng.choice(["north", "south", "east", "west", "central"], n)
    eta = -1.0 + 0.5 * frame["x1"] - 0.3 * frame["x2"] + 0.01 * frame["age"]
    frame["y"] = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    path = tmp_path_factory.mktemp("bench") / "synth.csv"
    frame.to_csv(path, index=False)
    return frame, path


def test_fast_path_matches_plain_statsmodels(benchmark_like, monkeypatch):
    import statsmodels.formula.api as smf

    frame, path = benchmark_like
    formula = "y ~ x1 + x2 + x3 + x4 + age + C(region)"
    monkeypatch.setattr(estimate, "WARM_START_ROWS", 1_000)  # exercise the warm start
    monkeypatch.setattr(crosscheck, "SUBSAMPLE_ROWS", 5_000)
    ours = statreport.fit(formula, path)
    reference = smf.logit(formula, frame).fit(disp=0, method="newton", tol=1e-12)
    mine = ours.coefficients
    order = list(mine.index)  # patsy puts categoricals first; formulaic keeps formula order
    assert sorted(order) == sorted(reference.params.index)
    ref_params = reference.params[order].to_numpy()
    ref_bse = reference.bse[order].to_numpy()
    np.testing.assert_allclose(mine["estimate"].to_numpy(), ref_params, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(mine["std_error"].to_numpy(), ref_bse, rtol=1e-8)
    np.testing.assert_allclose(mine["p_value"].to_numpy(), reference.pvalues[order].to_numpy(), rtol=1e-7)
    assert ours.fit.log_likelihood == pytest.approx(reference.llf, rel=1e-10)
    assert ours.fit.ll_null == pytest.approx(reference.llnull, rel=1e-8)
    assert ours.fit.aic == pytest.approx(reference.aic, rel=1e-10)
    assert ours.fit.bic == pytest.approx(reference.bic, rel=1e-10)
    assert ours.pseudo_r2.mcfadden == pytest.approx(reference.prsquared, rel=1e-8)
    table = reference.pred_table()
    assert ours.pred_table.to_numpy().tolist() == table.astype(int).tolist()
    assert ours.crosscheck.passed


def _run(formula, data, execution, **options):  # type: ignore[no-untyped-def]
    """`statreport.api.run` (what `fit` and the command line call) with ``execution``."""
    from statreport.api import run
    from statreport.options import validate

    return run(formula, data, validate(options), on_stage=None, execution=execution)


def test_parallel_crosscheck_equals_sequential(benchmark_like, monkeypatch, tmp_path):
    """The command line's forked scikit-learn refit gives exactly the library's in-process result."""
    import statreport.parallel as parallel

    _, path = benchmark_like
    formula = "y ~ x1 + x2 + x3 + x4 + age + C(region)"
    sequential = _run(formula, path, parallel.Serial())
    monkeypatch.setattr(parallel, "PARALLEL_ROWS", 1_000)
    marker = tmp_path / "child-ran"
    original = parallel._child

    def child(*args):
        marker.write_text("yes")  # written by the forked process
        original(*args)

    monkeypatch.setattr(parallel, "_child", child)
    forked = _run(formula, path, parallel.CommandLine({"json"}))
    assert marker.exists(), "the refit did not run in a forked process"
    assert forked.crosscheck.passed and forked.crosscheck.converged
    assert forked.crosscheck == sequential.crosscheck
    assert forked.coefficient_rows == sequential.coefficient_rows
    assert forked.data == sequential.data  # the hash, computed on a thread, too


def test_failed_fit_stops_the_parallel_refit(monkeypatch):
    import multiprocessing

    import statreport.parallel as parallel

    monkeypatch.setattr(parallel, "PARALLEL_ROWS", 10)
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"a": rng.normal(size=400)})
    frame["b"] = frame["a"] * 2  # collinear: the fit fails after the refit started
    frame["y"] = rng.integers(0, 2, 400)
    with pytest.raises(statreport.FitError):
        _run("y ~ a + b", frame, parallel.CommandLine({"json"}))
    assert multiprocessing.active_children() == []


def test_the_library_runs_everything_in_the_callers_thread(benchmark_like, monkeypatch):
    """`fit` starts no thread and no process, so a script, a notebook and a thread take one path."""
    import multiprocessing
    import threading

    _, path = benchmark_like
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self))
    monkeypatch.setattr(multiprocessing.Process, "start", lambda self: started.append(self))
    statreport.fit("y ~ x1 + x2 + age + C(region)", path)
    assert started == []


@pytest.mark.parametrize("formula, allow_python", [
    ("y ~ x1 + C(region) + center(age) + I(x2 ** 2)", False),
    ("y ~ `x 1` + Q('x-2'):x3 - 1", False),
    ("y ~ np.log(x1 + 10) + x2", True),
])
def test_columns_read_before_formulaic_are_the_formulas_columns(formula, allow_python):
    # the file is read using needed_columns, before formulaic parses the formula
    from statreport.formula import needed_columns, parse_formula

    parsed = parse_formula(formula, allow_python=allow_python)
    assert needed_columns(formula, allow_python=allow_python) == parsed.columns


def test_reading_beside_the_imports_returns_or_raises_the_readers_outcome():
    from statreport.errors import DataError
    from statreport.parallel import _while_importing

    assert _while_importing(lambda: 42, ("json", "no_such_module_xyz", "csv")) == 42

    def fail():
        raise DataError("line 3 of 'x.csv' has 4 fields")

    with pytest.raises(DataError, match="line 3"):
        _while_importing(fail, ("json",))


def test_one_pass_score_hessian_and_loglike_are_statsmodels():
    from statsmodels.discrete.discrete_model import Logit

    rng = np.random.default_rng(7)
    n = 3 * estimate.HESSIAN_BLOCK_ROWS + 11  # a short last block
    X = np.asfortranarray(np.column_stack([np.ones(n), rng.normal(size=(n, 4)) * [1, 10, 0.1, 3]]))
    y = (rng.random(n) < 0.3).astype(float)
    first = np.array([-0.8, 0.4, -0.02, 1.5, 0.1])
    second = np.array([0.2, -0.1, 0.0, 3.0, -0.4])
    theirs, ours = Logit(y, X), estimate.fast_logit()(y, X)
    for params in (first, second, second, first):  # each kept only for the last parameters
        np.testing.assert_allclose(ours.hessian(params), theirs.hessian(params), rtol=1e-12, atol=0)
        expected = theirs.score(params)
        np.testing.assert_allclose(ours.score(params), expected, rtol=1e-10,
                                   atol=1e-12 * np.abs(expected).max())
        assert ours.loglike(params) == theirs.loglike(params)
    ours.score(first)[:] = 0.0  # the caller's copy, not the kept one
    np.testing.assert_allclose(ours.score(first), theirs.score(first), rtol=1e-10,
                               atol=1e-12 * np.abs(theirs.score(first)).max())


def _cli_fit(formula, path):  # type: ignore[no-untyped-def]
    from statreport.parallel import CommandLine

    return _run(formula, path, CommandLine({"json"}))


def _with_the_collector_off(benchmark_like, fits):
    """Run ``fits(path)`` with the garbage collector off, as the command line does;
    the data frames of the file's size still alive afterwards, and the freeze count."""
    import gc

    frame, path = benchmark_like
    statreport.fit("y ~ x1 + C(region)", path)  # imports first
    gc.collect()
    gc.disable()
    try:
        fits(path)
        survivors = [o for o in gc.get_objects()
                     if isinstance(o, pd.DataFrame) and len(o) == len(frame) and o is not frame]
        return survivors, gc.get_freeze_count()
    finally:
        gc.enable()


def test_the_data_frame_is_freed_with_the_collector_off(benchmark_like):
    # formulaic keeps the frame in a reference cycle, so the command line's execution
    # collects the cycles the design made
    survivors, frozen = _with_the_collector_off(
        benchmark_like, lambda path: _cli_fit("y ~ x1 + x2 + age + C(region)", path))
    assert survivors == []
    assert frozen == 0  # what fit froze for its collection is unfrozen


def test_fits_in_threads_free_their_frames_with_the_collector_off(benchmark_like):
    # gc.freeze is process-wide: concurrent fits take turns freezing and collecting
    import threading

    errors = []

    def one(formula, path):
        try:
            _cli_fit(formula, path)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def in_threads(path):
        threads = [threading.Thread(target=one, args=(f, path)) for f in
                   ("y ~ x1 + C(region)", "y ~ x2 + age", "y ~ x3 + x4 + C(region)")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    survivors, frozen = _with_the_collector_off(benchmark_like, in_threads)
    assert errors == []
    assert survivors == [] and frozen == 0


def test_a_callers_frozen_objects_stay_frozen(benchmark_like):
    import gc

    _, path = benchmark_like
    marker = [object()]
    gc.freeze()
    try:
        statreport.fit("y ~ x1 + C(region)", path)
        # the permanent generation is not among the collector's objects
        assert not any(o is marker for o in gc.get_objects())
    finally:
        gc.unfreeze()
    assert any(o is marker for o in gc.get_objects())


def test_fast_perfect_prediction_check_warns_as_statsmodels_does():
    import warnings

    from statsmodels.discrete.discrete_model import Logit
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    rng = np.random.default_rng(3)
    n = 3 * estimate.PERFECT_CHECK_ROWS
    x = rng.choice([-1.0, 1.0], n) * (0.5 + rng.random(n))  # no x near 0
    X = np.column_stack([np.ones(n), x])
    separated = (x > 0).astype(float)
    overlapping = (rng.random(n) < 1 / (1 + np.exp(-x))).astype(float)
    steep = np.array([0.0, 1e4])  # every prediction within 1e-8 of a separated outcome
    late = separated.copy()
    late[-1] = 1.0 - late[-1]  # the first rows predicted perfectly, the last one not
    for y, expected in ((separated, True), (overlapping, False), (late, False)):
        for model in (Logit(y, X), estimate.fast_logit()(y, X)):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                model._check_perfect_pred(steep)
            warned = any(issubclass(w.category, PerfectSeparationWarning) for w in caught)
            assert warned is expected
