/* briefgen claims tracker filter: no dependencies.
 *
 * Without JavaScript the status badges at the top of claims/ are links to
 * claims/<status>/. With it they become toggle buttons that show one status's
 * section of the tracker in place (and "All" shows every section again); the
 * choice is kept in the address as #<status>, which is also that section's id. */
(function () {
  "use strict";
  // The site's words (briefgen/i18n.py), given as data- attributes of this script's tag; else English
  var script = document.currentScript;
  function word(name, english) {
    var value = script && script.getAttribute("data-" + name);
    return value === null || value === undefined ? english : value;  // ("" is a word too)
  }
  var list = document.querySelector(".status-legend, .status-filter");
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.claim-group[id]"));
  if (!list || !sections.length) { return; }
  var byKey = {};
  sections.forEach(function (s) { byKey[s.id] = s; });

  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  list.parentNode.insertBefore(status, list.nextSibling);

  var buttons = [];
  function button(key, content, className) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.setAttribute("data-status", key);
    b.setAttribute("aria-pressed", "false");
    while (content.firstChild) { b.appendChild(content.firstChild); }
    b.addEventListener("click", function () { apply(key === "" || b.getAttribute("aria-pressed") === "true" ? "" : key, true); });
    buttons.push(b);
    return b;
  }
  Array.prototype.slice.call(list.querySelectorAll("a")).forEach(function (a) {
    var key = (a.getAttribute("href").match(/claims\/([^/]+)\/$/) || [])[1];
    if (key && byKey[key]) { a.replaceWith(button(key, a, a.className)); }
  });
  if (!buttons.length) { return; }
  var all = document.createElement("li");
  var label = document.createElement("span");
  label.textContent = word("all", "All");
  all.appendChild(button("", label, "status-filter-all"));
  list.insertBefore(all, list.firstChild);
  list.setAttribute("aria-label", word("label", "Show claims by status"));

  // Shows the sections of key ("": every one). From a button (user), the address follows. The hidden status line
  // says what is shown whenever a button or the address (a link, Back) changes it, and at load when the address
  // picks a status; not "every status" on every visit.
  function apply(key, user) {
    if (key && !Object.prototype.hasOwnProperty.call(byKey, key)) { key = ""; }  // (#constructor is no status)
    sections.forEach(function (s) { s.hidden = Boolean(key) && s.id !== key; });
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.getAttribute("data-status") === key)); });
    if (user) {
      history.replaceState(null, "", key ? "#" + key : location.pathname + location.search);
    }
    if (user || key || status.textContent) {
      var h = key ? byKey[key].querySelector("h2") : null;
      var name = h && (h.querySelector(".badge") || h);  // the status's name (not the count beside it)
      name = name ? name.textContent.replace(/\s+/g, " ").trim() : key;
      status.textContent = key ? word("showing", "Showing only claims rated \u201c{status}\u201d").replace("{status}", function () { return name; })
        : word("showing-all", "Showing every status");
    }
  }
  function fromAddress() {
    var key;
    try { key = decodeURIComponent(location.hash.slice(1)); } catch (e) { key = ""; }  // (#%E0: no status)
    apply(key, false);
  }
  fromAddress();
  window.addEventListener("hashchange", fromAddress);
})();
