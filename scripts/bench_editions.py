"""Time the offline editions of the whole handbook: the site build they start from, then the PDF, EPUB and zip.

    python scripts/bench_editions.py [--runs 1]

Prints seconds per step (best of --runs) and the size and page count of each edition. Output goes to a temporary
folder; build/editions/ is left alone.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from editions.build_all import build_editions  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="repeat and keep the best time of each step")
    args = parser.parse_args()
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-editions-") as tmp:
        for _ in range(args.runs):
            timings: dict[str, float] = {}
            files = build_editions(out_dir=Path(tmp), version="bench", timings=timings)
            for step, seconds in timings.items():
                best[step] = min(best.get(step, float("inf")), seconds)
        from pypdf import PdfReader
        pages = len(PdfReader(files["pdf"]).pages)
        sizes = {kind: path.stat().st_size / 1024 for kind, path in files.items()}
    print(f"editions of the whole handbook on {os.cpu_count()} cores (best of {args.runs} run(s); the offline site")
    print("builds in the background while the site for the PDF/EPUB builds and the PDF is set):")
    print(f"  site build for PDF and EPUB         {best['site build']:6.1f} s")
    print(f"  PDF  (assemble + WeasyPrint)        {best['pdf']:6.1f} s   {pages} pages, {sizes['pdf']:.0f} KB"
          f" ({best['pdf cpu']:.1f} s of CPU)")
    print(f"  EPUB (assemble + pandoc)            {best['epub']:6.1f} s   {sizes['epub']:.0f} KB")
    print(f"  offline zip (wait for its build)    {best['offline (after the rest)']:6.1f} s   {sizes['offline']:.0f} KB")
    print(f"  total, all three editions           {best['total']:6.1f} s")
    load = os.getloadavg()[0]
    print(f"  (load average at the end: {load:.1f}; other work on the machine slows every figure)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
