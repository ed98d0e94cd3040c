"""The handbook's cross-reference engine: plain Python, no MkDocs import (hooks/mkdocs_adapter.py wires it in).

The folders are the stages, in the order a build runs them:

1. load/       the data, loaded once into a frozen model (data.py): the essay and its edition (essay.py), the
               bibliography, the glossary and the index of its wordings for autolinks (term_index.py).
2. markdown/   per page, the Markdown step (page_step.py): `::: essay N` quotations (quotes.py), ```d2
               figures (diagrams.py) and `<!-- xref:NAME -->` markers, by a line-based pass (transform.py).
3. scan/       per page, one pass over the page's HTML (html_scan.py): glossary autolinks and
               [[kind:id]] tokens, left as placeholders.
4. check/      the checks: of each page's source (source.py: front matter, content rules, page links), and,
               once every page is known, across pages over the frozen registry (cross_page.py).
5. finalize/   per page, the final pass (final_pass.py), a pure function of the page's HTML and a snapshot of
               the build: placeholders become links (links.py), slots are filled; search.py decides what the
               search index reads; csp.py writes the Content-Security-Policy of each written page.
6. generated/  the generated pages: their Markdown before the pages (pages.py), their lists after
               (lists.py, backlinks.py, related.py).

Beside the stages: core/ (what every stage shares: problems, the data classes, URLs, the Markdown grammar,
YAML with line numbers), registry/ (what the pages hold, and the pure resolution of references), run/ (the
per-page work in this process or in a forked worker, behind one interface), and engine.py, which runs the
stages in order for the adapter.
"""
