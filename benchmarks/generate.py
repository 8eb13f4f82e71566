"""Generate the synthetic benchmark data sets, deterministically.

    python benchmarks/generate.py                 # 1e4 1e5 1e6 1e7 rows
    python benchmarks/generate.py --sizes 1e4 1e5

Each file ``benchmarks/data/synth_<n>.csv`` has columns

    x1..x8   standard normal, rounded to 6 decimals (as real data files are)
    age      integer 18..90, uniform
    region   text: north, south, east, west, central
    y        0/1 drawn from the logistic model with TRUE_COEFFICIENTS (event rate ~30%)

so ``y ~ x1 + ... + x8 + age + C(region)`` has 14 parameters with the
intercept ("central" is the reference level, first in sorted order).

The random stream is ``numpy.random.default_rng([SEED, n])``: the same ``n``
always gives the same bytes, on any machine with the same numpy major version.
A file that already exists with the right number of rows is left alone.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

SEED = 20_240_601
DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SIZES = ("1e4", "1e5", "1e6", "1e7")
REGIONS = ("north", "south", "east", "west", "central")
REGION_PROBABILITIES = (0.22, 0.18, 0.20, 0.25, 0.15)

# True coefficients of the data-generating model (the names statsmodels and
# statreport give them). Event rate is about 30%.
TRUE_COEFFICIENTS = {
    "Intercept": -2.2,
    "x1": 0.8,
    "x2": -0.6,
    "x3": 0.5,
    "x4": -0.4,
    "x5": 0.3,
    "x6": -0.2,
    "x7": 0.1,
    "x8": 0.0,
    "age": 0.02,
    "C(region)[T.east]": 0.15,
    "C(region)[T.north]": -0.3,
    "C(region)[T.south]": 0.25,
    "C(region)[T.west]": -0.1,
}
FORMULA = "y ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + age + C(region)"
COLUMNS = ("x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "age", "region", "y")


def parse_size(text: str) -> int:
    """'1e6' -> 1000000; '250000' -> 250000."""
    value = float(text)
    if value < 10 or value != int(value):
        raise argparse.ArgumentTypeError(f"size must be a whole number >= 10; got {text!r}")
    return int(value)


def size_label(n: int) -> str:
    """1000000 -> '1e6'; 250000 -> '250000'."""
    exponent = len(str(n)) - 1
    return f"1e{exponent}" if n == 10**exponent else str(n)


def data_path(n: int) -> Path:
    return DATA_DIR / f"synth_{n}.csv"


def count_rows(path: Path) -> int:
    """Data rows of a CSV file (newlines minus the header line)."""
    lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    if last != b"\n":
        lines += 1
    return max(lines - 1, 0)


def make_table(n: int):  # -> pyarrow.Table
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng([SEED, n])
    x = rng.standard_normal((n, 8))
    age = rng.integers(18, 91, size=n)
    region_index = rng.choice(len(REGIONS), size=n, p=REGION_PROBABILITIES)
    u = rng.random(n)

    x = np.round(x, 6)  # what gets written is what the model sees
    beta = np.array([TRUE_COEFFICIENTS[f"x{j}"] for j in range(1, 9)])
    region_effect = np.array(
        [TRUE_COEFFICIENTS.get(f"C(region)[T.{name}]", 0.0) for name in REGIONS]
    )
    eta = TRUE_COEFFICIENTS["Intercept"] + x @ beta + TRUE_COEFFICIENTS["age"] * age
    eta += region_effect[region_index]
    y = (u < 1.0 / (1.0 + np.exp(-eta))).astype(np.int8)

    columns = {f"x{j + 1}": pa.array(x[:, j]) for j in range(8)}
    columns["age"] = pa.array(age.astype(np.int64))
    columns["region"] = pc.take(pa.array(REGIONS), pa.array(region_index.astype(np.int32)))
    columns["y"] = pa.array(y)
    return pa.table(columns)


def generate(n: int, *, force: bool = False, quiet: bool = False) -> Path:
    """Write ``synth_<n>.csv`` unless it already exists with ``n`` rows; return its path."""
    import pyarrow.csv as pacsv

    path = data_path(n)
    if path.exists() and not force:
        if count_rows(path) == n:
            if not quiet:
                print(f"{path.name}: exists with {n:,} rows, kept", file=sys.stderr)
            return path
        if not quiet:
            print(f"{path.name}: wrong row count, regenerating", file=sys.stderr)
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    table = make_table(n)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        pacsv.write_csv(
            table, tmp, write_options=pacsv.WriteOptions(quoting_style="none", batch_size=1 << 16)
        )
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    if not quiet:
        rate = table.column("y").to_numpy().mean()
        print(
            f"{path.name}: wrote {n:,} rows, {path.stat().st_size / 1e6:,.1f} MB, "
            f"event rate {rate:.3f}, {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", nargs="+", type=parse_size, default=[parse_size(s) for s in DEFAULT_SIZES],
        metavar="N", help="row counts, e.g. 1e4 1e5 (default: %(default)s)",
    )
    parser.add_argument("--force", action="store_true", help="regenerate even if the file exists")
    args = parser.parse_args(argv)
    for n in args.sizes:
        generate(n, force=args.force)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
