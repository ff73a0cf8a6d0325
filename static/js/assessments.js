// Taking a test: save each answer as it is given, and count down the time left.
// The form works without this file (its buttons save the answers on the server).
(function () {
    "use strict";

    var form = document.querySelector(".quiz-form");
    if (!form) { return; }
    var url = form.getAttribute("data-answer-url");
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

    function status(questionId, text) {
        var line = form.querySelector("[data-saved-for='" + questionId + "']");
        if (line) { line.textContent = text; }
    }

    function save(fieldset) {
        var questionId = fieldset.getAttribute("data-question");
        var body = new URLSearchParams();
        body.append("question", questionId);
        fieldset.querySelectorAll("input[name='q" + questionId + "']:checked").forEach(function (input) {
            body.append("choice", input.value);
        });
        status(questionId, "…");
        return fetch(url, {
            method: "POST",
            body: body,
            credentials: "same-origin",
            headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" }
        }).then(function (response) {
            return response.json().then(function (data) {
                if (data.ok) {
                    status(questionId, form.getAttribute("data-saved-label"));
                } else {
                    status(questionId, data.message);
                }
            });
        }).catch(function () {
            status(questionId, form.getAttribute("data-error-label"));
        });
    }

    form.addEventListener("change", function (event) {
        var fieldset = event.target.closest("[data-question]");
        if (fieldset) { save(fieldset); }
    });

    // The time left: the server decides, this only shows it and submits at zero.
    var timer = document.querySelector("[data-seconds-left]");
    if (!timer) { return; }
    var value = timer.querySelector(".quiz-timer__value");
    var endsAt = Date.now() + parseInt(timer.getAttribute("data-seconds-left"), 10) * 1000;
    var submitted = false;
    function tick() {
        var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
        var minutes = Math.floor(left / 60);
        var seconds = left % 60;
        value.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
        if (left <= 60) { timer.classList.add("quiz-timer--low"); }
        if (left === 0 && !submitted) {
            submitted = true;
            value.textContent = timer.getAttribute("data-expired");
            var button = form.querySelector("button[value=submit]");
            if (button) {
                form.requestSubmit ? form.requestSubmit(button) : button.click();
            } else {
                window.location.reload();
            }
            return;
        }
        window.setTimeout(tick, 1000);
    }
    tick();
})();
