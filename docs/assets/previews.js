// Previews of cross-references (¶, quotation, chapter, section, figure, citation) on hover, on keyboard focus and,
// on touch, at the first tap (a second tap, or the preview's own link, follows it); the copy buttons of "Cite this
// paragraph"; and the mark on the paragraph a ¶ link lands on. Same-site pages only, fetched once and cached.
// Listeners sit on document, so they survive Material's instant navigation, which swaps the page's content.
(() => {
  "use strict";
  const LINKS = "a.xref-p, a.xref-q, a.essay-para-num, a.xref-ch, a.xref-sec, a.xref-fig, a.xref-src";
  const HOVER_DELAY = 150;        // ms: passing over a link on the way elsewhere opens nothing
  const HIDE_DELAY = 300;         // ms: time to move the pointer from the link onto the preview (WCAG 1.4.13)
  const OPENING_CHARS = 320;      // a section's or chapter's opening, cut at a word
  const pages = new Map();        // page URL -> Promise of its parsed document
  const state = { tip: null, owner: null, openTimer: 0, hideTimer: 0, touchAt: 0, dismissed: null };

  // Material's tooltips (content.tooltips) read a link's title; the preview replaces it, so the title moves
  // to data-preview-title, kept as the preview's fallback text.
  function moveTitles(root) {
    for (const link of root.querySelectorAll(LINKS)) {
      if (!link.hasAttribute("title")) continue;
      link.dataset.previewTitle = link.title;
      link.removeAttribute("title");
    }
  }

  function pageOf(url) {
    const key = url.origin + url.pathname;
    if (key === location.origin + location.pathname) return Promise.resolve(document);
    if (!pages.has(key)) {
      pages.set(key, fetch(key, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.text() : Promise.reject(new Error(response.status))))
        .then((text) => new DOMParser().parseFromString(text, "text/html")));
    }
    return pages.get(key);
  }

  function textOf(node, drop = "") {
    const copy = node.cloneNode(true);
    if (drop) for (const extra of copy.querySelectorAll(drop)) extra.remove();
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function shorten(text) {
    if (text.length <= OPENING_CHARS) return text;
    const cut = text.slice(0, OPENING_CHARS);
    return cut.slice(0, cut.lastIndexOf(" ")) + " …";
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // The first paragraph of prose after a heading, up to the next heading.
  function openingAfter(heading) {
    for (let next = heading.nextElementSibling; next && !/^H[1-6]$/.test(next.tagName); next = next.nextElementSibling) {
      if (next.tagName === "P" && next.textContent.trim()) return shorten(textOf(next));
    }
    return "";
  }

  function paragraphPreview(target) {
    const text = target.querySelector(".essay-para-text");
    if (!text) return null;
    return [element("p", "xref-preview-title", target.id.replace("para-", "¶")),
            element("p", "xref-preview-quote", textOf(text, ".essay-para-num, .lemma-mark"))];
  }

  function headingPreview(heading) {
    if (!heading) return null;
    return [element("p", "xref-preview-title", textOf(heading, ".headerlink")),
            element("p", "", openingAfter(heading))];
  }

  // A figure as it stands (both palettes' copies; the stylesheet shows one), without ids, which would repeat
  // the page's, and hidden from assistive technology: the caption, kept, says what it is.
  function figurePreview(target) {
    if (!target || target.tagName !== "FIGURE") return null;
    const copy = target.cloneNode(true);
    for (const node of [copy, ...copy.querySelectorAll("[id]")]) node.removeAttribute("id");
    for (const svg of copy.querySelectorAll("svg")) {
      svg.removeAttribute("aria-labelledby");
      svg.setAttribute("aria-hidden", "true");
    }
    return [copy];
  }

  function sourcePreview(target) {
    if (!target) return null;
    const entry = element("p", "xref-preview-source");
    const copy = target.cloneNode(true);
    for (const extra of copy.querySelectorAll(".xref-cited-in, br, [id]")) {
      if (extra.matches(".xref-cited-in, br")) extra.remove(); else extra.removeAttribute("id");
    }
    entry.append(...copy.childNodes);
    return [entry];
  }

  function kindOf(link) {
    if (link.matches(".xref-ch")) return "chapter";
    if (link.matches(".xref-sec")) return "section";
    if (link.matches(".xref-fig")) return "figure";
    if (link.matches(".xref-src")) return "source";
    return "paragraph";
  }

  function previewOf(link, doc, url) {
    const target = url.hash ? doc.getElementById(decodeURIComponent(url.hash.slice(1))) : null;
    switch (kindOf(link)) {
      case "chapter": return headingPreview(doc.querySelector("article h1"));
      case "section": return headingPreview(target);
      case "figure": return figurePreview(target);
      case "source": return sourcePreview(target);
      default: return target ? paragraphPreview(target) : null;
    }
  }

  // Links in the preview lead where they led on their page, are not in the tab order (the preview closes when
  // focus leaves its link) and open no preview of their own.
  function settle(nodes, url) {
    const box = element("div", "xref-preview-body");
    box.append(...nodes);
    for (const link of box.querySelectorAll("a[href]")) {
      link.href = new URL(link.getAttribute("href"), url).href;
      link.tabIndex = -1;
      link.classList.remove("xref-p", "xref-q", "xref-ch", "xref-sec", "xref-fig", "xref-src", "essay-para-num");
    }
    return box;
  }

  function place(tip, link) {
    const box = link.getBoundingClientRect();
    const width = Math.min(tip.offsetWidth, document.documentElement.clientWidth - 16);
    const left = Math.max(8, Math.min(box.left, document.documentElement.clientWidth - width - 8));
    const below = box.bottom + 8;
    const top = below + tip.offsetHeight > innerHeight && box.top > tip.offsetHeight + 8
      ? box.top - tip.offsetHeight - 8 : below;
    tip.style.left = `${left + scrollX}px`;
    tip.style.top = `${top + scrollY}px`;
  }

  function open(link) {
    clearTimeout(state.hideTimer);
    if (state.owner === link) return;
    close();
    const url = new URL(link.href, document.baseURI);
    if (url.origin !== location.origin) return;
    const tip = element("div", "xref-preview md-typeset");
    tip.id = "xref-preview";
    tip.setAttribute("role", "tooltip");
    tip.append(element("p", "xref-preview-loading", "Loading preview …"));
    const go = element("a", "xref-preview-go", `Go to ${link.textContent.trim() || "the reference"} →`);
    go.href = url.href;
    go.tabIndex = -1;
    document.body.append(tip);
    link.setAttribute("aria-describedby", tip.id);
    Object.assign(state, { tip, owner: link, dismissed: null });
    place(tip, link);
    pageOf(url).then((doc) => previewOf(link, doc, url)).catch(() => null).then((nodes) => {
      if (state.tip !== tip) return;
      const fallback = link.dataset.previewTitle;
      const body = nodes ? settle(nodes, url) : element("p", "", fallback || "No preview: follow the link.");
      tip.replaceChildren(body, go);
      place(tip, link);
    });
  }

  function close() {
    clearTimeout(state.openTimer);
    clearTimeout(state.hideTimer);
    if (state.owner) state.owner.removeAttribute("aria-describedby");
    if (state.tip) state.tip.remove();
    state.tip = state.owner = null;
  }

  function linkAt(target) {
    const link = target instanceof Element ? target.closest(LINKS) : null;
    return link && !link.closest(".xref-preview") ? link : null;
  }

  function inPreview(target) {
    return target instanceof Element && state.tip !== null && state.tip.contains(target);
  }

  document.addEventListener("pointerover", (event) => {
    if (event.pointerType !== "mouse") return;
    if (inPreview(event.target)) { clearTimeout(state.hideTimer); return; }
    const link = linkAt(event.target);
    if (!link) return;
    clearTimeout(state.openTimer);
    state.openTimer = setTimeout(() => open(link), state.owner ? 0 : HOVER_DELAY);
  });

  document.addEventListener("pointerout", (event) => {
    if (event.pointerType !== "mouse") return;
    const to = event.relatedTarget;
    if (linkAt(event.target) || inPreview(event.target)) clearTimeout(state.openTimer);
    if (!state.tip || inPreview(to) || (to instanceof Element && state.owner.contains(to))) return;
    if (!(inPreview(event.target) || state.owner.contains(event.target))) return;
    state.hideTimer = setTimeout(close, HIDE_DELAY);
  });

  // Keyboard focus opens the preview at once; a tap's focus does not, so that the tap itself decides.
  document.addEventListener("focusin", (event) => {
    const link = linkAt(event.target);
    if (link && Date.now() - state.touchAt > 1000 && state.dismissed !== link) open(link);
  });

  document.addEventListener("focusout", (event) => {
    if (state.owner && event.target === state.owner && !inPreview(event.relatedTarget)) close();
    if (event.target === state.dismissed) state.dismissed = null;
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !state.tip) return;
    state.dismissed = state.owner;   // stays closed while focus stays on the link
    close();
  });

  document.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "touch") state.touchAt = Date.now();
    if (state.tip && !inPreview(event.target) && !(state.owner && state.owner.contains(event.target))) close();
  });

  // On window, in the capture phase: before Material's instant navigation sees the click of a first tap.
  window.addEventListener("click", (event) => {
    const link = linkAt(event.target);
    if (!link || Date.now() - state.touchAt > 1000 || state.owner === link) return;
    event.preventDefault();
    event.stopPropagation();
    open(link);
  }, true);

  // The paragraph a ¶ link lands on: CSS :target, and this class where instant navigation leaves :target behind.
  // The link's own target is remembered: navigation.tracking soon replaces the address's #para-N by a heading's.
  let landing = null;   // URL of the last ¶ link followed, until its page shows

  function landedId() {
    if (landing && landing.pathname === location.pathname) return decodeURIComponent(landing.hash.slice(1));
    return decodeURIComponent(location.hash.slice(1));
  }

  function markLanded() {
    const id = landedId();
    const target = id ? document.getElementById(id) : null;
    if (!target || !target.matches("blockquote.essay-para")) return;
    for (const landed of document.querySelectorAll("blockquote.essay-para.is-landed")) {
      if (landed !== target) landed.classList.remove("is-landed");
    }
    target.classList.add("is-landed");
    landing = null;
  }

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href*='#para-']") : null;
    if (!link) return;   // (Material's instant navigation has prevented the default: it is still followed)
    landing = new URL(link.href, document.baseURI);
    setTimeout(markLanded, 0);   // same page: after the address has changed
  });
  window.addEventListener("hashchange", markLanded);
  window.addEventListener("popstate", markLanded);

  // Copy buttons of "Cite this paragraph": the clipboard API, else a selection and execCommand.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    const area = element("textarea", "xref-copy-area");
    area.value = text;
    document.body.append(area);
    area.select();
    const done = document.execCommand("copy");
    area.remove();
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  // Content may hold no <button> (the build's content rules), and without script one could not copy: added here.
  function addCopyButtons(root) {
    for (const label of root.querySelectorAll(".essay-cite-label:not(:has(button))")) {
      const button = element("button", "essay-copy", "Copy");
      button.type = "button";
      button.setAttribute("aria-label", `Copy the citation (${label.textContent.trim()})`);
      label.append(" ", button);
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button.essay-copy") : null;
    if (!button) return;
    const form = button.closest(".essay-cite-form");
    const source = form && form.querySelector("code, .essay-cite-text");
    if (!source) return;
    copyText(source.textContent).then(() => { button.textContent = "Copied"; },
                                      () => { button.textContent = "Select and copy"; });
    setTimeout(() => { button.textContent = "Copy"; }, 2000);
  });

  function onPage() {
    close();
    moveTitles(document);
    addCopyButtons(document);
    markLanded();
  }

  onPage();   // now, before Material mounts its tooltips on this page's titles
  if (window.document$) window.document$.subscribe(onPage);   // each page of instant navigation
  // Instant navigation may set the address after the new content is in: mark again once it has.
  if (window.location$) window.location$.subscribe(() => setTimeout(markLanded, 0));
})();
