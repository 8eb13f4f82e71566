"""Open HTML reports in headless Chromium as a reader would, at desktop and phone width.

For each report it takes a screenshot per width and checks that the page does
not scroll sideways (wide tables must scroll inside their own box). Install the
browser first (Debian): ``apt-get install -y chromium``.

    python scripts/browser_check.py report.html [more.html ...] --out screenshots/

Exit status 1 if a page overflows horizontally or Chromium is missing.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--force-device-scale-factor=1",
]
PROBE = """<script>
window.addEventListener('load', function () {
  var overflow = document.documentElement.scrollWidth - window.innerWidth;
  document.title = 'OVERFLOW=' + overflow;
});
</script>"""


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("Chromium is not installed: apt-get install -y chromium")


def check(report: Path, out: Path, browser: str) -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "probe.html"
        probe.write_text(report.read_text().replace("</body>", PROBE + "</body>"))
        for label, (width, height) in WIDTHS.items():
            profile = ["--user-data-dir=" + str(Path(tmp) / f"profile-{label}")]
            size = [f"--window-size={width},{height}"]
            dom = subprocess.run(
                [browser, *FLAGS, *profile, *size, "--virtual-time-budget=5000", "--dump-dom",
                 probe.as_uri()], capture_output=True, text=True, timeout=120,
            ).stdout
            match = re.search(r"OVERFLOW=(-?\d+)", dom)
            overflow = int(match.group(1)) if match else None
            if overflow is None or overflow > 0:
                problems.append(f"{report.name} at {label} width ({width}px): overflow {overflow}")
            shot = out / f"{report.stem}-{label}.png"
            subprocess.run(
                [browser, *FLAGS, *profile, f"--window-size={width},{height * 3}",
                 f"--screenshot={shot}", report.resolve().as_uri()],
                capture_output=True, timeout=120, check=False,
            )
            if not shot.exists():
                problems.append(f"{report.name}: no screenshot at {label} width")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    browser = chromium()
    problems = [p for report in args.reports for p in check(report, args.out, browser)]
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"checked {len(args.reports)} report(s); screenshots in {args.out}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
