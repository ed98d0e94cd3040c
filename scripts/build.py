"""Build the handbook atomically: MkDocs writes into a fresh folder beside the target, and only a build
that succeeded (strict mode, every check of the hooks passed) replaces the published folder.

    python scripts/build.py [--config mkdocs.yml] [--site-dir site] [--generator mkdocs|properdocs]

A failed build exits non-zero and leaves the target folder exactly as it was. The generator is MkDocs 1.6.1 by
default; ProperDocs 1.6.7, its maintained drop-in fork, builds the same mkdocs.yml with the same hooks and theme
(the path for when Material stops: CONTRIBUTING.md). HANDBOOK_GENERATOR sets the default, so that the tests can
run every build with ProperDocs (make test-properdocs).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


GENERATORS = ("mkdocs", "properdocs")


def build(config: Path, site_dir: Path, extra_args: list[str] | None = None, generator: str = "mkdocs") -> int:
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-building-", dir=site_dir.parent))
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", generator, "build", "--strict", "--config-file", str(config),
               "--site-dir", str(staging), *(extra_args or [])]
    result = subprocess.run(command, env=env)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"build failed: {site_dir} was left as it was.", file=sys.stderr)
        return result.returncode
    publish(staging, site_dir)
    return 0


def publish(staging: Path, site_dir: Path) -> None:
    """Swap the finished build into place with renames, so readers never see half a site."""
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}-old-{os.getpid()}")
        site_dir.rename(old)
    staging.rename(site_dir)
    os.chmod(site_dir, 0o755)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"))
    parser.add_argument("--site-dir", type=Path, default=Path("site"))
    parser.add_argument("--generator", choices=GENERATORS, default=os.environ.get("HANDBOOK_GENERATOR") or "mkdocs",
                        help="the site generator (default: $HANDBOOK_GENERATOR, else mkdocs)")
    args, extra = parser.parse_known_args()
    if args.generator not in GENERATORS:
        parser.error(f"HANDBOOK_GENERATOR={args.generator!r}: use one of {', '.join(GENERATORS)}")
    return build(args.config, args.site_dir, extra, args.generator)


if __name__ == "__main__":
    sys.exit(main())
