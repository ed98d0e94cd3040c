"""The offline website: the handbook built with mkdocs-offline.yml (Material's offline plugin), zipped.

Open index.html from the unzipped folder in a browser: no server and no other host is needed. The offline plugin
would load its iframe-worker shim (search from file://) from a CDN; we ship the npm package's copy instead.
"""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from editions.common import BASENAME, ROOT, EditionError, SiteBuild
from third_party_scan import scan

CONFIG = ROOT / "mkdocs-offline.yml"
SHIM_PACKAGE = ROOT / "node_modules" / "iframe-worker"
SHIM_TARGET = Path("assets/javascripts/iframe-worker")   # as listed in mkdocs-offline.yml extra.polyfills


def vendor_shim(site: Path, package: Path = SHIM_PACKAGE) -> Path:
    """Copy the iframe-worker shim (and its licence) from node_modules into the built site."""
    shim = package / "shim" / "index.js"
    if not shim.is_file():
        raise EditionError(f"{shim}: missing; the offline site needs the npm package iframe-worker: "
                           "run scripts/bootstrap.sh all (it runs npm ci).")
    target = site / SHIM_TARGET
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shim, target / "shim.js")
    if (package / "LICENSE").is_file():
        shutil.copyfile(package / "LICENSE", target / "LICENSE")
    return target / "shim.js"


def check_self_contained(site: Path) -> None:
    findings = scan(site)
    if findings:
        listed = "\n".join(f"  {finding}" for finding in findings)
        raise EditionError(f"the offline site would load resources from other hosts:\n{listed}\n"
                           "Remove them or vendor them (see mkdocs-offline.yml extra.polyfills).")


def zip_site(site: Path, out: Path) -> Path:
    """Zip the site under one top folder, so unzipping does not spill files into the reader's folder."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(site.rglob("*")):
            if path.is_file():
                archive.write(path, f"{BASENAME}/{path.relative_to(site).as_posix()}")
    partial.replace(out)
    return out


def start(work_dir: Path) -> SiteBuild:
    """Start the offline site's build in the background (it runs beside the PDF on a second core)."""
    return SiteBuild(work_dir / "site", CONFIG)


def finish(build: SiteBuild, out_dir: Path) -> Path:
    site = build.wait()
    vendor_shim(site)
    check_self_contained(site)
    return zip_site(site, out_dir / f"{BASENAME}-offline.zip")


def build_offline(out_dir: Path, work_dir: Path) -> Path:
    return finish(start(work_dir), out_dir)
