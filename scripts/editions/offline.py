"""The offline website: the handbook built with mkdocs-offline.yml (Material's offline plugin), zipped.

Open index.html from the unzipped folder in a browser: no server and no other host is needed. The offline plugin
would load its iframe-worker shim (search from file://) from a CDN; we ship the npm package's copy instead.
"""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from bs4 import BeautifulSoup

from editions.common import BASENAME, ROOT, EditionError, SiteBuild
from third_party_scan import scan

OFFLINE_CONFIG = "mkdocs-offline.yml"        # beside the site's mkdocs.yml
SHIM_PACKAGE = Path("node_modules") / "iframe-worker"
SHIM_TARGET = Path("assets/javascripts/iframe-worker")   # as listed in mkdocs-offline.yml extra.polyfills


def vendor_shim(site: Path, package: Path = ROOT / SHIM_PACKAGE) -> Path:
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


def allow_shim_inline_script(site: Path) -> int:
    """Let the iframe-worker shim run search from file://: it writes an inline <script> into a hidden iframe,
    which inherits the page's Content-Security-Policy. That script names the search worker by its absolute
    file: URL, which depends on where the reader unzips the site, so no hash can allow it: in this copy only,
    inline scripts are allowed from the site itself (the content checks of the build still reject scripts in
    the content). Returns the number of pages changed."""
    changed = 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        meta = BeautifulSoup(text, "lxml").find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        if meta is None or meta.get("content", "") not in text:
            continue
        directives = [d.strip() for d in meta["content"].split(";") if d.strip()]
        relaxed = ["script-src 'self' 'unsafe-inline'" if d.startswith("script-src") else d for d in directives]
        page.write_text(text.replace(meta["content"], "; ".join(relaxed), 1), encoding="utf-8")
        changed += 1
    return changed


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


def start(work_dir: Path, config: Path = ROOT / "mkdocs.yml") -> SiteBuild:
    """Start the offline site's build in the background (it runs beside the PDF on a second core)."""
    return SiteBuild(work_dir / "site", config.parent / OFFLINE_CONFIG)


def finish(build: SiteBuild, out_dir: Path) -> Path:
    site = build.wait()
    project_copy = build.config.parent / SHIM_PACKAGE      # a project's own node_modules, else this checkout's
    vendor_shim(site, project_copy if project_copy.is_dir() else ROOT / SHIM_PACKAGE)
    allow_shim_inline_script(site)
    check_self_contained(site)
    return zip_site(site, out_dir / f"{BASENAME}-offline.zip")


def build_offline(out_dir: Path, work_dir: Path, config: Path = ROOT / "mkdocs.yml") -> Path:
    return finish(start(work_dir, config), out_dir)
