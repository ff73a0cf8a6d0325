// SAR sandbox: small progressive enhancements; every page works without this file.
(function () {
    "use strict";

    // The printable results page: a Print button.
    document.querySelectorAll("[data-sar-print]").forEach(function (button) {
        button.addEventListener("click", function () { window.print(); });
    });

    // After a refused save, bring the first field with an error into view (without
    // focusing it: on a phone that would pop the keyboard up over the message).
    var firstError = document.querySelector(".sar-field--error");
    if (firstError && firstError.scrollIntoView) {
        firstError.scrollIntoView({ block: "center" });
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
