// A list of checkboxes with a search box (core/widgets.py): typing a name or an e-mail
// hides the rows that do not contain it. Ticked rows stay visible, so a choice is not lost
// from sight while searching.
(function () {
  "use strict";

  function normalise(text) {
    return text.toLocaleLowerCase("th").replace(/\s+/g, " ").trim();
  }

  function setUp(box) {
    var input = box.querySelector("[data-search]");
    var none = box.querySelector("[data-none]");
    var rows = Array.prototype.slice.call(box.querySelectorAll("input[type=checkbox]")).map(
      function (checkbox) {
        var row = checkbox.closest("div") || checkbox.parentElement;
        return { row: row, checkbox: checkbox, text: normalise(row.textContent) };
      }
    );
    if (!input) {
      return;
    }
    input.addEventListener("input", function () {
      var wanted = normalise(input.value);
      var shown = 0;
      rows.forEach(function (item) {
        var visible = !wanted || item.checkbox.checked || item.text.indexOf(wanted) !== -1;
        item.row.hidden = !visible;
        if (visible) {
          shown += 1;
        }
      });
      if (none) {
        none.hidden = shown > 0;
      }
    });
    // Enter in the search box would submit the whole form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  }

  function init() {
    document.querySelectorAll("[data-searchable-checkboxes]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
