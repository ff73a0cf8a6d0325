/* The LAO picker (province → district → LAO) without page reloads, plus a type-ahead
 * search by name or DLA code. Without this script the form still works: its
 * "show the districts" / "show the LAOs" buttons post the form back. */
(function () {
    "use strict";

    function fillSelect(select, options, value) {
        select.textContent = "";
        options.forEach(function (option) {
            var element = document.createElement("option");
            element.value = option.value;
            element.textContent = option.label;
            select.appendChild(element);
        });
        select.value = value || "";
    }

    var getJSON = window.escGetJSON; // static/js/fetch_json.js

    function setUp(picker) {
        var province = picker.querySelector("select[name$='province']");
        var district = picker.querySelector("select[name$='district']");
        var organisation = picker.querySelector("select[name$='organisation']");
        if (!province || !district || !organisation) { return; }
        var districtsUrl = picker.dataset.districtsUrl;
        var organisationsUrl = picker.dataset.organisationsUrl;
        var searchUrl = picker.dataset.searchUrl;
        var firstOrganisationOption = organisation.options.length ? organisation.options[0].textContent : "";

        // The lists fill themselves now: the post-back buttons are not needed.
        picker.querySelectorAll(".lao-picker__refresh").forEach(function (element) { element.remove(); });

        function loadDistricts(value) {
            return getJSON(districtsUrl + "?province=" + encodeURIComponent(province.value))
                .then(function (data) { fillSelect(district, data.options, value); });
        }

        function loadOrganisations(value) {
            if (!district.value) {
                fillSelect(organisation, [{ value: "", label: firstOrganisationOption }], "");
                return Promise.resolve();
            }
            return getJSON(organisationsUrl + "?district=" + encodeURIComponent(district.value))
                .then(function (data) {
                    var options = [{ value: "", label: firstOrganisationOption }].concat(data.options);
                    fillSelect(organisation, options, value);
                });
        }

        province.addEventListener("change", function () {
            loadDistricts("").then(function () { return loadOrganisations(""); });
        });
        district.addEventListener("change", function () { loadOrganisations(""); });

        var search = picker.querySelector(".lao-picker__search");
        if (!search || !searchUrl) { return; }
        var input = search.querySelector("input[type='search']");
        var results = search.querySelector(".lao-picker__results");
        var status = search.querySelector(".lao-picker__status");
        var timer = null;
        var latest = 0;
        search.hidden = false;

        function choose(result) {
            province.value = result.province_code;
            loadDistricts(result.district_code)
                .then(function () { return loadOrganisations(String(result.id)); })
                .then(function () {
                    results.textContent = "";
                    status.textContent = result.name + " · " + result.district + " · " + result.province;
                    organisation.focus();
                });
        }

        function show(list) {
            results.textContent = "";
            list.forEach(function (result) {
                var item = document.createElement("li");
                var button = document.createElement("button");
                button.type = "button";
                button.className = "lao-picker__result";
                button.setAttribute("role", "option");
                button.textContent = result.name + " (" + result.dla_code + ") · " +
                    result.district + " · " + result.province;
                button.addEventListener("click", function () { choose(result); });
                item.appendChild(button);
                results.appendChild(item);
            });
            status.textContent = list.length
                ? (search.dataset.foundText || "{count}").replace("{count}", list.length)
                : (search.dataset.noneText || "");
        }

        input.addEventListener("input", function () {
            window.clearTimeout(timer);
            var query = input.value.trim();
            if (query.length < 2) { results.textContent = ""; status.textContent = ""; return; }
            timer = window.setTimeout(function () {
                var ticket = ++latest;
                getJSON(searchUrl + "?q=" + encodeURIComponent(query)).then(function (data) {
                    if (ticket === latest) { show(data.results); }
                });
            }, 250);
        });
        // Enter in the search box picks the first result instead of submitting the form.
        input.addEventListener("keydown", function (event) {
            if (event.key === "Enter") {
                event.preventDefault();
                var first = results.querySelector("button");
                if (first) { first.click(); }
            }
        });
    }

    function setUpPrefix(form) {
        var prefix = form.querySelector("select[name='prefix']");
        var other = form.querySelector(".prefix-other");
        if (!prefix || !other) { return; }
        function toggle() { other.hidden = prefix.value !== "other"; }
        prefix.addEventListener("change", toggle);
        toggle();
    }

    document.querySelectorAll("[data-lao-picker]").forEach(setUp);
    document.querySelectorAll("form").forEach(setUpPrefix);
}());
