/* One JSON fetch for the pages' scripts (accounts.js, training_sessions.js): same-origin
 * cookies, asks for JSON, rejects on an HTTP error. Loaded before them (defer keeps order). */
(function () {
    "use strict";

    window.escGetJSON = function (url) {
        return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (response) {
                if (!response.ok) { throw new Error("HTTP " + response.status); }
                return response.json();
            });
    };
}());
