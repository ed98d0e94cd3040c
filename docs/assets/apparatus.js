// The apparatus on narrow screens: a note opens in place, under its paragraph, when its lemma is followed.
// Without script the link's #target does it (CSS :target); Material's instant navigation changes the address
// without a navigation, so :target would not follow, and this marks the note instead.
document.addEventListener("click", (event) => {
  const lemma = event.target instanceof Element ? event.target.closest("a.lemma") : null;
  if (!lemma) return;
  const note = document.getElementById(new URL(lemma.href, document.baseURI).hash.slice(1));
  if (!note) return;
  for (const open of document.querySelectorAll(".essay-note.is-open")) {
    if (open !== note) open.classList.remove("is-open");
  }
  note.classList.add("is-open");
});
