/* The site menu on a phone: one header line (brand and a "เมนู" button) that opens the
   menu below it. Without JavaScript the menu simply shows, wrapped under the brand. */
(function () {
  "use strict";
  var header = document.querySelector("[data-site-header]");
  if (!header) { return; }
  var button = header.querySelector("[data-menu-button]");
  var nav = document.getElementById(button.getAttribute("aria-controls"));
  header.classList.add("site-header--collapsible");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("site-header--open", open);
    if (open) {
      var first = nav.querySelector("a, button");
      if (first) { first.focus(); }
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && header.classList.contains("site-header--open")) {
      button.setAttribute("aria-expanded", "false");
      header.classList.remove("site-header--open");
      button.focus();
    }
  });
}());
