// SAR sandbox: small progressive enhancements; every page works without this file.
(function () {
    "use strict";

    // The printable results page: a Print button.
    document.querySelectorAll("[data-sar-print]").forEach(function (button) {
        button.addEventListener("click", function () { window.print(); });
    });

    // After a refused save, bring the first field with an error into view.
    var firstError = document.querySelector(".sar-field--error input, .sar-field--error select");
    if (firstError) {
        firstError.setAttribute("aria-invalid", "true");
        firstError.focus({ preventScroll: false });
    }

    // Mark every field with an error for screen readers too.
    document.querySelectorAll(".sar-field--error").forEach(function (field) {
        var input = field.querySelector("input, select");
        var error = field.querySelector(".errorlist[id]");
        if (input && error) {
            input.setAttribute("aria-invalid", "true");
            input.setAttribute("aria-describedby", error.id);
        }
    });
})();
