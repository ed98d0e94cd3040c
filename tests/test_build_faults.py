"""Faults around a build, not in its sources: stop signals, a killed build, two builds at once, an output folder
that is read-only or full, and pages that are not UTF-8 text. Each runs scripts/build.py on a copy of the fixture
handbook and checks the exit code, the message (and no traceback), that nothing is left behind (staging folders,
MkDocs processes) and that the site published before is untouched."""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import run_build
from support.handbooks import ROOT, fixture_copy

BUILD = ROOT / "scripts" / "build.py"
LEFTOVER_PATTERNS = (".site-building-*", ".site-old-*")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(project, site): the fixture handbook built once; tests take copies of both."""
    folder = tmp_path_factory.mktemp("faults")
    project, site = fixture_copy(folder), folder / "site"
    result = run_build(project, site)
    assert result.returncode == 0, result.stderr
    return project, site


@pytest.fixture
def workspace(built, tmp_path) -> tuple[Path, Path]:
    """(project, site) of this test: the sources and a site published before, both private copies."""
    project, site = built
    shutil.copytree(project, tmp_path / "bees")
    shutil.copytree(site, tmp_path / "out" / "site")
    return tmp_path / "bees", tmp_path / "out" / "site"


def digest(site: Path) -> dict[str, str]:
    return {path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(site.rglob("*")) if path.is_file()}


class Published:
    """What was published before a test's build: the same folder (inode) holding the same bytes."""

    def __init__(self, site: Path):
        self.site, self.inode, self.files = site, site.stat().st_ino, digest(site)

    def untouched(self) -> bool:
        return self.site.stat().st_ino == self.inode and digest(self.site) == self.files


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for pattern in LEFTOVER_PATTERNS for path in folder.glob(pattern))


def processes_mentioning(text: str) -> list[str]:
    """Live processes whose command line contains `text` (MkDocs and its worker name the test's folder)."""
    found = []
    for proc in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if proc.name.isdigit() and text in (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                found.append(f"{proc.name}: {(proc / 'cmdline').read_bytes()[:200]!r}")
    return found


def no_processes_left(text: str, seconds: float = 5) -> list[str]:
    """[] once no process mentions `text` (a child killed by the kernel takes a moment to go), else the list."""
    deadline = time.monotonic() + seconds
    while (found := processes_mentioning(text)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def start(project: Path, site: Path, log: Path, ignoring: signal.Signals | None = None) -> subprocess.Popen:
    """build.py in the background, its output in `log` (a pipe nobody reads could stall it); `ignoring`: a signal
    it starts with ignored, as under nohup."""
    command = [sys.executable, str(BUILD), "--config", str(project / "mkdocs.yml"), "--site-dir", str(site)]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    ignore = (lambda: signal.signal(ignoring, signal.SIG_IGN)) if ignoring else None
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT,
                                preexec_fn=ignore)


def wait_for(log: Path, text: str, process: subprocess.Popen, seconds: float = 60) -> None:
    """Until `text` is in the log: MkDocs is then at work (the build is between its start and its publishing)."""
    deadline = time.monotonic() + seconds
    while text not in log.read_text(errors="replace"):
        assert process.poll() is None, f"the build ended before {text!r}:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"no {text!r} after {seconds} s:\n{log.read_text()}"
        time.sleep(0.05)


MKDOCS_AT_WORK = "Building documentation to directory"


# --- stop signals ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_stop_signal_during_a_build_cleans_up_and_says_so(signum, workspace, tmp_path):
    project, site = workspace
    before = Published(site)
    build = start(project, site, tmp_path / "log")
    wait_for(tmp_path / "log", MKDOCS_AT_WORK, build)
    assert leftovers(site.parent), "the build has no staging folder while MkDocs works: the test checks nothing"
    sent = time.monotonic()
    build.send_signal(signum)
    code = build.wait(30)
    output = (tmp_path / "log").read_text()
    assert code == 128 + signum, output
    # MkDocs ends on the SIGTERM passed on to it, not on the SIGKILL that follows 5 s later if it has not
    assert time.monotonic() - sent < 4, "MkDocs did not stop on SIGTERM"
    assert f"build stopped by {signum.name}: {site} was left as it was." in output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output
    assert leftovers(site.parent) == []
    assert no_processes_left(str(tmp_path)) == []
    assert before.untouched()


def test_a_build_started_with_nohup_outlives_a_hangup(workspace, tmp_path):
    project, site = workspace
    build = start(project, site, tmp_path / "log", ignoring=signal.SIGHUP)
    wait_for(tmp_path / "log", MKDOCS_AT_WORK, build)
    build.send_signal(signal.SIGHUP)
    assert build.wait(120) == 0, (tmp_path / "log").read_text()
    assert leftovers(site.parent) == []


def children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


def with_workers(project: Path, workers: int) -> None:
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config["extra"]["xref"]["workers"] = workers
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize("workers", [0, 1])
def test_a_killed_build_takes_mkdocs_with_it_and_the_next_build_removes_its_staging(workers, workspace, tmp_path):
    project, site = workspace
    with_workers(project, workers)
    before = Published(site)
    build = start(project, site, tmp_path / "log")
    wait_for(tmp_path / "log", MKDOCS_AT_WORK, build)
    deadline = time.monotonic() + 30
    while workers and not any(children(mkdocs) for mkdocs in children(build.pid)):
        assert time.monotonic() < deadline and build.poll() is None, "MkDocs forked no xref worker"
        time.sleep(0.05)
    build.kill()    # SIGKILL: nothing of build.py runs, so the kernel must stop MkDocs (PR_SET_PDEATHSIG)
    build.wait(30)
    assert no_processes_left(str(tmp_path)) == []   # MkDocs and its worker (same command line)
    stale = leftovers(site.parent)
    assert stale, "a SIGKILLed build left no staging folder: the cleanup below checks nothing"
    assert before.untouched()
    result = run_build(project, site)
    assert result.returncode == 0, result.stderr
    assert leftovers(site.parent) == [], f"the next build left {stale} behind"
    assert digest(site) == before.files    # same sources, same site (and a complete one)


def test_mkdocs_killed_from_elsewhere_fails_the_build_with_a_message(workspace, tmp_path):
    project, site = workspace
    before = Published(site)
    build = start(project, site, tmp_path / "log")
    wait_for(tmp_path / "log", MKDOCS_AT_WORK, build)
    [mkdocs] = children(build.pid)
    os.kill(mkdocs, signal.SIGKILL)     # as the OOM killer would
    code = build.wait(30)
    output = (tmp_path / "log").read_text()
    assert code == 128 + signal.SIGKILL, output
    assert f"build failed: MkDocs was killed by SIGKILL; {site} was left as it was." in output
    assert "Traceback" not in output
    assert leftovers(site.parent) == [] and no_processes_left(str(tmp_path)) == []
    assert before.untouched()


# --- publishing in one step -----------------------------------------------------------------------------------

READER = """
import os, sys
checks = misses = 0
while not os.path.exists(sys.argv[2]):
    checks += 1
    misses += not os.path.exists(sys.argv[1])
print(checks, misses)
"""


def misses_while_publishing(folder: Path, publish, times: int = 300) -> tuple[int, int]:
    """(checks, misses): how often a reader in another process found no site/index.html while `publish` swapped
    a new site in `times` times."""
    site, stop = folder / "site", folder / "stop"
    site.mkdir(parents=True)
    (site / "index.html").write_text("0")
    reader = subprocess.Popen([sys.executable, "-c", READER, str(site / "index.html"), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)     # the reader is reading
    for n in range(times):
        staging = folder / f".site-building-{n}"
        staging.mkdir()
        (staging / "index.html").write_text(str(n))
        publish(staging, site)
        shutil.rmtree(staging, ignore_errors=True)      # the old site, after build.publish
    stop.touch()
    checks, misses = map(int, reader.communicate(timeout=30)[0].split())
    return checks, misses


def two_renames(staging: Path, site: Path) -> None:
    """How build.py published before: site/ is missing between the two renames."""
    site.rename(site.with_name(".site-old"))
    staging.rename(site)
    shutil.rmtree(site.with_name(".site-old"))


def test_a_reader_never_finds_the_site_missing_while_a_new_one_is_swapped_in(tmp_path):
    import build    # scripts/ is on the tests' path (pyproject.toml)

    checks, misses = misses_while_publishing(tmp_path / "two-renames", two_renames)
    assert checks and misses, "the reader never caught two renames in the act: it cannot show a swap is atomic"
    checks, misses = misses_while_publishing(tmp_path / "build-py", build.publish)
    assert checks > 100 and misses == 0, f"{misses} of {checks} reads found no site"


def test_where_folders_cannot_be_exchanged_a_kill_between_the_two_renames_is_repaired(tmp_path, monkeypatch):
    import build

    monkeypatch.setattr(build, "exchange", lambda a, b: False)     # a system or file system without the swap
    site, staging = tmp_path / "site", tmp_path / ".site-building-1"
    for folder, text in ((site, "old"), (staging, "new")):
        folder.mkdir()
        (folder / "index.html").write_text(text)
    build.publish(staging, site)
    assert (site / "index.html").read_text() == "new" and (staging / "index.html").read_text() == "old"
    site.rename(tmp_path / ".site-old-99")      # as if killed between the renames: no site/, the last one aside
    build.remove_leftovers(site)                # what the next build does first, under the lock
    assert (site / "index.html").read_text() == "new"
    assert leftovers(tmp_path) == []


# --- two builds at once ---------------------------------------------------------------------------------------

def test_two_builds_at_once_both_succeed_and_publish_a_complete_site(workspace, tmp_path):
    project, site = workspace
    complete = digest(site)
    builds = [start(project, site, tmp_path / f"log{n}") for n in (1, 2)]
    codes = [build.wait(120) for build in builds]
    outputs = [(tmp_path / f"log{n}").read_text() for n in (1, 2)]
    assert codes == [0, 0], outputs
    assert any("waiting for another build of" in output for output in outputs), "the builds did not meet"
    assert not any("Traceback" in output for output in outputs), outputs
    assert digest(site) == complete
    assert site.stat().st_mode & 0o777 == 0o755, "readers and web servers must be able to enter the site"
    assert leftovers(site.parent) == []


def test_a_build_waits_while_another_holds_the_lock(workspace, tmp_path):
    """The lock is what keeps the builds above apart: while it is held, a build does not even start MkDocs."""
    project, site = workspace
    lock = os.open(site.parent, os.O_RDONLY | os.O_DIRECTORY)   # build.py locks the folder the site is in
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        build = start(project, site, tmp_path / "log")
        wait_for(tmp_path / "log", "waiting for another build of", build)
        time.sleep(1.5)
        assert build.poll() is None and MKDOCS_AT_WORK not in (tmp_path / "log").read_text()
        assert leftovers(site.parent) == []
    finally:
        os.close(lock)
    assert build.wait(120) == 0, (tmp_path / "log").read_text()
    assert sorted(path.name for path in site.parent.iterdir()) == ["site"], "the build left files beside the site"


# --- an output folder that cannot take the site ---------------------------------------------------------------

def mount(*args: str) -> str:
    """'' if the mount worked, else why not (not root, no mount namespace rights, …)."""
    if shutil.which("mount") is None:
        return "no mount command"
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    return "" if result.returncode == 0 else (result.stderr.strip() or f"mount exited {result.returncode}")


@contextlib.contextmanager
def mounted(target: Path, *args: str):
    refused = mount(*args, str(target))
    if refused:
        pytest.skip(f"this machine refuses `mount {' '.join(args)}`: {refused}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


@contextlib.contextmanager
def read_only(folder: Path):
    """`folder` read-only even for root (chmod is not enough): a read-only bind mount of itself."""
    with mounted(folder, "--bind", str(folder)):
        refused = mount("-o", "remount,bind,ro", str(folder))
        if refused:
            pytest.skip(f"this machine refuses a read-only remount: {refused}")
        yield


def test_a_read_only_output_folder_is_named_in_one_line(workspace, tmp_path):
    project, site = workspace
    before = Published(site)
    with read_only(site.parent):
        with pytest.raises(OSError):   # the fault is real: root cannot write there either
            (site.parent / "probe").write_text("x")
        result = run_build(project, site)
        assert before.untouched()
    output = result.stdout + result.stderr
    assert result.returncode == 74, output
    assert (f"{site}: cannot build the site there: Read-only file system. Make {site.parent} writable, or build "
            f"elsewhere with --site-dir; site/ was left as it was.") in output.splitlines()
    assert "Traceback" not in output, output
    assert leftovers(site.parent) == []


def test_a_full_disk_is_named_in_one_line_and_the_site_before_survives(built, workspace, tmp_path):
    project, _ = workspace
    disk = tmp_path / "disk"
    disk.mkdir()
    size_kib = sum(f.stat().st_size for f in built[1].rglob("*") if f.is_file()) * 3 // 2 // 1024
    with mounted(disk, "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs"):
        site = disk / "site"
        shutil.copytree(built[1], site)     # the site fits once, not twice: the new build runs out of room
        before = Published(site)
        result = run_build(project, site)
        assert before.untouched()
        assert leftovers(disk) == []
    output = result.stdout + result.stderr
    assert result.returncode == 74, output
    assert (f"{site}: cannot build the site there: No space left on device. Free some space on the disk of {disk} "
            f"(a build needs room for a second copy of the site), or build elsewhere with --site-dir; site/ was left "
            f"as it was.") in output.splitlines()
    assert "Traceback" not in output, output


# --- pages that are not UTF-8 text ----------------------------------------------------------------------------

NOT_TEXT = [
    ("latin-1", "docs/about.md", "Caf\xe9 au lait.\n".encode("latin-1"),
     r"docs/about\.md:1:4: the page is not valid UTF-8 \(byte 0xe9\)\. Save it as UTF-8"),
    ("binary", "docs/chapters/photo.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0",
     r"docs/chapters/photo\.md:3:1: the page is a binary file, not Markdown \(a NUL byte\)\. Remove it from docs/, "
     r"or give it the extension of what it is"),
    ("utf-16", "docs/sources.md", "Sources\n".encode("utf-16"),
     r"docs/sources\.md:1:1: the page is saved as UTF-16\. Save it as UTF-8\."),
]


@pytest.mark.parametrize("case", NOT_TEXT, ids=[case[0] for case in NOT_TEXT])
def test_a_page_that_is_not_utf8_text_is_located_without_a_traceback(case, workspace):
    _, page, content, message = case
    project, site = workspace
    before = Published(site)
    (project / page).write_bytes(content)
    result = run_build(project, site)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert re.search(message, output), output
    assert "Traceback" not in output and "UnicodeDecodeError" not in output, output
    assert before.untouched()
    assert leftovers(site.parent) == []
