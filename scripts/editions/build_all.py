"""Build the offline editions (PDF, EPUB, offline website zip) and optionally copy them into a built site.

    python scripts/editions/build_all.py [--only pdf|epub|offline ...] [--out build/editions]
                                         [--site SITE_DIR] [--from-site SITE_DIR] [--version 1.0]
                                         [--config mkdocs.yml]

The PDF and EPUB are made from a fresh build of the site in a temporary folder, or, with --from-site, from a
site just built from the same sources (a release builds its site once). With --site, the editions are copied
into SITE_DIR/downloads/, where the announce bar links to them when the site was built with
HANDBOOK_EDITIONS=true (mkdocs.yml: extra.editions). The offline zip is always a build of its own
(mkdocs-offline.yml).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):   # run as a script: make `editions` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from editions.common import BASENAME, DEFAULT_OUT, ROOT, EditionError, SiteBuild, load_config  # noqa: E402

KINDS = ("pdf", "epub", "offline")
DOWNLOADS = "downloads"


def edition_files(out_dir: Path) -> dict[str, Path]:
    return {"pdf": out_dir / f"{BASENAME}.pdf", "epub": out_dir / f"{BASENAME}.epub",
            "offline": out_dir / f"{BASENAME}-offline.zip"}


def build_editions(kinds=KINDS, out_dir: Path = DEFAULT_OUT, version: str | None = None,
                   timings: dict | None = None, config: Path = ROOT / "mkdocs.yml",
                   from_site: Path | None = None) -> dict[str, Path]:
    """Build the requested editions of the handbook that `config` describes into out_dir; returns {kind: path}.
    `timings` receives seconds per step; `from_site`: a built site of the same sources to make the PDF and EPUB
    from, instead of building one."""
    config = config.resolve()
    if not config.is_file():
        raise EditionError(f"{config}: no such MkDocs configuration; run from the handbook's folder or pass --config.")
    from editions import offline   # heavy imports only when building

    timings = timings if timings is not None else {}
    out_dir.mkdir(parents=True, exist_ok=True)
    built: dict[str, Path] = {}
    begin = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="editions-") as tmp:
        # Both MkDocs builds start at once: on two cores the offline site builds while the PDF is set.
        offline_build = offline.start(Path(tmp) / "offline", config) if "offline" in kinds else None
        try:
            _print_editions(kinds, config, Path(tmp), out_dir, version, timings, built, begin, from_site)
        except BaseException:
            if offline_build is not None:
                offline_build.stop()
            raise
        if offline_build is not None:
            start = time.perf_counter()
            built["offline"] = offline.finish(offline_build, out_dir)
            timings["offline (after the rest)"] = time.perf_counter() - start
    timings["total"] = time.perf_counter() - begin
    return built


def _print_editions(kinds, config_path: Path, tmp: Path, out_dir: Path, version, timings: dict, built: dict,
                    begin: float, from_site: Path | None = None) -> None:
    """The PDF and the EPUB, both from one build of the site (`from_site`, or a fresh one)."""
    from editions import assemble, epub, pdf

    if "pdf" in kinds or "epub" in kinds:
        if from_site is not None:
            check_site(from_site)
        site = from_site or SiteBuild(tmp / "site", config_path).wait()
        timings["site build"] = time.perf_counter() - begin
        config = load_config(config_path)
        for kind, builder in (("pdf", pdf.build_pdf), ("epub", epub.build_epub)):
            if kind in kinds:
                start, cpu = time.perf_counter(), time.process_time()
                book = assemble.assemble(site, config, version)   # fresh: each edition transforms it
                built[kind] = builder(book, out_dir)
                timings[kind] = time.perf_counter() - start
                timings[f"{kind} cpu"] = time.process_time() - cpu   # this process only (pandoc runs apart)


def check_site(site_dir: Path) -> None:
    if not (site_dir / "index.html").is_file():
        raise EditionError(f"{site_dir}: not a built site (no index.html); build it first (make build).")


def copy_into_site(files: dict[str, Path], site_dir: Path) -> list[Path]:
    """Put the editions where the downloads partial links to them: SITE_DIR/downloads/."""
    check_site(site_dir)
    target = site_dir / DOWNLOADS
    target.mkdir(exist_ok=True)
    copied = []
    for path in files.values():
        shutil.copy2(path, target / path.name)
        (target / path.name).chmod(0o644)
        copied.append(target / path.name)
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"),
                        help="the handbook's MkDocs configuration (default: mkdocs.yml in the current folder)")
    parser.add_argument("--only", action="append", choices=KINDS, help="build only this edition (repeatable)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default build/editions)")
    parser.add_argument("--site", type=Path, help="also copy the editions into SITE/downloads/")
    parser.add_argument("--from-site", type=Path, help="make the PDF and EPUB from this built site (same sources)")
    parser.add_argument("--version", help="edition/version shown on the cover (default: HANDBOOK_VERSION or git)")
    args = parser.parse_args(argv)
    kinds = tuple(args.only or KINDS)
    timings: dict[str, float] = {}
    try:
        if args.site:
            check_site(args.site)    # before minutes of work, not after
        files = build_editions(kinds, args.out, args.version, timings, args.config, args.from_site)
        if args.site:
            for path in copy_into_site(files, args.site):
                print(f"copied {path}")
    except EditionError as error:
        print(f"editions: {error}", file=sys.stderr)
        return 1
    for kind, path in files.items():
        print(f"{kind}: {path} ({path.stat().st_size / 1024:.0f} KB)")
    print("times: " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
