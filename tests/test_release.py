"""Versioned publishing (scripts/release.py with mike) and the CI workflows.

Releases run in a throw-away git repository holding a copy of the handbook, never in this checkout's repository:
mike commits to the repository it runs in.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
from io import BytesIO
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT

CHAPTER = "docs/chapters/01-first-half.md"
CHANGELOG = "docs/changelog.md"
MARKER_1_1 = "Marker of edition 1.1 in the release test"
DOWNLOADS = {"fintechs-new-look.pdf", "fintechs-new-look.epub", "fintechs-new-look-offline.zip"}


# --- a throw-away repository and its gh-pages branch -----------------------------------------------------------

def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def release(repo: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the repository's own copy of scripts/release.py, as `make release` does."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "scripts/release.py", *args], cwd=repo, env=env,
                          capture_output=True, text=True)


def gh_pages(repo: Path) -> str:
    return git(repo, "rev-parse", "refs/heads/gh-pages")


def tree(repo: Path) -> dict[str, tuple[str, str]]:
    """Every path on gh-pages -> (git mode, blob id)."""
    entries = {}
    for line in git(repo, "ls-tree", "-r", "gh-pages").splitlines():
        meta, path = line.split("\t", 1)
        mode, _, blob = meta.split()
        entries[path] = (mode, blob)
    return entries


def read(repo: Path, path: str) -> str:
    return git(repo, "show", f"gh-pages:{path}")


def redirect_target(html: str) -> str:
    """Where one of mike's redirect pages sends the reader (its <noscript> refresh and its link agree)."""
    soup = BeautifulSoup(html, "lxml")
    link = soup.body.find("a")["href"]
    refresh = BeautifulSoup(soup.find("noscript").decode_contents(), "lxml").find("meta")["content"]
    assert refresh.split("url=", 1)[1] == link
    return link


def failure_report(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\n{result.stdout}\n{result.stderr[-3000:]}"


@pytest.fixture(scope="module")
def pages_repo(tmp_path_factory) -> Path:
    """A committed copy of the handbook with 1.0 released (website only, to keep the test lean), then 1.1 with
    its editions and a changelog entry of its own."""
    repo = tmp_path_factory.mktemp("release") / "handbook"
    for name in git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard").splitlines():
        if (ROOT / name).is_file():                     # the checkout as a commit of it would hold it
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    # what `scripts/bootstrap.sh all` installs beside the sources (ignored by git): the offline edition needs it
    shutil.copytree(ROOT / "node_modules", repo / "node_modules")
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "config", "user.name", "Release Test")
    git(repo, "config", "user.email", "release-test@example.org")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", "handbook 1.0")
    git(repo, "tag", "v1.0")

    first = release(repo, "1.0", "--no-editions")
    assert first.returncode == 0, failure_report(first)
    with (repo / CHANGELOG).open("a", encoding="utf-8") as changelog:
        changelog.write(f"\n## 1.1\n\n- {MARKER_1_1}.\n")
    git(repo, "commit", "--quiet", "--all", "--message", "handbook 1.1")
    second = release(repo, "1.1", "--alias", "latest")
    assert second.returncode == 0, failure_report(second)
    return repo


# --- what gets published -----------------------------------------------------------------------------------------

def test_versions_json_lists_both_versions_and_latest_moved_to_the_newest(pages_repo):
    versions = json.loads(read(pages_repo, "versions.json"))
    assert versions == [{"version": "1.1", "title": "1.1", "aliases": ["latest"]},
                        {"version": "1.0", "title": "1.0", "aliases": []}]


def test_root_redirects_to_latest_and_latest_redirects_into_the_newest_version(pages_repo):
    assert redirect_target(read(pages_repo, "index.html")) == "latest/"
    assert redirect_target(read(pages_repo, "latest/index.html")) == "../1.1/"
    assert redirect_target(read(pages_repo, "latest/chapters/01-first-half/index.html")) \
        == "../../../1.1/chapters/01-first-half/"


def test_aliases_are_files_not_symlinks(pages_repo):
    entries = tree(pages_repo)
    symlinks = [path for path, (mode, _) in entries.items() if mode == "120000"]
    assert symlinks == []
    assert "latest/index.html" in entries


def test_each_version_holds_its_own_build(pages_repo):
    entries = tree(pages_repo)
    pages = ["index.html", "chapters/01-first-half/index.html", "glossary/index.html", "changelog/index.html"]
    for version in ("1.0", "1.1"):
        missing = [page for page in pages if f"{version}/{page}" not in entries]
        assert missing == [], f"{version} lacks {missing}"
        soup = BeautifulSoup(read(pages_repo, f"{version}/index.html"), "lxml")
        # mike's plugin points every version's canonical link at the latest one
        assert soup.find("link", rel="canonical")["href"].endswith("/new-look/latest/")
    assert MARKER_1_1 in read(pages_repo, "1.1/changelog/index.html")
    assert MARKER_1_1 not in read(pages_repo, "1.0/changelog/index.html")


def test_a_version_carries_its_own_pdf_epub_and_offline_zip_and_links_to_them(pages_repo):
    entries = tree(pages_repo)
    assert {Path(path).name for path in entries if path.startswith("1.1/downloads/")} == DOWNLOADS
    assert not any(path.startswith("1.0/downloads/") for path in entries)    # released with --no-editions
    pdf = subprocess.run(["git", "show", "gh-pages:1.1/downloads/fintechs-new-look.pdf"], cwd=pages_repo,
                         capture_output=True, check=True).stdout
    assert pdf.startswith(b"%PDF-")
    chapter = BeautifulSoup(read(pages_repo, "1.1/chapters/01-first-half/index.html"), "lxml")
    links = {a["href"] for a in chapter.select(".handbook-downloads a")}
    assert links == {f"../../downloads/{name}" for name in DOWNLOADS}
    assert not BeautifulSoup(read(pages_repo, "1.0/index.html"), "lxml").select(".handbook-downloads a")


def test_release_check_finds_links_to_files_the_site_lacks(tmp_path):
    release_script = pytest.importorskip("release")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "index.html").write_text(
        '<a href="../downloads/book.pdf">PDF</a> <a href="../">home</a> <a href="#top">top</a>'
        '<a href="../../">other versions</a> <a href="https://example.org/">web</a>', encoding="utf-8")
    (tmp_path / "index.html").write_text('<img src="logo.png" alt="">', encoding="utf-8")
    assert release_script.missing_files(tmp_path) == ["chapters/index.html: ../downloads/book.pdf",
                                                      "index.html: logo.png"]


# --- what must not get published --------------------------------------------------------------------------------

def test_failed_build_leaves_gh_pages_exactly_as_it_was(pages_repo):
    before = gh_pages(pages_repo)
    chapter = pages_repo / CHAPTER
    original = chapter.read_text(encoding="utf-8")
    chapter.write_text(original + "\nSee [the missing page](no-such-page.md).\n", encoding="utf-8")
    try:
        result = release(pages_repo, "1.2", "--allow-dirty")
    finally:
        chapter.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    assert "chapters/01-first-half.md" in result.stderr and "no-such-page.md" in result.stderr
    assert "the build of 1.2 failed" in result.stderr
    assert "Nothing was published: gh-pages is as it was." in result.stderr
    assert gh_pages(pages_repo) == before


def test_uncommitted_changes_are_refused_before_building(pages_repo):
    before = gh_pages(pages_repo)
    stray = pages_repo / "docs" / "draft.md"
    stray.write_text("# Draft\n", encoding="utf-8")
    try:
        result = release(pages_repo, "1.2")
    finally:
        stray.unlink()
    assert result.returncode == 1
    assert "uncommitted changes (first: docs/draft.md); commit or stash them" in result.stderr
    assert "Building documentation" not in result.stderr
    assert gh_pages(pages_repo) == before


@pytest.mark.parametrize("args, message", [
    (["v1.2"], "version 'v1.2' is not an edition number: use MAJOR.MINOR (e.g. 1.1)"),
    (["1.2", "--alias", "1.0"], "alias '1.0' must be a lowercase word such as latest"),
])
def test_bad_version_or_alias_is_refused_with_what_to_do(pages_repo, args, message):
    before = gh_pages(pages_repo)
    result = release(pages_repo, *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert gh_pages(pages_repo) == before


def test_releasing_the_same_version_twice_changes_nothing(pages_repo):
    before, versions = gh_pages(pages_repo), read(pages_repo, "versions.json")
    git(pages_repo, "checkout", "--quiet", "v1.0")     # the commit 1.0 was released from
    try:
        result = release(pages_repo, "1.0", "--no-alias", "--no-editions")
    finally:
        git(pages_repo, "checkout", "--quiet", "main")
    assert result.returncode == 0, failure_report(result)
    assert "gh-pages unchanged" in result.stdout
    assert gh_pages(pages_repo) == before
    assert read(pages_repo, "versions.json") == versions


# --- in a browser: the version selector and the outdated banner -----------------------------------------------

@pytest.fixture(scope="module")
def pages_server(pages_repo, tmp_path_factory):
    """The gh-pages tree, served over HTTP on 127.0.0.1 as a static host would serve it."""
    root = tmp_path_factory.mktemp("gh-pages")
    archive = subprocess.run(["git", "archive", "--format=tar", "gh-pages"], cwd=pages_repo,
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(root, filter="data")
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.browser
def test_outdated_banner_shows_on_an_old_version_and_leads_to_latest(pages_server, browser):
    page = browser.new_page()
    page.goto(f"{pages_server}/1.0/chapters/01-first-half/")
    banner = page.locator("[data-md-component=outdated]")
    banner.wait_for(state="visible", timeout=10_000)
    assert "You're not viewing the latest version." in banner.inner_text()
    banner.get_by_role("link", name="Click here to go to latest.").click()
    page.wait_for_url(f"{pages_server}/1.1/", timeout=10_000)
    page.close()


@pytest.mark.browser
def test_latest_has_no_banner_and_its_selector_lists_every_version(pages_server, browser):
    page = browser.new_page()
    page.goto(f"{pages_server}/")                         # root -> latest/ -> 1.1/
    page.wait_for_url(f"{pages_server}/1.1/", timeout=10_000)
    selector = page.locator(".md-version")
    selector.wait_for(state="attached", timeout=10_000)  # drawn once versions.json has been read
    assert page.locator(".md-version__current").inner_text().strip() == "1.1"
    listed = [text.strip() for text in page.locator(".md-version__link").all_inner_texts()]
    assert listed[:2] == ["1.1", "1.0"], listed
    assert page.locator("[data-md-component=outdated]").is_hidden()
    page.close()


# --- the CI workflows: same make targets as local work, actions pinned --------------------------------------

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
MAKE_COMMAND = re.compile(r"^make ([\w.-]+)(?: [A-Z_]+=\S*)*$")


def makefile_targets(makefile: Path) -> set[str]:
    return set(re.findall(r"^([\w.-]+):(?!=)", makefile.read_text(encoding="utf-8"), flags=re.MULTILINE))


def workflow_problems(workflow: dict, name: str, targets: set[str]) -> list[str]:
    """Every run step that is not `make <existing target>`, every action not pinned to a commit."""
    problems = []
    for job_name, job in (workflow.get("jobs") or {}).items():
        for number, step in enumerate(job.get("steps") or [], start=1):
            where = f"{name}: job {job_name}, step {number}"
            if "uses" in step and not PINNED.match(step["uses"]):
                problems.append(f"{where}: {step['uses']} is not pinned to a full commit SHA")
            for line in str(step.get("run", "")).splitlines():
                match = MAKE_COMMAND.match(line.strip())
                if not match:
                    problems.append(f"{where}: `{line.strip()}` is not a make target; add one to the Makefile")
                elif match.group(1) not in targets:
                    problems.append(f"{where}: make {match.group(1)}: no such target in the Makefile")
    return problems


def test_workflows_run_only_existing_make_targets_and_pin_every_action():
    names = {path.name for path in WORKFLOWS}
    assert {"pull-request.yml", "publish.yml"} <= names
    targets = makefile_targets(ROOT / "Makefile")
    problems = []
    for path in WORKFLOWS:
        problems += workflow_problems(yaml.safe_load(path.read_text(encoding="utf-8")), path.name, targets)
    assert problems == [], "\n".join(problems)


def test_workflow_check_catches_unpinned_actions_and_unknown_commands():
    workflow = yaml.safe_load("""
jobs:
  build:
    steps:
      - uses: actions/checkout@v4
      - run: make nonexistent
      - run: pip install mkdocs
      - run: make test
""")
    problems = workflow_problems(workflow, "bad.yml", {"test"})
    assert problems == [
        "bad.yml: job build, step 1: actions/checkout@v4 is not pinned to a full commit SHA",
        "bad.yml: job build, step 2: make nonexistent: no such target in the Makefile",
        "bad.yml: job build, step 3: `pip install mkdocs` is not a make target; add one to the Makefile",
    ]


def test_workflows_test_pull_requests_and_publish_main_and_tags():
    pull_request = yaml.safe_load((ROOT / ".github/workflows/pull-request.yml").read_text(encoding="utf-8"))
    publish = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    # PyYAML reads the key `on` as True
    assert "pull_request" in pull_request[True]
    assert publish[True]["push"] == {"branches": ["main"], "tags": ["v*"]}
    runs = [step.get("run") for job in pull_request["jobs"].values() for step in job["steps"]]
    assert "make test" in runs
    uploads = [step["with"]["path"] for job in pull_request["jobs"].values() for step in job["steps"]
               if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert any("site/" in path for path in uploads)
    assert any(".pdf" in path and ".epub" in path for path in uploads)
    deploy_runs = [step.get("run") for step in publish["jobs"]["deploy"]["steps"]]
    assert "make release VERSION=dev ALIAS=" in deploy_runs
    assert 'make release VERSION="${GITHUB_REF_NAME#v}" ALIAS=latest' in deploy_runs
    assert deploy_runs[-1] == "make publish"
    for workflow in (pull_request, publish):
        caches = [step for job in workflow["jobs"].values() for step in job["steps"]
                  if step.get("uses", "").startswith("actions/cache@")]
        assert caches and all(step["with"]["path"] == ".venv" and "hashFiles('requirements.lock')"
                              in step["with"]["key"] for step in caches)
