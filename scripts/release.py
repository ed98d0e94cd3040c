"""Publish one version of the handbook with mike: build it, check it, and only then commit it to gh-pages.

    python scripts/release.py VERSION [--alias latest | --no-alias] [--title TITLE] [--push]
                              [--allow-dirty] [--no-editions]

VERSION is an edition number ("1.0", "1.1.2") or "dev" (the main branch). The site is built once, with the
version's settings (strict mode), and its PDF, EPUB and offline zip are copied into it; the checks (nothing
loaded from other hosts, no link to a file the site lacks) run on that build; and exactly the files that passed
are committed to the local `gh-pages` branch with mike, as VERSION plus its alias
(a redirect, never a symlink). The root of the site then redirects to `latest` (or, before the first edition,
to VERSION). A failed build or check commits nothing. Releasing the same version again replaces it; when nothing
changed, gh-pages stays as it is. `--push` pushes gh-pages afterwards; without it nothing leaves the machine.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup
from mike import commands as mike_commands
from mike import git_utils
from mike.mkdocs_utils import docs_version_var

SCRIPTS = Path(__file__).resolve().parent
ROOT = SCRIPTS.parent
sys.path.insert(0, str(SCRIPTS))
import third_party_scan  # noqa: E402

VERSION_RE = re.compile(r"^(?:dev|\d+\.\d+(?:\.\d+)?)$")
ALIAS_RE = re.compile(r"^[a-z][a-z0-9-]*$")
LINKING = ["a", "link", "script", "img", "source"]
EDITIONS_CLI = SCRIPTS / "editions" / "build_all.py"   # builds the editions and copies them into a site


class ReleaseError(RuntimeError):
    """A reason not to publish; the message says what to do."""


@dataclass(frozen=True)
class Release:
    project: Path
    version: str
    aliases: tuple[str, ...]
    title: str | None
    branch: str = "gh-pages"
    remote: str = "origin"

    @property
    def config(self) -> Path:
        return self.project / "mkdocs.yml"


def validate(version: str, aliases: tuple[str, ...]) -> None:
    if not VERSION_RE.match(version):
        raise ReleaseError(f"version {version!r} is not an edition number: use MAJOR.MINOR (e.g. 1.1), "
                           "MAJOR.MINOR.PATCH or dev")
    for alias in aliases:
        if not ALIAS_RE.match(alias) or VERSION_RE.match(alias):
            raise ReleaseError(f"alias {alias!r} must be a lowercase word such as latest, not a version number")


def git(project: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True)
    if result.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed in {project}: {result.stderr.strip()}")
    return result.stdout.strip()


def check_working_tree(project: Path) -> None:
    """A version is named after a commit: uncommitted changes would publish something no commit holds."""
    changes = git(project, "status", "--porcelain")
    if changes:
        first = changes.splitlines()[0][3:]
        raise ReleaseError(f"{project}: uncommitted changes (first: {first}); commit or stash them, "
                           "or pass --allow-dirty for a trial release")


def branch_head(project: Path, branch: str) -> str | None:
    result = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
                            cwd=project, capture_output=True, text=True)
    return result.stdout.strip() or None


def reproducible_env(release: Release) -> dict[str, str]:
    """Dates in the build (sitemap, archives) come from the release commit, so a rebuild is byte-identical."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env[docs_version_var] = release.version           # mike's plugin: canonical links and site_url per version
    env.setdefault("SOURCE_DATE_EPOCH", git(release.project, "log", "-1", "--format=%ct", "HEAD"))
    return env


def build_site(release: Release, site: Path, env: dict[str, str]) -> None:
    command = [sys.executable, str(SCRIPTS / "build.py"), "--config", str(release.config), "--site-dir", str(site)]
    if subprocess.run(command, cwd=release.project, env=env).returncode != 0:
        raise ReleaseError(f"the build of {release.version} failed (messages above)")


def build_editions(release: Release, site: Path, env: dict[str, str]) -> None:
    """The PDF, EPUB and offline zip of this version, copied into its site's downloads/. The PDF and EPUB are
    made from the site just built (one build of the site per release); the offline zip is a build of its own."""
    command = [sys.executable, str(EDITIONS_CLI), "--site", str(site), "--from-site", str(site),
               "--version", release.version, "--out", str(site.parent / "editions")]
    if subprocess.run(command, cwd=release.project, env=env).returncode != 0:
        raise ReleaseError(f"the PDF/EPUB editions of {release.version} failed (messages above)")


def check_site(site: Path) -> None:
    findings = third_party_scan.scan(site)
    if findings:
        listing = "\n".join(f"  {finding}" for finding in findings)
        raise ReleaseError(f"the built site loads {len(findings)} resource(s) from other hosts; make them local:\n"
                           f"{listing}")
    missing = missing_files(site)
    if missing:
        listing = "\n".join(f"  {finding}" for finding in missing)
        raise ReleaseError(f"the built site links to {len(missing)} file(s) it does not hold:\n{listing}")


def missing_files(site: Path) -> list[str]:
    """Links and sources inside the site that point to a file it does not hold ("page: link"): the download links
    of the announce bar, for one. Links that leave the version (to the site root, other versions) are left alone."""
    missing = []
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":         # served from any folder: MkDocs writes its links for the site root
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for element in soup.find_all(LINKING):
            url = element.get("href") or element.get("src") or ""
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_relative_to(site.resolve()):
                continue
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                missing.append(f"{page.relative_to(site)}: {url}")
    return missing


def deploy(release: Release, site: Path) -> bool:
    """Commit `site` as the version and its aliases. True if gh-pages changed."""
    cfg = {"site_dir": str(site), "use_directory_urls": True}
    changed = True
    try:
        with mike_commands.deploy(cfg, release.version, release.title, list(release.aliases), update_aliases=True,
                                  alias_type=mike_commands.AliasType.redirect, branch=release.branch):
            pass  # mike expects the build inside this block; ours already ran and passed the checks
    except git_utils.GitEmptyCommit:
        changed = False
    return set_default(release) or changed


def set_default(release: Release) -> bool:
    versions = mike_commands.list_versions(release.branch)
    default = "latest" if versions.find("latest") else release.version
    try:
        mike_commands.set_default(default, branch=release.branch)
    except git_utils.GitEmptyCommit:
        return False
    return True


def release_version(release: Release, *, allow_dirty: bool = False, editions: bool = True) -> None:
    validate(release.version, release.aliases)
    if not allow_dirty:
        check_working_tree(release.project)
    os.chdir(release.project)                       # mike's git calls act on the current directory's repository
    git_utils.update_from_upstream(release.remote, release.branch)
    before = branch_head(release.project, release.branch)
    env = reproducible_env(release)
    env["HANDBOOK_EDITIONS"] = "true" if editions else "false"     # the download links in the announce bar
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        site = Path(tmp) / "site"
        build_site(release, site, env)
        if editions:
            build_editions(release, site, env)
        check_site(site)
        changed = deploy(release, site)
    after = branch_head(release.project, release.branch)
    carried = "with its PDF, EPUB and offline zip" if editions else "without downloads (--no-editions)"
    state = f"{release.branch} {before or '(new)'} -> {after}" if changed else f"{release.branch} unchanged at {after}"
    print(f"release {release.version} ({', '.join(release.aliases) or 'no alias'}) {carried}: {state}")


def push(release: Release) -> int:
    try:
        git_utils.push_branch(release.remote, release.branch)
    except git_utils.GitError as error:
        print(f"release {release.version}: committed locally, but {error}\n"
              f"Push it later with: git push {release.remote} {release.branch}", file=sys.stderr)
        return 1
    print(f"pushed {release.branch} to {release.remote}")
    return 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", help='edition number such as 1.1, or "dev"')
    aliases = parser.add_mutually_exclusive_group()
    aliases.add_argument("--alias", action="append", help="alias to point at this version (default: latest)")
    aliases.add_argument("--no-alias", action="store_true", help="publish without an alias (e.g. dev)")
    parser.add_argument("--title", help="the name in the version selector (default: VERSION)")
    parser.add_argument("--push", action="store_true", help="push gh-pages to the remote afterwards")
    parser.add_argument("--remote", default="origin")
    parser.add_argument("--allow-dirty", action="store_true", help="release uncommitted changes (trial runs)")
    parser.add_argument("--no-editions", action="store_true",
                        help="publish the website without its PDF, EPUB and offline zip (trial runs)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    aliases = () if args.no_alias else tuple(args.alias or ["latest"])
    release = Release(ROOT, args.version, aliases, args.title, remote=args.remote)
    try:
        release_version(release, allow_dirty=args.allow_dirty, editions=not args.no_editions)
    except (ReleaseError, git_utils.GitError) as error:
        print(f"release {args.version}: {error}\nNothing was published: {release.branch} is as it was.",
              file=sys.stderr)
        return 1
    return push(release) if args.push else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
