"""Build the handbook atomically: MkDocs writes into a fresh folder beside the target, and only a build
that succeeded (strict mode, every check of the hooks passed) replaces the published folder.

    python scripts/build.py [--config mkdocs.yml] [--site-dir site] [--generator mkdocs|properdocs]

A failed, interrupted or killed build exits non-zero and leaves the target folder exactly as it was:
- one build at a time per folder the target is in (flock on that folder: no lock file to ignore); others wait;
- the finished folder is swapped with the published one in one step (renameat2 RENAME_EXCHANGE on Linux), so a
  reader sees the old site or the new one, never none or half of one;
- SIGINT, SIGTERM and SIGHUP stop MkDocs and remove the staging folder (exit 128 + the signal's number); MkDocs
  also dies if this script is killed outright, and the next build removes what such a build left;
- a folder that cannot be written (read-only, disk full) is named in a one-line message, with what to do.
The generator is MkDocs 1.6.1 by default; ProperDocs 1.6.7, its maintained drop-in fork, builds the same mkdocs.yml
with the same hooks and theme (the path for when Material stops: CONTRIBUTING.md). HANDBOOK_GENERATOR sets the
default, so that the tests can run every build with ProperDocs (make test-properdocs).
"""
from __future__ import annotations

import argparse
import contextlib
import ctypes
import errno
import fcntl
import functools
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
CHILD_FLAG = "--mkdocs-child"       # how this script runs MkDocs in its child process (see run_child)
EXIT_CANNOT_WRITE = 74              # sysexits' EX_IOERR: the child could not write a file
RENAME_EXCHANGE = 2                 # linux/fs.h
PR_SET_PDEATHSIG = 1                # linux/prctl.h
FULL = (errno.ENOSPC, errno.EDQUOT)
READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)
OUTPUT_FAULTS = (*FULL, errno.EROFS)  # in the child: about the output even when the error names no file
GENERATORS = ("mkdocs", "properdocs")


class Stopped(Exception):
    """A stop signal arrived; unwinds the build so that every `finally` cleans up."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.published = False      # the signal came while the new site was being swapped in


class CannotWrite(Exception):
    """The output folder cannot take the site: the message for the reader, already worded."""


def _raise_stopped(signum, frame):
    for other in STOP_SIGNALS:      # the first signal stops everything; more (Ctrl-C pressed twice) must not
        signal.signal(other, lambda *_: None)   # cut the cleanup short
    raise Stopped(signum)


@contextlib.contextmanager
def signals_held():
    """Delay stop signals (until the block ends) around steps that must not be cut in half."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


# --- the lock and what killed builds left -------------------------------------------------------------------

@contextlib.contextmanager
def exclusive_lock(site_dir: Path):
    """One build of `site_dir` at a time: flock on the folder it is in (the kernel releases it if we die). A lock
    file would be one more file to keep out of git and out of the folder's listing."""
    fd = os.open(site_dir.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"build: waiting for another build of {site_dir} to finish…", file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def leftovers(site_dir: Path) -> list[Path]:
    """Staging folders and old sites of builds that were killed (SIGKILL, power loss) before cleaning up."""
    patterns = (f".{site_dir.name}-building-*", f".{site_dir.name}-old-*")
    return sorted(path for pattern in patterns for path in site_dir.parent.glob(pattern))


def remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def remove_leftovers(site_dir: Path) -> None:
    """Called under the lock, so no running build owns them. A site left aside by the two-rename fallback of
    `publish` is put back first if the build was killed before the new one took its place."""
    for path in leftovers(site_dir):
        if path.name.startswith(f".{site_dir.name}-old-") and not site_dir.exists():
            path.rename(site_dir)
        else:
            remove(path)


# --- publishing -----------------------------------------------------------------------------------------------

@functools.cache
def libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step; False where the system or file system cannot (then nothing happened)."""
    try:
        renameat2 = libc().renameat2
    except (AttributeError, OSError):
        return False
    at_cwd = -100
    if renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def publish(staging: Path, site_dir: Path) -> None:
    """Put the finished build in place of the published one in one step; `staging` then holds the old site."""
    os.chmod(staging, 0o755)    # private while building: readers and web servers must enter it now
    if not site_dir.exists():
        staging.rename(site_dir)    # nothing published yet: one rename (the lock keeps other builds out)
    elif not exchange(staging, site_dir):
        # Two renames where the swap is not available: a kill between them is repaired by remove_leftovers.
        old = site_dir.with_name(f".{site_dir.name}-old-{os.getpid()}")
        site_dir.rename(old)
        staging.rename(site_dir)
        old.rename(staging)


# --- MkDocs in a child process --------------------------------------------------------------------------------

def _child_setup(parent: int) -> None:
    """In the child before exec: the kernel kills it when this script dies, even by SIGKILL (Linux); and the stop
    signals, held by this script while it starts the child, are let through again (a child inherits the mask)."""
    with contextlib.suppress(AttributeError, OSError):
        libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:      # the parent died before prctl took effect
        os._exit(1)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def run_mkdocs(arguments: list[str], site_dir: Path, generator: str = "mkdocs") -> int:
    """MkDocs' exit code. It runs in a process group of its own (its worker process too), which a stop signal
    ends as a whole before the signal unwinds this script."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    parent, process = os.getpid(), None
    try:
        with signals_held():    # a stop signal before `process` is set would leave the child running
            process = subprocess.Popen([sys.executable, __file__, CHILD_FLAG, generator, str(site_dir), *arguments],
                                       env=env,
                                       process_group=0, preexec_fn=lambda: _child_setup(parent))
        return process.wait()
    except BaseException:
        if process is not None:
            stop_group(process)
        raise


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to MkDocs' process group (Python dies of it quietly), SIGKILL if it lingers."""
    for sig, seconds in ((signal.SIGTERM, 5), (signal.SIGKILL, None)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(seconds)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)     # what MkDocs forked (its xref worker), if it outlived it


def run_child(generator: str, site_dir: str, arguments: list[str]) -> int:
    """The child: the generator's own command line, with a file that cannot be read or written named instead of
    a traceback. Any other exception is a bug and keeps its traceback."""
    import importlib
    cli = importlib.import_module(f"{generator}.__main__").cli
    staging = Path(arguments[arguments.index("--site-dir") + 1])
    try:
        cli.main(args=["build", *arguments], prog_name=generator)    # exits with the generator's code
    except OSError as error:
        if error.errno in OUTPUT_FAULTS or (error.filename and Path(error.filename).is_relative_to(staging)):
            print(cannot_write(Path(site_dir), error), file=sys.stderr)
            return EXIT_CANNOT_WRITE
        print(f"{error.filename or 'mkdocs'}: {error.strerror or error}.", file=sys.stderr)
        return 1
    return 0


# --- messages -------------------------------------------------------------------------------------------------

def cannot_write(site_dir: Path, error: OSError) -> str:
    """One line for a folder that cannot take the site: which folder, what is wrong, what to do."""
    if error.errno in FULL:
        todo = f"Free some space on the disk of {site_dir.parent} (a build needs room for a second copy of the site)"
    elif error.errno in READ_ONLY:
        todo = f"Make {site_dir.parent} writable"
    else:
        todo = f"Check {site_dir.parent}"
    return (f"{site_dir}: cannot build the site there: {error.strerror or error}. {todo}, or build elsewhere with "
            f"--site-dir; {site_dir.name}/ was left as it was.")


# --- the build ------------------------------------------------------------------------------------------------

def build(config: Path, site_dir: Path, extra_args: list[str] | None = None, generator: str = "mkdocs") -> int:
    site_dir = site_dir.resolve()
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        with exclusive_lock(site_dir):
            remove_leftovers(site_dir)
            return build_locked(config, site_dir, extra_args or [], generator)
    except OSError as error:
        raise CannotWrite(cannot_write(site_dir, error)) from None


def build_locked(config: Path, site_dir: Path, extra_args: list[str], generator: str = "mkdocs") -> int:
    # A fixed name (the lock keeps it ours), made inside the try: a signal at any point leaves nothing behind.
    staging = site_dir.with_name(f".{site_dir.name}-building-{os.getpid()}")
    try:
        staging.mkdir(mode=0o700)
        code = run_mkdocs(["--strict", "--config-file", str(config), "--site-dir", str(staging), *extra_args],
                          site_dir, generator)
        if code == 0:
            publish_held(staging, site_dir)
        elif code < 0:      # killed from elsewhere (the OOM killer, say): no message of its own
            print(f"build failed: MkDocs was killed by {signal.Signals(-code).name}; {site_dir} was left as it was.",
                  file=sys.stderr)
            return 128 - code
        elif code != EXIT_CANNOT_WRITE:     # the child has said what it could not write
            print(f"build failed: {site_dir} was left as it was.", file=sys.stderr)
        return code
    finally:
        with signals_held():
            remove(staging)


def publish_held(staging: Path, site_dir: Path) -> None:
    try:
        with signals_held():    # a signal that came during the swap is raised once it is done
            publish(staging, site_dir)
    except Stopped as stop:
        stop.published = True
        raise


def main() -> int:
    if sys.argv[1:2] == [CHILD_FLAG]:
        return run_child(sys.argv[2], sys.argv[3], sys.argv[4:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"))
    parser.add_argument("--site-dir", type=Path, default=Path("site"))
    parser.add_argument("--generator", default=os.environ.get("HANDBOOK_GENERATOR") or "mkdocs",
                        help="the site generator: mkdocs or properdocs (default: $HANDBOOK_GENERATOR, else mkdocs)")
    args, extra = parser.parse_known_args()
    if args.generator not in GENERATORS:
        parser.error(f"unknown generator {args.generator!r}: use one of {', '.join(GENERATORS)} "
                     "(--generator or HANDBOOK_GENERATOR)")
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:   # nohup, or `&` in a script: stay deaf to it
            signal.signal(signum, _raise_stopped)
    try:
        return build(args.config, args.site_dir, extra, args.generator)
    except Stopped as stop:
        outcome = "the new site was published" if stop.published else f"{args.site_dir} was left as it was"
        return say(f"build stopped by {stop}: {outcome}.", 128 + stop.signum)
    except CannotWrite as error:
        return say(str(error), EXIT_CANNOT_WRITE)


def say(message: str, code: int) -> int:
    with contextlib.suppress(OSError):     # after SIGHUP the terminal may be gone
        print(message, file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
