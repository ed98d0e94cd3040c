"""Benchmark `make check` against a plain `make build` of the handbook (a script that prints figures, not a test).

    python scripts/bench_check.py [--runs 5]

Each turn runs the check (scripts/check.py) and the build (scripts/build.py into a temporary folder) once, as
separate processes, so that both pay their start-up; the script prints every turn's wall times, then the medians
and their ratio. Wall time is only meaningful on an otherwise idle machine.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str]) -> float:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("GITHUB_ACTIONS", None)
    start = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    check, build = [], []
    with tempfile.TemporaryDirectory(prefix="bench-check-") as folder:
        for turn in range(1, runs + 1):
            check.append(timed([sys.executable, "scripts/check.py"]))
            build.append(timed([sys.executable, "scripts/build.py", "--site-dir", str(Path(folder) / "site")]))
            print(f"turn {turn}: check {check[-1]:.2f} s, build {build[-1]:.2f} s", flush=True)
    median_check, median_build = statistics.median(check), statistics.median(build)
    print(f"median of {runs}: make check {median_check:.2f} s, make build {median_build:.2f} s, "
          f"ratio {median_check / median_build:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
