"""Time the offline editions of the whole handbook: the site build they start from, then the PDF, EPUB and zip.

    python scripts/bench_editions.py [--runs 1]

Prints seconds per step (the median of --runs, and the fastest) and the size and page count of each edition. Output goes to a temporary
folder; build/editions/ is left alone.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from editions.build_all import build_editions  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="repeat and report the median time of each step")
    args = parser.parse_args()
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-editions-") as tmp:
        for _ in range(args.runs):
            timings: dict[str, float] = {}
            files = build_editions(out_dir=Path(tmp), version="bench", timings=timings)
            for step, seconds in timings.items():
                times.setdefault(step, []).append(seconds)
        from pypdf import PdfReader
        pages = len(PdfReader(files["pdf"]).pages)
        sizes = {kind: path.stat().st_size / 1024 for kind, path in files.items()}
    median = {step: statistics.median(values) for step, values in times.items()}

    def fig(step: str) -> str:           # "12.3 s (fastest 11.9)"
        return f"{median[step]:6.1f} s" + (f" (fastest {min(times[step]):.1f})" if args.runs > 1 else "")

    print(f"editions of the whole handbook on {os.cpu_count()} cores (median of {args.runs} run(s); the offline")
    print("site builds in the background while the site for the PDF/EPUB builds and the PDF is set):")
    print(f"  site build for PDF and EPUB         {fig('site build')}")
    print(f"  PDF  (assemble + WeasyPrint)        {fig('pdf')}   {pages} pages, {sizes['pdf']:.0f} KB"
          f" ({median['pdf cpu']:.1f} s of CPU)")
    print(f"  EPUB (assemble + pandoc)            {fig('epub')}   {sizes['epub']:.0f} KB")
    print(f"  offline zip (wait for its build)    {fig('offline (after the rest)')}   {sizes['offline']:.0f} KB")
    print(f"  total, all three editions           {fig('total')}")
    load = os.getloadavg()[0]
    print(f"  (load average at the end: {load:.1f}; other work on the machine slows every figure)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
