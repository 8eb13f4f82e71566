"""The command line's helper process: it may only save time, never change a result."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import numpy as np
import pytest
from conftest import EXAMPLES, REPO, statreport_warnings_only

from statreport.parallel import helper as helper_module
from statreport.parallel.helper import PREPARING_NICENESS, Helper, in_two

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the helper needs fork")


@pytest.fixture(autouse=True)
def _no_other_threads():
    """Earlier tests' background imports end first: the helper refuses to fork beside a thread."""
    for thread in threading.enumerate():
        if thread is not threading.current_thread():
            thread.join(timeout=120)


def _fail() -> None:
    raise RuntimeError("boom")


def _pid() -> int:
    return os.getpid()


def test_helper_answers_in_order_and_sends_arrays_out_of_band():
    helper = Helper(())
    assert helper.start()
    try:
        x = np.asfortranarray(np.arange(12.0).reshape(4, 3))
        first = helper.submit(np.sum, x)
        second = helper.submit(np.transpose, x)
        third = helper.submit(_pid)
        assert np.array_equal(second.result(), x.T)  # asked out of order
        assert first.result() == 66.0
        assert third.result() != os.getpid()  # it ran in the helper
        assert second.result() is second.result()  # asked twice: the same answer
    finally:
        helper.close()


def test_a_failed_call_in_the_helper_is_redone_here_and_raises_here():
    helper = Helper(())
    assert helper.start()
    try:
        pending = helper.submit(_fail)
        with pytest.raises(RuntimeError, match="boom"):
            pending.result()
        assert helper.submit(_pid).result() != os.getpid()  # and the helper goes on
    finally:
        helper.close()


def test_a_dead_helper_means_working_here():
    helper = Helper(())
    assert helper.start()
    helper.close()
    assert helper.submit(_pid).result() == os.getpid()


def test_no_fork_beside_a_running_thread():
    # a thread may hold an import lock that the forked copy would wait on forever
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not Helper(()).start()
    finally:
        release.set()
        thread.join()
    helper = Helper(())
    assert helper.start()
    helper.close()


def test_in_two_keeps_the_order_and_makes_every_second_call_in_a_copy():
    here = os.getpid()
    pids = in_two([_pid] * 5)
    assert pids[0::2] == [here] * 3
    assert len(set(pids[1::2])) == 1 and pids[1] != here
    assert in_two([lambda: "a", lambda: np.arange(3.0)])[1].tolist() == [0.0, 1.0, 2.0]


def test_in_two_makes_the_copys_calls_here_if_the_copy_fails():
    here = os.getpid()

    def only_here() -> int:
        if os.getpid() != here:
            raise RuntimeError("fails in the copy")
        return os.getpid()

    assert in_two([_pid, only_here, _pid]) == [here] * 3


def test_in_two_does_not_fork_beside_a_running_thread():
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert in_two([_pid, _pid]) == [os.getpid()] * 2
    finally:
        release.set()
        thread.join()


def test_in_two_works_where_the_system_reaps_children_itself():
    # SIGCHLD ignored (as some supervisors leave it): waitpid finds no child
    import signal

    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        pids = in_two([_pid, _pid])
    finally:
        signal.signal(signal.SIGCHLD, previous)
    assert pids[0] == os.getpid()


def test_in_two_raises_a_failure_here_without_waiting_for_ever_on_the_copy():
    # the copy's answer (2 MB) fills the pipe: it must be drained before the copy is reaped
    import signal

    def fail() -> None:
        raise RuntimeError("here")

    signal.alarm(60)  # a deadlock fails the test instead of hanging it
    try:
        with pytest.raises(RuntimeError, match="here"):
            in_two([fail, lambda: b"x" * 2_000_000])
    finally:
        signal.alarm(0)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # the copy was reaped


def test_the_helper_prepares_at_low_priority_only_where_it_can_be_raised_again(monkeypatch):
    own = os.getpriority(os.PRIO_PROCESS, 0)
    helper = Helper(())
    assert helper.start()
    try:
        niced = os.getpriority(os.PRIO_PROCESS, helper.pid)
        assert niced in (own, min(own + PREPARING_NICENESS, 19))
        helper.submit(_pid).result()  # its work is wanted: normal priority again
        assert os.getpriority(os.PRIO_PROCESS, helper.pid) == own
    finally:
        helper.close()

    def refuse_raising(which: int, who: int, value: int) -> None:
        if value < os.getpriority(which, who):
            raise PermissionError("not allowed to raise a priority")
        os_setpriority(which, who, value)

    os_setpriority = os.setpriority
    monkeypatch.setattr(helper_module.os, "setpriority", refuse_raising)
    helper = Helper(())
    assert helper.start()
    try:
        assert os.getpriority(os.PRIO_PROCESS, helper.pid) == own  # never lowered
    finally:
        helper.close()


def test_the_helper_renders_the_documents_as_this_process_would():
    import statreport
    from statreport.parallel import CommandLine
    from statreport.report import render_documents

    result = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")
    here = render_documents(result, ("html", "pdf"), "a4")
    execution = CommandLine({"html", "pdf"})
    execution.start()
    try:
        assert execution.helper.alive
        pending = execution.render(result, ("html", "pdf"), "a4")
        ok, there = execution.helper.answer(pending.number)
    finally:
        execution.close()
    assert ok, "the helper failed; its work would have been redone here"
    assert there == here


def test_cli_reports_are_identical_with_and_without_the_helper(tmp_path):
    outputs = []
    for name, flag in (("with", ""), ("without", "1")):
        folder = tmp_path / name
        folder.mkdir()
        env = {**os.environ, "PYTHONPATH": str(REPO), "STATREPORT_NO_HELPER": flag}
        env.pop("SOURCE_DATE_EPOCH", None)
        subprocess.run(
            [sys.executable, "-m", "statreport", "fit",
             "vote ~ C(party, Treatment('independent')) + age + education + self_lr",
             str(EXAMPLES / "anes96.csv"), "--positive", "Dole",
             "-o", str(folder / "r.json"), "-o", str(folder / "r.html"), "-o", str(folder / "r.pdf"),
             "-q"],
            check=True, env=env, timeout=300,
        )
        outputs.append([(folder / n).read_bytes() for n in ("r.json", "r.html", "r.pdf")])
    assert outputs[0] == outputs[1]


def _quasi_separated(folder):
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=200), "g": rng.choice(["a", "b", "c"], 200)})
    frame["y"] = (rng.random(200) < 0.4).astype(int)
    frame.loc[frame["g"] == "c", "y"] = 1  # g = c predicts y = 1 perfectly
    frame.to_csv(folder / "q.csv", index=False)
    return folder / "q.csv"


@pytest.mark.parametrize("options", [
    {"formula": "y ~ x", "data": "tutorial.csv"},
    {"formula": "vote ~ age + income + self_lr + C(party)", "data": "anes96.csv",
     "positive": "Dole", "penalty": "l1", "alpha": "cv", "folds": 3},
    {"formula": "vote ~ age + income + self_lr + C(party)", "data": "anes96.csv",
     "positive": "Dole", "penalty": "l1", "alpha": 0.02, "refit": True},
    {"formula": "vote ~ C(party, Treatment('independent')) + age + education", "data": "anes96.csv",
     "positive": "Dole", "method": "firth"},
    {"formula": "y ~ x + g", "data": None},
], ids=["mle", "lasso-cv", "lasso-refit", "firth", "quasi-separated"])
def test_the_library_in_a_thread_reports_what_the_command_line_reports(options, tmp_path):
    """A notebook kernel runs code on its own threads: `fit` from a thread gives the same
    result and the same report bytes as the command line, which uses both cores."""
    import threading

    import statreport
    from statreport import cli

    options = dict(options)
    formula, data = options.pop("formula"), options.pop("data")
    data = EXAMPLES / data if data else _quasi_separated(tmp_path)
    outcome = {}

    def in_a_thread():
        with statreport_warnings_only():
            outcome["result"] = statreport.fit(formula, data, **options)

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    # the command line words the advice in its warnings as options (--method firth), the
    # library as keywords (method='firth'): the same report otherwise
    library = cli._worded_for_command_line(outcome["result"])
    flags = [f"--{key.replace('_', '-')}" if value is True else f"--{key.replace('_', '-')}={value}"
             for key, value in options.items()]
    assert cli.main(["fit", formula, str(data), *flags, "-q",
                     "-o", str(tmp_path / "r.json"), "-o", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.json").read_bytes() == library.to_json().encode("utf-8")
    assert (tmp_path / "r.html").read_bytes() == library.to_html().encode("utf-8")
