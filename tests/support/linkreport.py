"""Run LinkChecker over a URL with the project's settings and read its CSV report."""
from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# LinkChecker's command line, parsing each page once (see run_linkchecker.py).
LINKCHECKER = [sys.executable, str(Path(__file__).with_name("run_linkchecker.py"))]
CONFIG = ROOT / "tests" / "linkcheckerrc"


@dataclass
class Report:
    returncode: int
    rows: list[dict[str, str]]  # one per checked URL (verbose): url, parentname, result, warningstring, valid, …
    stderr: str

    def failures(self) -> list[dict[str, str]]:
        return [row for row in self.rows if row["valid"] != "True" or row["warningstring"]]

    def describe(self, rows: list[dict[str, str]] | None = None) -> str:
        rows = self.failures() if rows is None else rows
        return "\n".join(f"{row['url']} (linked from {row['parentname']} line {row['line']}): "
                         f"{row['result']} {row['warningstring']}".strip() for row in rows)


def check(url: str, recursion_level: int = -1) -> Report:
    """Check `url` and what it links to, `recursion_level` links deep (-1: the whole site)."""
    result = subprocess.run([*LINKCHECKER, "-f", str(CONFIG), "--verbose", "--no-status", "-o", "csv",
                             "--recursion-level", str(recursion_level), url],
                            capture_output=True, text=True, timeout=300)
    # Comment lines start with "# "; a row may start with "#" too (a link to an anchor on the same page).
    lines = [line for line in result.stdout.splitlines() if line and not line.startswith("# ")]
    rows = list(csv.DictReader(lines, delimiter=";"))
    return Report(result.returncode, rows, result.stderr)
