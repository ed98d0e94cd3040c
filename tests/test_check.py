"""`make check` (scripts/check.py): the build's checks with the build's messages, and in GitHub Actions each problem
also as an `::error` workflow command (hooks/xref/core/annotations.py) at its file, line and column."""
from __future__ import annotations

import os
import re
import subprocess
import sys

from conftest import ROOT, run_build
from xref.core.annotations import command, escape_data, escape_property, problem_command, workflow_commands
from xref.core.problems import Problem

CHECK = ROOT / "scripts" / "check.py"
PROBLEM_LINE = re.compile(r"^  (\S+):(\d+):(\d+): (.+)$", re.MULTILINE)


def test_problem_becomes_an_error_command_at_its_line_and_column():
    problem = Problem("docs/chapters/02-middleman-trap.md", 41, 12, "unknown reference 'ch:nope'",
                      text="[[ch:nope]]", hint="Did you mean 'ch:intro'?")
    assert problem_command(problem) == ("::error file=docs/chapters/02-middleman-trap.md,line=41,col=12::"
                                        "unknown reference 'ch:nope' in '[[ch:nope]]'. Did you mean 'ch:intro'?")


def test_escaping_follows_githubs_workflow_command_rules():
    assert escape_data("100% sure\r\nnext: a, b") == "100%25 sure%0D%0Anext: a, b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert command("50%: one,\ntwo", file="docs/a,b:c.md", line=3, column=1) == \
        "::error file=docs/a%2Cb%3Ac.md,line=3,col=1::50%25: one,%0Atwo"


def test_unknown_location_parts_are_left_out():
    assert command("site-wide") == "::error::site-wide"
    assert command("no line", file="docs/a.md") == "::error file=docs/a.md::no line"


def test_commands_only_in_github_actions():
    problems = [Problem("docs/a.md", 1, 2, "bad")]
    assert workflow_commands(problems, {"GITHUB_ACTIONS": "true"}) == ["::error file=docs/a.md,line=1,col=2::bad."]
    assert workflow_commands(problems, {}) == []
    assert workflow_commands(problems, {"GITHUB_ACTIONS": "false"}) == []


def run_check(project, github: bool) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    if github:
        env["GITHUB_ACTIONS"] = "true"
    return subprocess.run([sys.executable, str(CHECK)], cwd=project, env=env, capture_output=True, text=True,
                          timeout=300)


def test_check_reports_what_the_build_reports_and_annotates_it_in_github_actions(handbook_copy, tmp_path):
    chapter = handbook_copy / "docs" / "chapters" / "02-middleman-trap.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("## Context", "See [[term:supply-chain-financing]].\n\n## Context", 1),
                       encoding="utf-8")
    (handbook_copy / "docs" / "about.md").write_text(
        (handbook_copy / "docs" / "about.md").read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n\nSee [the missing page](no-such-page.md).\n",
        encoding="utf-8")

    checked = run_check(handbook_copy, github=True)
    output = checked.stdout + checked.stderr
    assert checked.returncode == 1, output
    problems = PROBLEM_LINE.findall(output)
    files = {file for file, *_ in problems}
    assert {"docs/chapters/02-middleman-trap.md", "docs/about.md"} <= files, output
    for file, line, column, message in problems:  # each problem, at its place, once more as a command
        assert f"::error file={file},line={line},col={column}::{escape_data(message)}" in output.splitlines(), \
            f"no workflow command for {file}:{line}:{column}:\n{output}"
    # MkDocs' own strict-mode warnings name the page but no line: annotated on the file.
    assert "::error file=docs/about.md::Doc file 'about.md' contains a link 'no-such-page.md'" in output, output

    built = run_build(handbook_copy, tmp_path / "site")
    assert built.returncode != 0
    assert sorted(PROBLEM_LINE.findall(built.stdout + built.stderr)) == sorted(problems), \
        "the check and the build report different problems"

    plain = run_check(handbook_copy, github=False)
    assert plain.returncode == 1 and "::error" not in plain.stdout + plain.stderr
    assert sorted(PROBLEM_LINE.findall(plain.stdout + plain.stderr)) == sorted(problems)


def test_check_passes_on_the_handbook():
    result = run_check(ROOT, github=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::error" not in result.stdout + result.stderr
