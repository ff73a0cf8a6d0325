// Taking a test: save each answer as it is given, count the answers saved, ask before
// submitting with questions unanswered, and count down the time left.
// The form works without this file (its buttons save the answers on the server, and the
// server asks about unanswered questions on its own page).
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

    // "Answered x of y": the questions whose answer the server has saved.
    var progress = document.querySelector(".quiz-progress[data-template]");
    var order = progress ? progress.getAttribute("data-order").split(",").filter(Boolean) : [];
    var answered = {};
    if (progress) {
        progress.getAttribute("data-answered").split(",").filter(Boolean).forEach(function (id) {
            answered[id] = true;
        });
    }

    function showProgress() {
        if (!progress) { return; }
        var count = order.filter(function (id) { return answered[id]; }).length;
        progress.textContent = progress.getAttribute("data-template").replace("{answered}", count);
        order.forEach(function (id, index) {
            var link = document.querySelector(".quiz-nav a[href='?q=" + (index + 1) + "']");
            if (link) { link.classList.toggle("quiz-nav__item--answered", !!answered[id]); }
        });
    }

    function chosen(questionId) {
        return form.querySelectorAll("input[name='q" + questionId + "']:checked");
    }

    function save(fieldset) {
        var questionId = fieldset.getAttribute("data-question");
        var body = new URLSearchParams();
        body.append("question", questionId);
        var choices = chosen(questionId);
        choices.forEach(function (input) {
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
                    answered[questionId] = choices.length > 0;
                    showProgress();
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

    // Submitting with questions unanswered asks first (the server asks too, without this).
    var dialog = document.getElementById("quiz-confirm-dialog");
    var confirmed = false;

    function confirmAndSubmit(button) {
        confirmed = true;
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = "confirmed";
        field.value = "1";
        form.appendChild(field);
        if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
    }

    function unanswered() {
        // Saved answers, and any choice on the page whose save is still on its way.
        return order.map(function (id, index) {
            return { id: id, number: index + 1 };
        }).filter(function (item) {
            var onPage = form.querySelector("[data-question='" + item.id + "']");
            return onPage ? chosen(item.id).length === 0 : !answered[item.id];
        });
    }

    form.addEventListener("submit", function (event) {
        var button = event.submitter;
        if (confirmed || !button || button.value !== "submit" || !dialog || !dialog.showModal) {
            return;
        }
        var missing = unanswered();
        if (!missing.length) { return; }
        event.preventDefault();
        dialog.querySelector(".quiz-dialog__count").textContent =
            dialog.getAttribute("data-count-template").replace("{count}", missing.length);
        var list = dialog.querySelector(".quiz-confirm__list");
        list.textContent = "";
        missing.forEach(function (item) {
            var entry = document.createElement("li");
            var label = document.createElement("span");
            label.textContent = dialog.getAttribute("data-question-template").replace("{number}", item.number);
            entry.appendChild(label);
            list.appendChild(entry);
        });
        dialog.querySelector("[data-dialog-submit]").onclick = function () {
            dialog.close();
            confirmAndSubmit(button);
        };
        dialog.querySelector("[data-dialog-back]").onclick = function () {
            dialog.close();
            var first = form.querySelector("[data-question='" + missing[0].id + "']");
            if (first) {
                first.scrollIntoView({ block: "center" });
                var input = first.querySelector("input[type=radio], input[type=checkbox]");
                if (input) { input.focus({ preventScroll: true }); }
            } else {
                window.location.search = "?q=" + missing[0].number;
            }
        };
        dialog.showModal();
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
                if (dialog && dialog.open) { dialog.close(); }
                confirmAndSubmit(button);  // time is up: no question asked
            } else {
                window.location.reload();
            }
            return;
        }
        window.setTimeout(tick, 1000);
    }
    tick();
})();
