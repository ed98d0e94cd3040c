"""Check that a change to the engine changes no output: build the real handbook and the fixture handbook (in
process, and with a worker process) from this checkout and from a reference commit, and compare the trees byte
for byte.

    python scripts/same_output.py [--reference HEAD] [--keep DIR]

Exits 1 and lists the files that differ, 0 when every tree is the same. The reference commit is exported with
`git archive` into a temporary folder, so the checkout is not touched; both are built with this Python.
"""
from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path("tests/fixture_handbook")
# (name, config relative to the tree, extra.xref.workers to force or None for the config's own setting)
BUILDS = [("handbook", Path("mkdocs.yml"), None),
          ("fixture", FIXTURE / "mkdocs.yml", None),
          ("fixture-worker", FIXTURE / "mkdocs.yml", 1)]


def export(commit: str, into: Path) -> Path:
    """The tree of `commit`, written into `into` (git archive: no checkout is changed)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def config_for(tree: Path, config: Path, workers: int | None) -> Path:
    """The config to build; with `workers`, a copy beside the original that forces that setting."""
    path = tree / config
    if workers is None:
        return path
    forced = path.with_name(f"{path.stem}-workers-{workers}.yml")
    text = path.read_text(encoding="utf-8")
    if "\n  xref:\n" not in text:
        raise SystemExit(f"{path}: no 'extra: xref:' block to force workers in")
    forced.write_text(text.replace("\n  xref:\n", f"\n  xref:\n    workers: {workers}\n", 1), encoding="utf-8")
    return forced


def build(tree: Path, config: Path, workers: int | None, site: Path) -> None:
    command = [sys.executable, str(tree / "scripts" / "build.py"), "--config", str(config_for(tree, config, workers)),
               "--site-dir", str(site)]
    result = subprocess.run(command, cwd=tree, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"build of {tree / config} failed:\n{result.stdout}\n{result.stderr}")


def differences(left: Path, right: Path, prefix: str = "") -> list[str]:
    """Paths (relative) that exist on one side only or whose bytes differ."""
    compared = filecmp.dircmp(left, right, ignore=[])
    found = [f"{prefix}{name} (only in reference)" for name in compared.left_only]
    found += [f"{prefix}{name} (only in this checkout)" for name in compared.right_only]
    _, mismatch, errors = filecmp.cmpfiles(left, right, compared.common_files, shallow=False)
    found += [f"{prefix}{name}" for name in mismatch + errors]
    for name in compared.common_dirs:
        found += differences(left / name, right / name, f"{prefix}{name}/")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", default="HEAD", help="commit to compare with (default: HEAD)")
    parser.add_argument("--keep", type=Path, help="keep the builds in this folder instead of a temporary one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="same-output-") as temporary:
        work = args.keep or Path(temporary)
        reference = export(args.reference, work / "reference-tree")
        current = export_working_tree(work / "current-tree")
        different = 0
        for name, config, workers in BUILDS:
            build(reference, config, workers, work / "reference" / name)
            build(current, config, workers, work / "current" / name)
            found = differences(work / "reference" / name, work / "current" / name)
            files = sum(1 for p in (work / "current" / name).rglob("*") if p.is_file())
            print(f"{name}: {files} files, {len(found)} differ from {args.reference}")
            for path in found[:20]:
                print(f"  {path}")
            different += len(found)
    return 1 if different else 0


def export_working_tree(into: Path) -> Path:
    """This checkout's files as they are now (tracked and new, not ignored), copied into `into`."""
    into.mkdir(parents=True)
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            check=True, capture_output=True).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            target = into / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
            target.chmod(source.stat().st_mode)
    return into


if __name__ == "__main__":
    sys.exit(main())
