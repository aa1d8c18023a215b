// Remembers the chapter the reader opened and the last section heading they scrolled
// past, so "Verder lezen" on the home page can bring them back to it. Opening the page
// (a GET) records nothing: this script posts it. Reading works the same without it
// (a button in <noscript> does the posting then).
const form = document.querySelector("form[data-reading-position]");
const headings = [...document.querySelectorAll(".chapter__body h2[id], .chapter__body h3[id]")];

if (form) {
  let reached = "";
  // null: the opening itself is not sent yet. An empty section keeps the one stored.
  let sent = null;

  const send = () => {
    if (reached === sent) return;
    sent = reached;
    form.elements.section.value = reached;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
      keepalive: true,
    }).catch(() => {
      sent = "";
    });
  };

  send();

  const observer = new IntersectionObserver(
    () => {
      const passed = headings.filter((h) => h.getBoundingClientRect().top < window.innerHeight / 3);
      reached = passed.length ? passed[passed.length - 1].id : "";
    },
    { rootMargin: "0px 0px -66% 0px" },
  );
  headings.forEach((h) => observer.observe(h));

  let timer;
  window.addEventListener("scroll", () => {
    clearTimeout(timer);
    timer = setTimeout(send, 1500);
  }, { passive: true });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") send();
  });
}
