// The header's menu is a <details>: folded on a phone, always open on wider screens (the
// 64em of static/css/layout.css). This keeps its open state, which assistive technology
// announces, in step with what the CSS shows; without it the menu still opens and closes.
const menu = document.querySelector("details.site-menu");

if (menu) {
  const wide = window.matchMedia("(min-width: 64em)");
  const follow = () => {
    menu.open = wide.matches;
  };
  follow();
  wide.addEventListener("change", follow);

  // Escape folds the open menu on a phone and hands focus back to its button.
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open && !wide.matches) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
}
