"""Benchmark statreport against the plain statsmodels + scikit-learn script.

    python benchmarks/run.py                   # 1e4 1e5 1e6 rows
    python benchmarks/run.py --sizes 1e6 1e7   # the big ones
    python benchmarks/run.py --quick           # 1e4 only (CI smoke test)
    python benchmarks/run.py --check           # exit 1 if a target fails

For every size, side by side in the same run, each in a fresh process:

  (a) statreport fit "<formula>" <csv> -o <tmp>/r.html -o <tmp>/r.json --quiet
  (b) python benchmarks/plain_statsmodels.py <csv> --out <tmp>/plain.json

Wall time is measured around the child process (spawn to exit); peak RSS is the
child's own ``ru_maxrss`` from ``os.wait4``. Also timed: ``statreport --help``
and the 10-row tutorial example. The two computations are compared number by
number. Results go to benchmarks/results/latest.json and latest.md.

This file imports only the standard library, so the harness stays small and
cannot inflate the children's numbers.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS_DIR = HERE / "results"
sys.path.insert(0, str(HERE))
from generate import FORMULA, data_path, parse_size, size_label  # noqa: E402  (stdlib-only at import)

DEFAULT_SIZES = ("1e4", "1e5", "1e6")
BIG = 10_000_000  # sizes from here on are measured once by default, smaller ones three times
HELP_RUNS = 5
TUTORIAL_RUNS = 3
MIB = 1024 * 1024
# Agreement of statreport with the plain script: same estimator (statsmodels
# Newton), so they should agree to rounding.
AGREEMENT_RTOL = 1e-8

# Targets from the issue. Memory limits are in MiB (2**20 bytes), as ru_maxrss reports KiB.
TARGETS = [
    # (size, metric, op, limit, label)
    (1_000_000, "statreport_wall_s", "<=", 2.5, "1e6 rows: statreport wall <= 2.5 s"),
    (1_000_000, "statreport_peak_mib", "<=", 700, "1e6 rows: statreport peak RSS <= 700 MiB"),
    (1_000_000, "speed_ratio", ">=", 5.0, "1e6 rows: >= 5x faster than plain statsmodels"),
    (10_000_000, "statreport_wall_s", "<=", 30.0, "1e7 rows: statreport wall <= 30 s"),
    (10_000_000, "statreport_peak_mib", "<=", 6 * 1024, "1e7 rows: statreport peak RSS <= 6 GiB"),
    (1_000_000, "predict_wall_s", "<=", 2.0, "1e6 rows: statreport predict (whole command) <= 2 s"),
    (1_000_000, "predict_speed_ratio", ">=", 1.0,
     "1e6 rows: statreport predict (whole command) faster than plain statsmodels' read + predict + to_csv"),
    (None, "help_wall_s", "<=", 0.3, "statreport --help <= 0.3 s"),
    (None, "tutorial_wall_s", "<=", 1.5, "tutorial example (10 rows) <= 1.5 s"),
]


# --------------------------------------------------------------------------- measuring


def measure(cmd: list[str], *, log_dir: Path, name: str, timeout: float) -> dict:
    """Run ``cmd`` in a fresh process; wall seconds, peak RSS and exit status.

    The wall clock spans spawn to reaped exit. Peak RSS is ``ru_maxrss`` of the
    rusage that ``wait4`` returns for this one child (KiB on Linux, bytes on macOS).
    """
    stdout = (log_dir / f"{name}.stdout").open("wb")
    stderr = (log_dir / f"{name}.stderr").open("wb")
    timed_out = threading.Event()
    with stdout, stderr:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, cwd=REPO)

        def kill() -> None:
            timed_out.set()
            proc.send_signal(signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
    scale = 1 if sys.platform == "darwin" else 1024
    result = {
        "wall_s": wall,
        "peak_rss_mib": usage.ru_maxrss * scale / MIB,
        "user_s": usage.ru_utime,
        "sys_s": usage.ru_stime,
        "returncode": proc.returncode,
    }
    if proc.returncode != 0 or timed_out.is_set():
        tail = (log_dir / f"{name}.stderr").read_text(errors="replace").strip().splitlines()[-5:]
        result["error"] = (f"timed out after {timeout:g}s; " if timed_out.is_set() else "") + (
            " | ".join(tail) or f"exit code {proc.returncode}"
        )
    return result


def repeated(cmd: list[str], runs: int, *, log_dir: Path, name: str, timeout: float,
             warmup: bool = False) -> dict:
    """Median wall and max peak RSS of ``runs`` cold processes (after one untimed warm-up)."""
    if warmup:
        measure(cmd, log_dir=log_dir, name=f"{name}-warmup", timeout=timeout)
    samples = [measure(cmd, log_dir=log_dir, name=f"{name}-{i}", timeout=timeout) for i in range(runs)]
    return summarize(samples)


def summarize(samples: list[dict]) -> dict:
    """Median wall and max RSS of the runs that succeeded (of all, if none did)."""
    errors = [s["error"] for s in samples if "error" in s]
    good = [s for s in samples if "error" not in s] or samples
    return {
        "wall_s": statistics.median(s["wall_s"] for s in good),
        "peak_rss_mib": max(s["peak_rss_mib"] for s in good),
        # CPU time (user + sys, all threads) is less disturbed by other work than wall time
        "cpu_s": statistics.median(s["user_s"] + s["sys_s"] for s in good),
        "runs": len(samples),
        "failed_runs": len(errors),
        "samples_wall_s": [round(s["wall_s"], 4) for s in samples],
        "samples_user_s": [round(s["user_s"], 3) for s in samples],
        **({"error": errors[0]} if errors else {}),
    }


def measure_predict(statreport: str, python: str, csv: Path, tmp: Path, *, runs: int, timeout: float) -> dict:
    """``statreport predict`` (a model saved by an untimed fit) against the plain script's
    read + predict + to_csv steps (`plain_predict.py`, timed inside its process: no start,
    no imports, no fit), side by side; and whether their probabilities agree."""
    folder = tmp / "predict"
    folder.mkdir()
    model = folder / "m.model.json"
    log(f"predict at {size_label(csv_rows(csv))} rows: saving the model (untimed), "
        f"then {runs} run(s) of each")
    subprocess.run([statreport, "fit", FORMULA, str(csv), "-o", str(model), "--quiet"], check=True,
                   timeout=timeout)
    ours, theirs = [], []
    for i in range(runs):
        sample = measure([statreport, "predict", str(model), str(csv), "-o", str(folder / "p.csv"),
                          "--quiet"], log_dir=folder, name="predict", timeout=timeout)
        ours.append(sample)
        timings = folder / f"plain-{i}.json"
        plain = measure([python, str(HERE / "plain_predict.py"), str(csv), "--out", str(folder / "plain.csv"),
                         "--timings", str(timings)], log_dir=folder, name="plain_predict", timeout=timeout)
        if timings.exists():
            plain["steps_s"] = sum(json.loads(timings.read_text()).values())
        theirs.append(plain)
        log(f"  predict: {sample['wall_s']:7.2f} s {sample['peak_rss_mib']:6.0f} MiB;  plain read + "
            f"predict + to_csv: {plain.get('steps_s', float('nan')):7.2f} s "
            f"(whole script {plain['wall_s']:.2f} s)")
    s_ours = summarize(ours)
    steps = [t["steps_s"] for t in theirs if "steps_s" in t]
    row = {"predict_wall_s": s_ours["wall_s"], "predict_peak_mib": s_ours["peak_rss_mib"],
           "plain_predict_steps_s": statistics.median(steps) if steps else None,
           "predict_samples": s_ours}
    if steps and s_ours["wall_s"]:
        row["predict_speed_ratio"] = row["plain_predict_steps_s"] / s_ours["wall_s"]
    row["predict_agreement"] = _agree_predictions(folder / "p.csv", folder / "plain.csv")
    return row


def csv_rows(csv: Path) -> int:
    return int(csv.stem.rsplit("_", 1)[-1])


def _agree_predictions(ours: Path, plain: Path, rows: int = 10_000) -> dict:
    """Largest relative difference of the probabilities and interval bounds, first ``rows`` rows."""
    import csv as csvmodule

    try:
        with ours.open() as a, plain.open() as b:
            worst = 0.0
            for n, (x, y) in enumerate(zip(csvmodule.DictReader(a), csvmodule.DictReader(b), strict=False)):
                if n >= rows:
                    break
                for key in ("predicted_probability", "ci_low", "ci_high"):
                    u, v = float(x[key]), float(y[key])
                    worst = max(worst, abs(u - v) / max(abs(v), 1e-300))
        return {"rows_compared": min(n + 1, rows), "max_rel_diff": worst}
    except (OSError, KeyError, ValueError) as exc:
        return {"error": repr(exc)}


def warm_page_cache(path: Path) -> None:
    """Read the file once so every timed run starts with it in the OS page cache."""
    with path.open("rb") as handle:
        while handle.read(1 << 24):
            pass


# --------------------------------------------------------------------------- comparing


def compare(statreport_json: Path, plain_json: Path) -> dict:
    """Differences between statreport's JSON report and the plain script's numbers."""
    ours = json.loads(statreport_json.read_text())
    theirs = json.loads(plain_json.read_text())
    coef_ours = {row["term"]: row for row in ours["coefficients"]}
    coef_theirs = theirs["coefficients"]
    if set(coef_ours) != set(coef_theirs):
        return {
            "error": "different terms: statreport "
            f"{sorted(coef_ours)} vs plain {sorted(coef_theirs)}"
        }

    def diffs(field: str) -> tuple[float, float, str]:
        worst_abs, worst_rel, worst_term = 0.0, 0.0, ""
        for term, row in coef_ours.items():
            a, b = row[field], coef_theirs[term][field]
            d = abs(a - b)
            rel = d / abs(b) if b else (0.0 if d == 0 else math.inf)
            worst_abs = max(worst_abs, d)
            if rel >= worst_rel:
                worst_rel, worst_term = rel, term
        return worst_abs, worst_rel, worst_term

    est_abs, est_rel, est_term = diffs("estimate")
    se_abs, se_rel, _ = diffs("std_error")
    scalars = {}
    for key_ours, key_theirs in [
        (("fit", "log_likelihood"), ("fit", "log_likelihood")),
        (("fit", "ll_null"), ("fit", "ll_null")),
        (("fit", "aic"), ("fit", "aic")),
        (("fit", "bic"), ("fit", "bic")),
        (("pseudo_r2", "mcfadden"), ("fit", "mcfadden_r2")),
        (("classification", "auc"), ("classification", "auc")),
        (("classification", "brier"), ("classification", "brier")),
    ]:
        a = ours[key_ours[0]][key_ours[1]]
        b = theirs[key_theirs[0]][key_theirs[1]]
        scalars[key_ours[1]] = abs(a - b) / abs(b) if b else abs(a - b)
    confusion_equal = all(
        ours["classification"][k] == theirs["classification"][k] for k in ("tn", "fp", "fn", "tp")
    )
    agree = max(est_rel, se_rel, *scalars.values()) <= AGREEMENT_RTOL and confusion_equal
    return {
        "n_terms": len(coef_ours),
        "estimate_max_abs_diff": est_abs,
        "estimate_max_rel_diff": est_rel,
        "estimate_worst_term": est_term,
        "std_error_max_abs_diff": se_abs,
        "std_error_max_rel_diff": se_rel,
        "scalar_rel_diffs": scalars,
        "confusion_table_equal": confusion_equal,
        "rtol": AGREEMENT_RTOL,
        "agree": agree,
        # each side's own cross-check against scikit-learn
        "statreport_crosscheck": {
            k: ours["crosscheck"][k]
            for k in ("solver", "converged", "max_abs_coef_diff", "max_abs_prob_diff", "passed")
        },
        "plain_crosscheck": theirs["crosscheck"],
        "plain_phase_timings_s": theirs.get("timings_s"),
    }


# --------------------------------------------------------------------------- machine


def machine_info(python: str) -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    probe = (
        "import json, sys, importlib.metadata as m\n"
        "names = ['statreport','numpy','scipy','pandas','statsmodels','scikit-learn',"
        "'formulaic','patsy','pyarrow','jinja2']\n"
        "v = {}\n"
        "for n in names:\n"
        "    try: v[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: v[n] = None\n"
        "blas = []\n"
        "try:\n"
        "    import numpy, threadpoolctl\n"
        "    blas = [{k: i.get(k) for k in ('internal_api','version','num_threads')}"
        " for i in threadpoolctl.threadpool_info()]\n"
        "except Exception: pass\n"
        "print(json.dumps({'python': sys.version.split()[0], 'versions': v, 'blas': blas}))\n"
    )
    try:
        child = json.loads(subprocess.run([python, "-c", probe], capture_output=True, text=True,
                                          check=True).stdout)
    except (subprocess.CalledProcessError, json.JSONDecodeError) as exc:
        child = {"error": str(exc)}
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "ram_gib": ram_gib,
        "os": f"{platform.system()} {platform.release()}",
        **child,
    }


#: A fixed CPU-bound loop in a fresh process: its time says how fast the machine is just
#: then. On a shared VM that moves by tens of percent within the hour, and every wall
#: time with it; compare runs only when their calibrations are close.
CALIBRATION = "sum(i * i for i in range(3_000_000))"
CALIBRATION_RUNS = 3


def calibrate(python: str) -> float | None:
    """Median seconds of `CALIBRATION` in `CALIBRATION_RUNS` fresh processes (start included)."""
    times = []
    for _ in range(CALIBRATION_RUNS):
        start = time.perf_counter()
        try:
            subprocess.run([python, "-c", CALIBRATION], check=True, timeout=120)
        except (OSError, subprocess.SubprocessError):
            return None
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3)


def load_average() -> list[float] | None:
    """1, 5 and 15 minute load averages: other work on the machine slows every timing."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


class CpuMeter:
    """CPU time the whole machine used during the run, minus what this harness and its children used.

    From /proc/stat (Linux); anything left is other work competing for the cores.
    """

    def __init__(self) -> None:
        self.start = (self._machine_busy(), self._ours(), time.perf_counter())

    @staticmethod
    def _machine_busy() -> float | None:
        try:
            fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        except (OSError, IndexError):
            return None
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _ours() -> float:
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    def other_share(self, cores: int) -> float | None:
        """Share of the machine's capacity used by other processes (0 = idle, 1 = all cores)."""
        busy0, ours0, t0 = self.start
        busy1 = self._machine_busy()
        if busy0 is None or busy1 is None:
            return None
        others = (busy1 - busy0) - (self._ours() - ours0)
        return max(others, 0.0) / ((time.perf_counter() - t0) * cores)


def busy_warning(report: dict) -> str | None:
    share = report.get("other_cpu_share")
    if share is not None and share > 0.05:
        return (f"other processes used {share:.0%} of the machine's CPU during the run; "
                "they compete for the cores and inflate the wall times")
    return None


def git_state() -> dict:
    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "statreport_dirty": bool(git("status", "--porcelain", "--", "statreport")),
        # what the editable install ran: a hash of the working tree's package sources
        "statreport_tree": git("hash-object", *sorted(str(p) for p in (REPO / "statreport").rglob("*.py"))),
    }


def tree_fingerprint(state: dict) -> str | None:
    tree = state.get("statreport_tree")
    if not tree:
        return None
    import hashlib

    return hashlib.sha256(tree.encode()).hexdigest()[:12]


# --------------------------------------------------------------------------- targets


def evaluate_targets(sizes: dict[int, dict], extra: dict) -> list[dict]:
    rows = []
    for size, metric, op, limit, label in TARGETS:
        source = extra if size is None else sizes.get(size)
        value = None if source is None else source.get(metric)
        error_key = "error" if size is not None else metric.replace("_wall_s", "_error")
        failed_run = source is not None and source.get(error_key)
        if failed_run:
            status = "FAIL"  # a run crashed or timed out: whatever its time, the target is not met
        elif value is None:
            status = "not run"
        else:
            ok = value <= limit if op == "<=" else value >= limit
            status = "PASS" if ok else "FAIL"
        rows.append({"target": label, "metric": metric, "size": size, "op": op, "limit": limit,
                     "value": value, "status": status})
    for size, row in sizes.items():
        agreement = row.get("agreement") or {}
        status = "PASS" if agreement.get("agree") else "FAIL"
        rows.append({"target": f"{size_label(size)} rows: statreport == plain statsmodels "
                               f"(rel {AGREEMENT_RTOL:g})",
                     "metric": "agreement", "size": size, "op": "<=", "limit": AGREEMENT_RTOL,
                     "value": agreement.get("estimate_max_rel_diff"), "status": status})
    return rows


# --------------------------------------------------------------------------- reporting


def fmt(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{digits}f}"


def calibration_text(report: dict) -> str:
    return (f"`{CALIBRATION}` took {fmt(report.get('calibration_start_s'), 3)} s at the start and "
            f"{fmt(report.get('calibration_end_s'), 3)} s at the end (median of {CALIBRATION_RUNS} "
            "fresh processes; lower is faster)")


def ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}x"


def render_markdown(report: dict) -> str:
    m, g = report["machine"], report["git"]
    lines = [
        "# statreport benchmark",
        "",
        f"{report['timestamp']} · statreport {m.get('versions', {}).get('statreport')} "
        f"(git {g['commit']}{' + uncommitted changes' if g['statreport_dirty'] else ''},"
        f" source fingerprint {g['source_fingerprint']})",
        "",
        *([f"**Warning: {busy_warning(report)}.**", ""] if busy_warning(report) else []),
        *(["**Warning: statreport's source changed during this run; sizes may have run different code.**", ""]
          if report["git"]["source_changed_during_run"] else []),
        f"Formula: `{report['formula']}` (14 parameters), synthetic data from `benchmarks/generate.py`.",
        "",
        "| rows | statreport wall s | statreport peak MiB | plain wall s | plain peak MiB "
        "| speed ratio (plain/statreport) | memory ratio (plain/statreport) | runs | max abs coef diff |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, row in report["sizes"].items():
        a = row.get("agreement") or {}
        lines.append(
            f"| {size} | {fmt(row.get('statreport_wall_s'))} | {fmt(row.get('statreport_peak_mib'), 0)} "
            f"| {fmt(row.get('plain_wall_s'))} | {fmt(row.get('plain_peak_mib'), 0)} "
            f"| {ratio(row.get('speed_ratio'))} | {ratio(row.get('memory_ratio'))} "
            f"| {row['runs']} | {a.get('estimate_max_abs_diff', float('nan')):.1e} |"
        )
    x = report["extra"]
    lines += [
        "",
        f"- `statreport --help`: {fmt(x.get('help_wall_s'), 3)} s (median of {HELP_RUNS} cold processes)",
        f"- tutorial example (`statreport fit \"y ~ x\" examples/tutorial.csv -o t.html`): "
        f"{fmt(x.get('tutorial_wall_s'), 3)} s (median of {TUTORIAL_RUNS})",
        f"- machine speed: {calibration_text(report)}",
        "",
        "## Targets",
        "",
        "| target | value | status |",
        "|---|---:|---|",
    ]
    for t in report["targets"]:
        value = t["value"]
        shown = "—" if value is None else (f"{value:.1e}" if t["metric"] == "agreement" else fmt(value, 2))
        lines.append(f"| {t['target']} | {shown} | **{t['status']}** |")
    lines += ["", "## Agreement and cross-checks", ""]
    for size, row in report["sizes"].items():
        a = row.get("agreement") or {}
        if "estimate_max_rel_diff" not in a:
            lines.append(f"- {size}: {a.get('error', 'not compared')}")
            continue
        sc, pc = a["statreport_crosscheck"], a["plain_crosscheck"]
        lines.append(
            f"- {size}: statreport vs plain: coefficients max rel diff {a['estimate_max_rel_diff']:.1e} "
            f"({a['estimate_worst_term']}), SE {a['std_error_max_rel_diff']:.1e}, "
            f"LL/AIC/AUC/Brier max rel {max(a['scalar_rel_diffs'].values()):.1e}, "
            f"confusion table {'equal' if a['confusion_table_equal'] else 'DIFFERENT'}. "
            f"scikit-learn refit: statreport ({sc['solver']}) max |Δcoef| {sc['max_abs_coef_diff']:.1e}, "
            f"converged {sc['converged']}; plain ({pc['solver']}, defaults) max |Δcoef| "
            f"{pc['max_abs_coef_diff']:.1e}, converged {pc['converged']} in {pc['n_iter']} iterations."
        )
        if a.get("plain_phase_timings_s"):
            lines.append("  Plain script's steps (s): " + ", ".join(
                f"{k} {v:.2f}" for k, v in a["plain_phase_timings_s"].items()))
    errors = [f"- {size} {side} ({row[side + '_samples']['failed_runs']} of {row['runs']} runs): "
              f"`{row[side + '_error']}`"
              for size, row in report["sizes"].items() for side in ("statreport", "plain")
              if row.get(f"{side}_error")]
    errors += [f"- {name}: `{x[name + '_error']}`" for name in ("help", "tutorial") if x.get(f"{name}_error")]
    if errors:
        lines += ["", "## Errors", "", *errors]
    lines += ["", "## Machine", ""]
    lines.append(f"- CPU: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), "
                 f"RAM {m['ram_gib']} GiB, {m['os']}")
    lines.append(f"- Python {m.get('python')}; " + ", ".join(
        f"{k} {v}" for k, v in (m.get("versions") or {}).items() if v))
    if m.get("blas"):
        lines.append("- BLAS: " + ", ".join(
            f"{b['internal_api']} {b['version']} ({b['num_threads']} threads)" for b in m["blas"]))
    lines += [
        "",
        "Wall time: spawn to exit of a fresh process, data file in the OS page cache. "
        "Peak RSS: the child's `ru_maxrss` from `os.wait4`. Median wall and max RSS over the runs.",
        "",
    ]
    return "\n".join(lines)


def print_table(report: dict) -> None:
    header = ("rows", "statreport s", "statreport MiB", "plain s", "plain MiB",
              "speed ratio", "mem ratio", "coef max|Δ|")
    rows = []
    for size, row in report["sizes"].items():
        a = row.get("agreement") or {}
        rows.append((
            size, fmt(row.get("statreport_wall_s")), fmt(row.get("statreport_peak_mib"), 0),
            fmt(row.get("plain_wall_s")), fmt(row.get("plain_peak_mib"), 0),
            ratio(row.get("speed_ratio")), ratio(row.get("memory_ratio")),
            f"{a['estimate_max_abs_diff']:.1e}" if "estimate_max_abs_diff" in a else "—",
        ))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).rjust(w) for c, w in zip(r, widths, strict=True))  # noqa: E731
    print()
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))
    x = report["extra"]
    print()
    print(f"statreport --help: {fmt(x.get('help_wall_s'), 3)} s (median of {HELP_RUNS})   "
          f"tutorial example: {fmt(x.get('tutorial_wall_s'), 3)} s (median of {TUTORIAL_RUNS})")
    print()
    for t in report["targets"]:
        value = t["value"]
        shown = "—" if value is None else (f"{value:.1e}" if t["metric"] == "agreement" else fmt(value, 2))
        print(f"  [{t['status']:>7}] {t['target']}: {shown}")
    m = report["machine"]
    print()
    print(f"machine speed: {calibration_text(report)}")
    print(f"machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), RAM {m['ram_gib']} GiB")
    print(f"python {m.get('python')}; " + ", ".join(
        f"{k} {v}" for k, v in (m.get("versions") or {}).items() if v))
    g = report["git"]
    print(f"statreport source: git {g['commit']}{' + uncommitted changes' if g['statreport_dirty'] else ''}"
          f" (fingerprint {g['source_fingerprint']})")
    if busy_warning(report):
        print(f"WARNING: {busy_warning(report)}")
    if g["source_changed_during_run"]:
        print("WARNING: statreport's source changed during the run; the sizes may have run different code")
    for size, row in report["sizes"].items():
        for side in ("statreport", "plain"):
            if row.get(f"{side}_error"):
                failed = row[f"{side}_samples"]["failed_runs"]
                print(f"ERROR {size} {side} ({failed} of {row['runs']} runs): {row[side + '_error']}")
    for name in ("help", "tutorial"):
        if x.get(f"{name}_error"):
            print(f"ERROR {name}: {x[name + '_error']}")


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


# --------------------------------------------------------------------------- main


def default_statreport(python: str) -> str:
    beside = Path(python).parent / "statreport"
    if beside.exists():
        return str(beside)
    found = shutil.which("statreport")
    if not found:
        raise SystemExit("cannot find the 'statreport' command; install statreport or pass --statreport")
    return found


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark statreport against plain statsmodels + scikit-learn.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument("--sizes", nargs="+", type=parse_size, metavar="N",
                        help="row counts (default: 1e4 1e5 1e6)")
    parser.add_argument("--quick", action="store_true", help="only 1e4 rows (CI smoke test)")
    parser.add_argument("--repeat", type=int, metavar="K",
                        help="runs per measurement (default: 3 below 1e6 rows, 1 from 1e6)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target or the agreement fails")
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter for the plain script (default: this one)")
    parser.add_argument("--statreport", help="statreport command (default: the one beside --python)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per child (default 3600)")
    parser.add_argument("--no-extras", action="store_true", help="skip the --help and tutorial timings")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR,
                        help="folder for latest.json and latest.md (default: benchmarks/results)")
    args = parser.parse_args(argv)

    sizes = [10_000] if args.quick else (args.sizes or [parse_size(s) for s in DEFAULT_SIZES])
    sizes = sorted(set(sizes))
    statreport = args.statreport or default_statreport(args.python)

    missing = [n for n in sizes if not data_path(n).exists()]
    gen = [args.python, str(HERE / "generate.py"), "--sizes", *map(str, sizes)]
    log("checking data files" + (f" (generating {', '.join(map(size_label, missing))})" if missing else ""))
    subprocess.run(gen, check=True, cwd=REPO)

    meter = CpuMeter()
    report: dict = {
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "formula": FORMULA,
        "commands": {
            # command names only: the results are committed, this machine's paths are not
            "statreport": [Path(statreport).name, "fit", FORMULA, "<csv>", "-o", "<tmp>/r.html",
                           "-o", "<tmp>/r.json", "--quiet"],
            "plain": [Path(args.python).name, "benchmarks/plain_statsmodels.py", "<csv>", "--out",
                      "<tmp>/plain.json"],
        },
        "machine": machine_info(args.python),
        "load_average_start": load_average(),
        "calibration_start_s": calibrate(args.python),
        "git": git_state(),
        "sizes": {},
        "extra": {},
    }

    with tempfile.TemporaryDirectory(prefix="statreport-bench-") as tmp_name:
        tmp = Path(tmp_name)
        results: dict[int, dict] = {}
        for n in sizes:
            csv = data_path(n)
            warm_page_cache(csv)
            runs = args.repeat or (1 if n >= BIG else 3)
            log(f"{size_label(n)} rows: {runs} run(s) of each")
            ours, theirs = [], []
            for i in range(runs):
                out = tmp / f"{n}-{i}"
                out.mkdir()
                a = [statreport, "fit", FORMULA, str(csv), "-o", str(out / "r.html"),
                     "-o", str(out / "r.json"), "--quiet"]
                b = [args.python, str(HERE / "plain_statsmodels.py"), str(csv),
                     "--out", str(out / "plain.json")]
                order = [("statreport", a, ours), ("plain", b, theirs)]
                for side, cmd, samples in order if i % 2 == 0 else order[::-1]:
                    sample = measure(cmd, log_dir=out, name=side, timeout=args.timeout)
                    samples.append(sample)
                    log(f"  {side:>10}: {sample['wall_s']:7.2f} s  {sample['peak_rss_mib']:8.0f} MiB"
                        + (f"  ERROR {sample['error']}" if "error" in sample else ""))
            s_ours, s_theirs = summarize(ours), summarize(theirs)
            row = {
                "rows": n,
                "runs": runs,
                "data_file": str(csv.relative_to(REPO)),
                "data_mb": round(csv.stat().st_size / 1e6, 1),
                "statreport_wall_s": s_ours["wall_s"],
                "statreport_peak_mib": s_ours["peak_rss_mib"],
                "plain_wall_s": s_theirs["wall_s"],
                "plain_peak_mib": s_theirs["peak_rss_mib"],
                "statreport_cpu_s": s_ours["cpu_s"],
                "plain_cpu_s": s_theirs["cpu_s"],
                "statreport_samples": s_ours,
                "plain_samples": s_theirs,
            }
            if "error" in s_ours:
                row["statreport_error"] = row["error"] = s_ours["error"]
            if "error" in s_theirs:
                row["plain_error"] = row["error"] = s_theirs["error"]
            if s_ours["failed_runs"] < runs and s_theirs["failed_runs"] < runs:
                row["speed_ratio"] = row["plain_wall_s"] / row["statreport_wall_s"]
                row["memory_ratio"] = row["plain_peak_mib"] / row["statreport_peak_mib"]
            both = [i for i in range(runs) if "error" not in ours[i] and "error" not in theirs[i]]
            if both:
                first = tmp / f"{n}-{both[0]}"
                try:
                    row["agreement"] = compare(first / "r.json", first / "plain.json")
                except (OSError, KeyError, ValueError) as exc:
                    row["agreement"] = {"error": f"cannot compare: {exc!r}"}
            else:
                row["agreement"] = {"error": "no repetition where both sides succeeded"}
            results[n] = row

        largest = max(sizes)
        if largest in results and not args.no_extras:
            results[largest].update(measure_predict(statreport, args.python, data_path(largest), tmp,
                                                    runs=args.repeat or (1 if largest >= BIG else 3),
                                                    timeout=args.timeout))

        extra: dict = {}
        if not args.no_extras:
            log(f"statreport --help: 1 warm-up + {HELP_RUNS} runs")
            h = repeated([statreport, "--help"], HELP_RUNS, log_dir=tmp, name="help",
                         timeout=args.timeout, warmup=True)
            log(f"tutorial example: 1 warm-up + {TUTORIAL_RUNS} runs")
            t = repeated([statreport, "fit", "y ~ x", str(REPO / "examples" / "tutorial.csv"),
                          "-o", str(tmp / "t.html")], TUTORIAL_RUNS, log_dir=tmp, name="tutorial",
                         timeout=args.timeout, warmup=True)
            extra = {
                "help_wall_s": h["wall_s"],
                "help_peak_mib": h["peak_rss_mib"],
                "help_samples": h,
                "tutorial_wall_s": t["wall_s"],
                "tutorial_peak_mib": t["peak_rss_mib"],
                "tutorial_samples": t,
            }
            for name, s in (("help", h), ("tutorial", t)):
                if "error" in s:
                    extra[f"{name}_error"] = s["error"]

    report["load_average_end"] = load_average()
    report["calibration_end_s"] = calibrate(args.python)
    report["other_cpu_share"] = meter.other_share(report["machine"].get("usable_cores") or 1)
    end = git_state()
    start = report["git"]
    report["git"] = {
        "commit": start["commit"],
        "statreport_dirty": start["statreport_dirty"],
        "source_fingerprint": tree_fingerprint(start),
        "commit_at_end": end["commit"],
        "source_changed_during_run": tree_fingerprint(start) != tree_fingerprint(end),
    }
    report["sizes"] = {size_label(n): row for n, row in results.items()}
    report["extra"] = extra
    report["targets"] = evaluate_targets(results, extra)
    print_table(report)

    write_atomic(args.results / "latest.json", json.dumps(report, indent=1) + "\n")
    write_atomic(args.results / "latest.md", render_markdown(report))
    log(f"\nwrote {args.results / 'latest.json'} and {args.results / 'latest.md'}")

    failed = [t for t in report["targets"] if t["status"] == "FAIL"]
    if failed and args.check:
        log(f"--check: {len(failed)} target(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
