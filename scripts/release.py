"""Publish one version of the handbook with mike: build it, check it, and only then commit it to gh-pages.

    python scripts/release.py VERSION [--alias latest | --no-alias] [--title TITLE] [--push] [--allow-dirty]

VERSION is an edition number ("1.0", "1.1.2") or "dev" (the main branch). The site is built once, with the
version's settings (strict mode), together with its PDF and EPUB editions; the checks run on that build; and
exactly the files that passed are committed to the local `gh-pages` branch with mike, as VERSION plus its alias
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

from mike import commands as mike_commands
from mike import git_utils
from mike.mkdocs_utils import docs_version_var

SCRIPTS = Path(__file__).resolve().parent
ROOT = SCRIPTS.parent
sys.path.insert(0, str(SCRIPTS))
import third_party_scan  # noqa: E402

VERSION_RE = re.compile(r"^(?:dev|\d+\.\d+(?:\.\d+)?)$")
ALIAS_RE = re.compile(r"^[a-z][a-z0-9-]*$")
EDITIONS_CLI = SCRIPTS / "editions" / "build_all.py"


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


def build_editions(release: Release, site: Path, env: dict[str, str]) -> bool:
    """The PDF and EPUB of this version, copied into its site. False when this checkout has no editions CLI."""
    if not EDITIONS_CLI.exists():
        return False
    command = [sys.executable, str(EDITIONS_CLI), "--only", "pdf", "--only", "epub", "--site", str(site),
               "--version", release.version, "--out", str(site.parent / "editions")]
    if subprocess.run(command, cwd=release.project, env=env).returncode != 0:
        raise ReleaseError(f"the PDF/EPUB editions of {release.version} failed (messages above)")
    return True


def check_site(site: Path) -> None:
    findings = third_party_scan.scan(site)
    if findings:
        listing = "\n".join(f"  {finding}" for finding in findings)
        raise ReleaseError(f"the built site loads {len(findings)} resource(s) from other hosts; make them local:\n"
                           f"{listing}")


def deploy(release: Release, site: Path, message: str | None = None) -> bool:
    """Commit `site` as the version and its aliases. True if gh-pages changed."""
    cfg = {"site_dir": str(site), "use_directory_urls": True}
    changed = True
    try:
        with mike_commands.deploy(cfg, release.version, release.title, list(release.aliases), update_aliases=True,
                                  alias_type=mike_commands.AliasType.redirect, branch=release.branch,
                                  message=message):
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


def release_version(release: Release, *, allow_dirty: bool = False) -> int:
    validate(release.version, release.aliases)
    if not allow_dirty:
        check_working_tree(release.project)
    os.chdir(release.project)                       # mike's git calls act on the current directory's repository
    git_utils.update_from_upstream(release.remote, release.branch)
    before = branch_head(release.project, release.branch)
    env = reproducible_env(release)
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        site = Path(tmp) / "site"
        build_site(release, site, env)
        with_editions = build_editions(release, site, env)
        check_site(site)
        changed = deploy(release, site)
    after = branch_head(release.project, release.branch)
    editions = "with its PDF and EPUB" if with_editions else "without PDF/EPUB (no scripts/editions/build_all.py)"
    state = f"{release.branch} {before or '(new)'} -> {after}" if changed else f"{release.branch} unchanged at {after}"
    print(f"release {release.version} ({', '.join(release.aliases) or 'no alias'}) {editions}: {state}")
    return 0


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
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    aliases = () if args.no_alias else tuple(args.alias or ["latest"])
    release = Release(ROOT, args.version, aliases, args.title, remote=args.remote)
    try:
        release_version(release, allow_dirty=args.allow_dirty)
    except (ReleaseError, git_utils.GitError) as error:
        print(f"release {args.version}: {error}\nNothing was published: {release.branch} is as it was.",
              file=sys.stderr)
        return 1
    return push(release) if args.push else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
