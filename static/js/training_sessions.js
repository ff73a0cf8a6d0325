/* Live sessions: the waiting page enters by itself once the meeting runs, and the trainer
   console's roster refreshes by itself. No inline scripts (CSP); everything from data-*. */
(function () {
  "use strict";

  var getJSON = window.escGetJSON; // static/js/fetch_json.js

  // Spread thousands of phones over time instead of polling in step.
  function jittered(ms) { return ms + Math.floor(Math.random() * ms * 0.5); }

  function waitingPage(root) {
    var url = root.getAttribute("data-live-status-url");
    var form = root.querySelector("[data-live-join-form]");
    var problem = root.querySelector("[data-live-problem]");
    var ended = root.querySelector("[data-live-ended]");
    var waiting = root.querySelector("[data-live-waiting]");
    function check() {
      getJSON(url).then(function (status) {
        problem.hidden = !status.problem;
        if (status.ended) {
          ended.hidden = false;
          waiting.hidden = true;
          form.hidden = true;
          return;
        }
        if (status.running) {
          form.submit();
          return;
        }
        window.setTimeout(check, jittered(5000));
      }).catch(function () {
        problem.hidden = false;
        window.setTimeout(check, jittered(10000));
      });
    }
    window.setTimeout(check, jittered(2000));
  }

  function roster(root) {
    var url = root.getAttribute("data-roster-url");
    var labels = root.querySelector("[data-roster-labels]");
    var inside = root.querySelector("[data-roster-inside]");
    var enrolled = root.querySelector("[data-roster-enrolled]");
    var checked = root.querySelector("[data-roster-checked]");
    var problem = root.querySelector("[data-roster-problem]");
    var others = root.querySelector("[data-roster-others]");
    var status = document.querySelector("[data-roster-status]");
    function render(data) {
      inside.textContent = data.in_meeting;
      enrolled.textContent = data.enrolled;
      checked.textContent = "· " + labels.getAttribute("data-checked") + " " + data.checked_at;
      if (status) { status.textContent = data.status_label; }
      problem.hidden = !data.problem;
      problem.textContent = data.problem || "";
      data.participants.forEach(function (person) {
        var row = root.querySelector('tr[data-user-id="' + person.id + '"]');
        if (!row) { return; }
        row.classList.toggle("roster__row--in", person.in_meeting);
        row.querySelector('[data-field="in_meeting"]').textContent =
          person.in_meeting ? labels.getAttribute("data-in") : "–";
        row.querySelector('[data-field="attendance"]').textContent = person.status
          ? person.status_label + " · " + (person.minutes === null
            ? "–" : person.minutes + " " + labels.getAttribute("data-min"))
          : "–";
        var evidence = row.querySelector('[data-field="evidence"]');
        if (evidence) { evidence.textContent = (person.evidence || []).join(", ") || "–"; }
      });
      others.textContent = "";
      if (!data.others.length) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = "–";
        others.appendChild(none);
      }
      data.others.forEach(function (person) {
        var item = document.createElement("li");
        var role = labels.getAttribute("data-role-" + String(person.role).toLowerCase());
        item.textContent = person.name + " (" + (role || person.role) + ")";
        others.appendChild(item);
      });
    }
    function refresh() {
      getJSON(url).then(render).catch(function () {
        problem.hidden = false;
      }).then(function () {
        window.setTimeout(refresh, 5000);
      });
    }
    refresh();
  }

  document.querySelectorAll("[data-live-status-url]").forEach(waitingPage);
  document.querySelectorAll("[data-roster-url]").forEach(roster);
})();
