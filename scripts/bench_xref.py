"""Benchmark the cross-reference engine on a synthetic handbook (a script that prints figures, not a test).

    python scripts/bench_xref.py [--pages 1000] [--terms 500] [--words 800] [--runs 1]

Generates, in a temporary folder, a handbook of --pages pages (~--words words each, navigation.prune) and a
glossary of --terms terms, then builds it with MkDocs four ways: plain (no hook); with the engine doing everything
(autolinks, [[…]] references, essay quotations, generated glossary/index/sources pages, backlinks, related
reading) as a build does by default, its per-page work in one worker process on the core MkDocs leaves idle; the
same with everything in the MkDocs process (extra.xref.workers: 0); and with a naive one-big-regex Markdown hook.
It does the same at half the pages to show how time grows.

A build's time is its wall time; CPU time (all processes of the build) shows the work done. Wall time is only
meaningful on an otherwise idle machine: run nothing else meanwhile. With --runs above 1 the configurations take
turns, and the script also prints each one's median ratio to the plain build of the same turn, and how the median
times grow with the pages: on a noisy machine these vary less than the best times.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ESSAY_PARAGRAPHS = 20
NAIVE_HOOK = '''
"""A naive glossary hook: one big regex alternation over the Markdown, first mention per page becomes a link."""
import re
from pathlib import Path

import yaml

_TERMS = yaml.safe_load((Path(__file__).parent / "data" / "glossary.yml").read_text(encoding="utf-8"))
_WORDINGS = {}
for _t in _TERMS:
    for _w in [_t["term"], *_t.get("aliases", [])]:
        _WORDINGS[_w.lower()] = _t
        _WORDINGS[_w.lower() + "s"] = _t
_RE = re.compile(r"\\b(" + "|".join(re.escape(w) for w in sorted(_WORDINGS, key=len, reverse=True)) + r")\\b", re.I)


def on_page_markdown(markdown, page, config, files):
    seen = set()

    def link(match):
        term = _WORDINGS[match.group(0).lower()]
        if term["id"] in seen:
            return match.group(0)
        seen.add(term["id"])
        return f'[{match.group(0)}](../glossary.md#{term["id"]} "{term["short"]}")'

    return _RE.sub(link, markdown)
'''


def vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    syllables = ["ka", "lo", "mi", "ten", "ra", "so", "vel", "din", "qua", "pe", "tor", "sha", "bri", "nu", "go"]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def make_glossary(rng: random.Random, vocab: list[str], count: int) -> list[dict]:
    names, terms = set(), []
    while len(terms) < count:
        name = " ".join(rng.sample(vocab, rng.choice([1, 2, 2, 3])))
        if name in names:
            continue
        names.add(name)
        i = len(terms)
        terms.append({"id": f"term-{i}", "term": name, "short": f"Synthetic term number {i}.",
                      "definition": f"The definition of {name}, see [[src:source-{i % 10}]].",
                      "sources": [f"source-{i % 10}"], "related": [f"term-{(i + 1) % count}"]})
    return terms


def sentence(rng, vocab, terms, with_term: bool) -> str:
    words = rng.choices(vocab, k=rng.randint(8, 16))
    if with_term:
        words.insert(rng.randrange(len(words)), rng.choice(terms)["term"])
    return " ".join(words).capitalize() + "."


def make_page(rng, vocab, terms, index: int, pages: int, words: int) -> str:
    lines = ["---", f"id: page-{index}", f"chapter: {index + 1}", f"title: Page {index}", "---", "",
             f"# Page {index}", ""]
    written, section = 0, 0
    if index < ESSAY_PARAGRAPHS:
        lines += [f"::: essay {index + 1}", ""]
    while written < words:
        if written // 150 >= section:
            section += 1
            lines += [f"## Section {section} {{#s{section}}}", ""]
        paragraph = [sentence(rng, vocab, terms, rng.random() < 0.6) for _ in range(4)]
        if rng.random() < 0.4:
            paragraph.append(f"See [[ch:page-{rng.randrange(pages)}]], [[term:{rng.choice(terms)['id']}]] "
                             f"and [[p:{rng.randint(1, ESSAY_PARAGRAPHS)}]].")
        if rng.random() < 0.1:
            paragraph.append(f"Code: `{rng.choice(terms)['term']}`.")
        text = " ".join(paragraph)
        written += len(text.split())
        lines += [textwrap.fill(text, 110), ""]
    return "\n".join(lines)


def write_handbook(folder: Path, pages: int, term_count: int, words: int, seed: int = 7) -> None:
    import yaml
    sys.path.insert(0, str(ROOT / "hooks"))
    from xref.load.essay import split_blocks

    rng = random.Random(seed)
    vocab = vocabulary(rng)
    terms = make_glossary(rng, vocab, term_count)
    docs = folder / "docs"
    docs.mkdir(parents=True)
    (folder / "data").mkdir()
    (folder / "essay").mkdir()
    source = "A synthetic essay\n\n" + "\n\n".join(sentence(rng, vocab, terms, True) * 3
                                                  for _ in range(ESSAY_PARAGRAPHS)) + "\n\nEnd\n"
    (folder / "essay" / "source.txt").write_text(source, encoding="utf-8")
    _, _, blocks, _ = split_blocks(source, "End")
    edition = {"title": "A synthetic essay", "url": "https://example.org/essay/", "published": "2024-01-01",
               "end_marker": "End", "headings": [],
               "paragraphs": {i + 1: hashlib.sha256(b.encode()).hexdigest() for i, (_, b) in enumerate(blocks)},
               "corrections": []}
    (folder / "essay" / "edition.yml").write_text(yaml.safe_dump(edition, allow_unicode=True), encoding="utf-8")
    (folder / "data" / "glossary.yml").write_text(yaml.safe_dump(terms, allow_unicode=True), encoding="utf-8")
    sources = [{"id": f"source-{i}", "publisher": f"Publisher {i}", "title": f"Report {i}", "date": "2020"}
               for i in range(10)]
    (folder / "data" / "bibliography.yml").write_text(yaml.safe_dump(sources), encoding="utf-8")
    for index in range(pages):
        # 20 pages per folder: with navigation.prune each page's nav holds its own section, not all pages
        part = docs / f"part-{index // 20:03d}"
        part.mkdir(exist_ok=True)
        (part / f"p{index:04d}.md").write_text(make_page(rng, vocab, terms, index, pages, words), encoding="utf-8")
    (docs / "index.md").write_text("---\nid: home\n---\n\n# Synthetic handbook\n", encoding="utf-8")
    for name in ("glossary", "terms", "sources", "essay"):
        (docs / f"{name}.md").write_text(f"---\nid: {name}\n---\n\n# {name.title()}\n\n<!-- xref:{name} -->\n",
                                         encoding="utf-8")
    (folder / "naive_hook.py").write_text(NAIVE_HOOK, encoding="utf-8")
    base = textwrap.dedent("""\
        site_name: Synthetic handbook
        site_url: https://example.org/
        theme:
          name: material
          features: [navigation.prune]
        markdown_extensions: [attr_list, md_in_html, {toc: {permalink: true}}]
        """)
    engine = f"hooks:\n  - {ROOT / 'hooks' / 'mkdocs_adapter.py'}\n"
    (folder / "plain.yml").write_text(base, encoding="utf-8")
    (folder / "engine.yml").write_text(base + engine, encoding="utf-8")
    (folder / "in-process.yml").write_text(base + engine + "extra:\n  xref:\n    workers: 0\n", encoding="utf-8")
    (folder / "naive.yml").write_text(base + "hooks:\n  - naive_hook.py\n", encoding="utf-8")


# configuration file stem -> column title
CONFIGS = {"plain": "plain", "engine": "engine (1 worker)", "in-process": "engine (in-process)",
           "naive": "naive regex hook"}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(folder: Path, config: str) -> tuple[float, float, float, str]:
    """One build: (CPU seconds of all its processes, wall seconds, CPU seconds inside the engine's hooks in the
    MkDocs process, those seconds per hook)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", XREF_TIMINGS="1")
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(folder / config),
                             "-d", str(folder / f"site-{config}")], env=env, capture_output=True, text=True)
    measured = cpu_seconds() - cpu, time.perf_counter() - wall
    if result.returncode != 0:
        raise SystemExit(f"{config} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    # "xref-engine-seconds: 8.123 config=0.40 page_markdown=1.20 …", printed by the adapter
    inside = [line.split(maxsplit=2)[1:] for line in result.stderr.splitlines() if "xref-engine-seconds" in line]
    total, parts = (float(inside[0][0]), (inside[0][1:] or [""])[0]) if inside else (0.0, "")
    return (*measured, total, parts)


def best_of(folder: Path, runs: int) -> tuple[dict[str, tuple[float, float, float, str]], dict[str, list[float]],
                                             dict[str, float]]:
    """Each configuration built `runs` times, taking turns (a machine that slows down for a minute slows every
    configuration alike). Returns the lowest CPU and the lowest wall time of each; for each, the ratios of its
    wall time to the plain build's of the same turn (sorted); and each one's median wall time."""
    seen: dict[str, list] = {name: [] for name in CONFIGS}
    for _ in range(runs):
        for name in CONFIGS:
            seen[name].append(build(folder, f"{name}.yml"))
    best = {}
    for name, results in seen.items():
        fastest = min(results, key=lambda r: r[1])
        best[name] = (min(r[0] for r in results), fastest[1], fastest[2], fastest[3])
    paired = {name: sorted(mine[1] / plain[1] for mine, plain in zip(seen[name], seen["plain"])) for name in CONFIGS}
    medians = {name: statistics.median(r[1] for r in results) for name, results in seen.items()}
    return best, paired, medians


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--terms", type=int, default=500)
    parser.add_argument("--words", type=int, default=800)
    parser.add_argument("--runs", type=int, default=1, help="builds per configuration, taking turns: best times and medians")
    args = parser.parse_args()
    sizes = sorted({max(args.pages // 2, ESSAY_PARAGRAPHS), max(args.pages, ESSAY_PARAGRAPHS)})
    results, paired, medians = {}, {}, {}
    with tempfile.TemporaryDirectory(prefix="bench-xref-") as tmp:
        for pages in sizes:
            folder = Path(tmp) / f"h{pages}"
            write_handbook(folder, pages, args.terms, args.words)
            results[pages], paired[pages], medians[pages] = best_of(folder, args.runs)
            links = sum(html.count('class="xref xref-term xref-auto"')
                        for html in (p.read_text(encoding="utf-8")
                                     for p in (folder / "site-engine.yml").glob("part-*/*/index.html")))
            results[pages]["links"] = links
    print(f"cross-reference engine benchmark: {args.terms} terms, ~{args.words} words per page, navigation.prune, "
          f"{os.cpu_count()} cores, best of {args.runs} run(s), load average at the end "
          f"{os.getloadavg()[0]:.1f}")
    print("wall seconds, ratio to plain (CPU seconds of every process of the build, ratio)")
    print(f"{'pages':>6} " + " ".join(f"{CONFIGS[name]:>27}" for name in CONFIGS) + f" {'autolinks':>10}")
    for pages, r in results.items():
        (_, plain_wall, *_), (plain_cpu, *_) = r["plain"], r["plain"]
        cells = [f"{wall:5.1f} {wall / plain_wall:4.2f}x ({cpu:5.1f} {cpu / plain_cpu:4.2f}x)"
                 for cpu, wall, *_ in (r[name] for name in CONFIGS)]
        print(f"{pages:>6} " + " ".join(f"{cell:>27}" for cell in cells) + f" {r['links']:>10}")
        for name in ("engine", "in-process"):
            inside, parts = r[name][2], r[name][3]
            print(f"{'':>6} {CONFIGS[name]}: CPU in the engine's hooks in the MkDocs process {inside:.1f} s "
                  f"({inside / plain_cpu:.0%} of plain): {parts}")
        if args.runs > 1:
            # Builds of one turn run back to back, under the same load: their ratio varies less than the best
            # times of configurations picked from different turns.
            cells = ", ".join(f"{CONFIGS[name]} {statistics.median(ratios):.2f}x ({ratios[0]:.2f}-{ratios[-1]:.2f})"
                              for name, ratios in paired[pages].items() if name != "plain")
            print(f"{'':>6} wall time / plain's of the same turn, median (range) of {args.runs} turns: {cells}")
    if len(results) == 2:
        small, large = (results[p] for p in sizes)
        growth = ", ".join(f"{CONFIGS[name]} x{large[name][1] / small[name][1]:.2f}" for name in CONFIGS)
        print(f"pages x{sizes[1] / sizes[0]:.1f} -> wall time (best): {growth}")
        if args.runs > 1:
            small, large = (medians[p] for p in sizes)
            growth = ", ".join(f"{CONFIGS[name]} x{large[name] / small[name]:.2f}" for name in CONFIGS)
            print(f"pages x{sizes[1] / sizes[0]:.1f} -> wall time (median of the turns): {growth}")
    print("mkdocs-ezglossary-plugin: 8.7x a plain build at 1,000 pages (reported, not measured here: it is not "
          "installed and cannot be added to the lock).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
