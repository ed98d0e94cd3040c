"""The build that outlives Material for MkDocs: ProperDocs 1.6.7, a drop-in fork of MkDocs 1.6.1, builds the
handbook from the same mkdocs.yml, hooks and theme, in strict mode, into a site readers cannot tell apart.
(`make test-properdocs` runs every build-level test on ProperDocs builds.)"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

import third_party_scan
from compare_builds import read_site
from conftest import ROOT

BUILD = ROOT / "scripts" / "build.py"


def build_with_properdocs(project, site) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("GITHUB_ACTIONS", "HANDBOOK_GENERATOR")}
    return subprocess.run([sys.executable, str(BUILD), "--generator", "properdocs",
                           "--config", str(project / "mkdocs.yml"), "--site-dir", str(site)],
                          cwd=project, env=dict(env, NO_MKDOCS_2_WARNING="1"), capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def properdocs_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("properdocs") / "site"
    result = build_with_properdocs(ROOT, site)
    assert result.returncode == 0, f"ProperDocs does not build the handbook:\n{result.stdout}\n{result.stderr}"
    return site


def test_the_site_was_made_by_properdocs(properdocs_site):
    generator = BeautifulSoup((properdocs_site / "index.html").read_text(encoding="utf-8"), "lxml") \
        .find("meta", attrs={"name": "generator"})
    assert generator is not None and "ProperDocs 1.6.7" in generator["content"], generator


def test_properdocs_build_reads_as_the_mkdocs_build(properdocs_site, built_site):
    # Every page's text, glossary entry, source, figure and cross-reference, as compare_builds reads them.
    if os.environ.get("HANDBOOK_GENERATOR") == "properdocs":
        pytest.skip("built_site is a ProperDocs build too in this run")
    made, reference = read_site(properdocs_site), read_site(built_site)
    assert reference.pages and reference.glossary and reference.sources and reference.figures
    assert made.pages == reference.pages
    assert (made.glossary, made.sources, made.figures) == (reference.glossary, reference.sources, reference.figures)
    assert made.references == reference.references


def test_properdocs_site_loads_nothing_from_other_hosts(properdocs_site):
    assert third_party_scan.scan(properdocs_site) == []


def test_properdocs_build_is_strict(handbook_copy, tmp_path):
    # A link to a missing anchor is only a warning of the generator's own link validation: strict mode fails it.
    about = handbook_copy / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nSee [the changes](changelog.md#no-such-anchor).\n",
                     encoding="utf-8")
    result = build_with_properdocs(handbook_copy, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "'changelog.md#no-such-anchor'" in output and "in strict mode" in output, output
    assert not (tmp_path / "site").exists()


def test_properdocs_runs_the_engine_checks(handbook_copy, tmp_path):
    chapter = handbook_copy / "docs" / "chapters" / "02-middleman-trap.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("## Context", "[[term:no-such-term]]\n\n## Context", 1),
                       encoding="utf-8")
    result = build_with_properdocs(handbook_copy, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "docs/chapters/02-middleman-trap.md:" in output and "unknown glossary term 'no-such-term'" in output, output
