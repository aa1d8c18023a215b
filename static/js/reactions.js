// "Herkenbaar" and "Dank je wel" without leaving the page. Without this script the
// same forms post to the server, which sends the reader back to the story; with it the
// form is sent by fetch and the server answers with the new counts as JSON.
const announce = (region, text) => {
  if (!region) return;
  // Emptying first makes screen readers announce the same text twice in a row.
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
};

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-reaction]");
  if (!form) return;
  event.preventDefault();
  const button = form.querySelector("button[aria-pressed]");
  const box = form.closest("[data-reactions]");
  if (button) button.disabled = true;
  let data;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch", Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    data = await response.json();
  } catch {
    // Let the server answer the ordinary way (a page, or the login form).
    form.submit();
    return;
  } finally {
    if (button) button.disabled = false;
  }
  for (const [kind, count] of Object.entries(data.counts)) {
    const counter = box && box.querySelector(`[data-count="${kind}"]`);
    if (counter) counter.textContent = String(count);
  }
  if (button) button.setAttribute("aria-pressed", data.given ? "true" : "false");
  announce(box && box.querySelector("[data-reaction-status]"), data.message);
});
