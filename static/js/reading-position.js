// Remembers the last section heading the reader scrolled past, so "Verder lezen" on the
// home page can bring them back to it. Reading works the same without this script.
const form = document.querySelector("form[data-reading-position]");
const headings = [...document.querySelectorAll(".chapter__body h2[id], .chapter__body h3[id]")];

if (form && headings.length) {
  let reached = "";
  let sent = "";

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
