"""Writing the reports as a set: all or nothing, whatever fails and whenever a signal comes."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from conftest import EXAMPLES

import statreport.output as output
from statreport.cli import main
from statreport.errors import OutputError


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_failed_rename_restores_the_replaced_reports_and_leaves_nothing_staged(tmp_path, monkeypatch):
    a, b, c = tmp_path / "a.html", tmp_path / "b.json", tmp_path / "c.pdf"
    a.write_bytes(b"old a")
    b.write_bytes(b"old b")  # c does not exist yet
    real = os.replace
    calls = []

    def replace(src, dst):
        calls.append(dst)
        if Path(dst) == b:  # the second rename fails (an immutable or busy target)
            raise PermissionError(1, "Operation not permitted")
        return real(src, dst)

    monkeypatch.setattr(output.os, "replace", replace)
    with pytest.raises(OutputError, match="earlier files are as they were"):
        output.write_all([(c, b"new c"), (a, b"new a"), (b, b"new b")])
    assert a.read_bytes() == b"old a" and b.read_bytes() == b"old b"
    assert not c.exists()  # it was new: removed again
    assert leftovers(tmp_path) == []


def test_a_target_that_cannot_be_kept_stops_the_set_before_any_rename(tmp_path, monkeypatch):
    a, b = tmp_path / "a.html", tmp_path / "b.json"
    a.write_bytes(b"old a")
    b.write_bytes(b"old b")
    real = os.link

    def link(src, dst, **kwargs):
        if Path(src) == b:  # as linking an immutable or mounted-over file fails
            raise PermissionError(1, "Operation not permitted")
        return real(src, dst, **kwargs)

    monkeypatch.setattr(output.os, "link", link)
    with pytest.raises(OutputError, match="cannot replace .*b.json.*nothing was written"):
        output.write_all([(a, b"new a"), (b, b"new b")])
    assert a.read_bytes() == b"old a" and b.read_bytes() == b"old b"
    assert leftovers(tmp_path) == []


def test_a_signal_while_the_set_is_written_waits_until_every_file_is_in_place(tmp_path, monkeypatch):
    number = signal.SIGINT
    files = [(tmp_path / f"r{i}.json", f"new {i}".encode()) for i in range(3)]
    for path, _ in files:
        path.write_bytes(b"old")
    real = os.replace

    def replace(src, dst):
        if Path(dst) == files[0][0]:
            signal.raise_signal(number)  # as Ctrl-C or `timeout` would, mid-way
        return real(src, dst)

    monkeypatch.setattr(output.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):  # delivered once the set is in place
        output.write_all(files)
    assert [path.read_bytes() for path, _ in files] == [b"new 0", b"new 1", b"new 2"]
    assert leftovers(tmp_path) == []


def test_the_command_line_says_truthfully_whether_the_reports_were_written(tmp_path, monkeypatch, capsys):
    import statreport.report as report

    number, code, word = signal.SIGINT, 130, "interrupted"
    out = tmp_path / "r.json"
    out.write_text("earlier")
    real = report.write_reports

    def stopped_before(*args, **kwargs):
        signal.raise_signal(number)
        return real(*args, **kwargs)

    monkeypatch.setattr(report, "write_reports", stopped_before)
    assert main(["fit", "y ~ x", str(EXAMPLES / "tutorial.csv"), "-q", "-o", str(out)]) == code
    assert f"{word}; no report written" in capsys.readouterr().err
    assert out.read_text() == "earlier" and leftovers(tmp_path) == []

    def stopped_during(*args, **kwargs):  # the signal arrives while the files are put in place
        monkeypatch.setattr(output.os, "replace", lambda s, d: (signal.raise_signal(number), os.rename(s, d)))
        return real(*args, **kwargs)

    monkeypatch.setattr(report, "write_reports", stopped_during)
    assert main(["fit", "y ~ x", str(EXAMPLES / "tutorial.csv"), "-q", "-o", str(out)]) == 0
    assert f"{word} after writing" in capsys.readouterr().err
    assert out.read_text().startswith("{") and leftovers(tmp_path) == []


def test_two_outputs_that_are_one_file_are_a_usage_error(tmp_path, capsys):
    html = tmp_path / "x.html"
    (tmp_path / "x.json").symlink_to(html)
    assert main(["fit", "y ~ x", str(EXAMPLES / "tutorial.csv"), "-q",
                 "-o", str(html), "-o", str(tmp_path / "x.json")]) == 2
    assert "are the same file" in capsys.readouterr().err
    assert not html.exists()
