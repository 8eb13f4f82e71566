"""Where statreport spends its time: cProfile of one `statreport.fit` plus rendering.

    python benchmarks/profile_fit.py            # 1e6 rows
    python benchmarks/profile_fit.py 1e5 --top 40
    python benchmarks/profile_fit.py 1e6 --save /tmp/fit.prof   # for snakeviz etc.

Imports are timed separately (first the libraries statreport loads lazily,
then the profiled call runs with them already imported), so the profile shows
the work, not the imports. Run ``python -X importtime -m statreport ...`` for
the import tree.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import FORMULA, data_path, generate, parse_size  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", nargs="?", type=parse_size, default=1_000_000)
    parser.add_argument("--top", type=int, default=30, help="rows of the profile to print")
    parser.add_argument("--save", type=Path, help="write the raw profile here")
    args = parser.parse_args()

    csv = data_path(args.size)
    if not csv.exists():
        generate(args.size)

    t0 = time.perf_counter()
    import formulaic  # noqa: F401
    import jinja2  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow.csv  # noqa: F401
    import scipy.stats  # noqa: F401
    import sklearn.linear_model  # noqa: F401
    import sklearn.metrics  # noqa: F401
    import statsmodels.discrete.discrete_model  # noqa: F401

    import statreport
    from statreport import api, classification, crosscheck, data, design, estimate, inference  # noqa: F401
    from statreport.report import write_reports
    t_import = time.perf_counter() - t0

    profiler = cProfile.Profile()
    with tempfile.TemporaryDirectory() as tmp:
        outputs = [Path(tmp) / "r.html", Path(tmp) / "r.json"]
        t1 = time.perf_counter()
        profiler.enable()
        result = statreport.fit(FORMULA, csv)
        t2 = time.perf_counter()
        write_reports(result, outputs)
        profiler.disable()
        t3 = time.perf_counter()

    print(f"{csv.name}: imports {t_import:.2f} s, fit {t2 - t1:.2f} s, render+write {t3 - t2:.2f} s "
          f"(profiled; cProfile adds overhead)")
    if args.save:
        profiler.dump_stats(args.save)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
    stats.print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
