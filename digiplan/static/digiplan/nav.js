// On narrow screens the main menu and the account links fold behind a "Meny" button, so that
// the page's own content starts near the top. Without script the button stays hidden and
// everything shows, as on a wide screen. layout.css decides the width at which it folds.
document.addEventListener("DOMContentLoaded", function () {
  var header = document.querySelector(".site-header");
  var button = header && header.querySelector(".nav-toggle");
  if (!button) return;

  function set(open) {
    header.classList.toggle("nav-collapsed", !open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  header.classList.add("js-nav");
  button.hidden = false;
  set(false);
  button.addEventListener("click", function () {
    set(button.getAttribute("aria-expanded") !== "true");
  });
  // Escape closes the open menu and gives the focus back to its button.
  header.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      set(false);
      button.focus();
    }
  });
});
