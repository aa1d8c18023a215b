// "Doe een voorstel" with the passage the reader selected: when text is selected in the
// chapter's body, the links to the suggestion form carry it (?citaat=) and the section it
// stands in (?paragraaf=), and the form starts with both filled in. Without this script
// the form works the same: the passage is typed or pasted.
const body = document.querySelector(".chapter__body");
const links = [...document.querySelectorAll("a[data-suggest-link]")];
const MAX_QUOTE = 2000;

const sectionOf = (node) => {
  const headings = [...body.querySelectorAll("h2[id]")];
  let found = "";
  for (const heading of headings) {
    const order = heading.compareDocumentPosition(node);
    if (order & Node.DOCUMENT_POSITION_FOLLOWING || heading.contains(node)) found = heading.id;
  }
  return found;
};

const update = () => {
  const selection = document.getSelection();
  const text = selection ? selection.toString().trim().slice(0, MAX_QUOTE) : "";
  const inBody = text && body.contains(selection.anchorNode);
  for (const link of links) {
    const url = new URL(link.dataset.suggestLink, window.location.href);
    if (inBody) {
      url.searchParams.set("citaat", text);
      const section = sectionOf(selection.anchorNode);
      if (section) url.searchParams.set("paragraaf", section);
    }
    link.href = url.pathname + url.search;
  }
};

if (body && links.length) {
  document.addEventListener("selectionchange", update);
}
