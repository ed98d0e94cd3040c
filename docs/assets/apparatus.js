// The apparatus: following a lemma opens its note in place (folded under the paragraph on narrow screens, marked
// in the margin on wide ones), and a note's number leads back to its lemma. Without script the links' #targets
// do it (CSS :target). With script the click is handled here, on window in the capture phase, before Material's
// instant navigation sees it: that treats a link within the page as a navigation, fetches the page again and
// replaces it, and the opened note would close.
window.addEventListener("click", (event) => {
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;   // a new tab or window
  const link = event.target instanceof Element ? event.target.closest("a.lemma, .essay-note a.note-number") : null;
  const target = link && document.getElementById(decodeURIComponent(new URL(link.href).hash.slice(1)));
  if (!target) return;
  event.preventDefault();
  event.stopPropagation();
  if (target.matches(".essay-note")) open(target);
  target.scrollIntoView({ block: "nearest" });
  if (!target.matches(".essay-note")) target.focus();    // back at the lemma: the keyboard goes on from there
}, true);

function open(note) {
  for (const other of document.querySelectorAll(".essay-note.is-open")) {
    if (other !== note) other.classList.remove("is-open");
  }
  note.classList.add("is-open");
}
