/* briefgen search: no dependencies, no server.
 *
 * - Upgrades the header's "Search" link (a[data-search-link]) to a search box with a
 *   results panel; Enter opens the search page with ?q=.
 * - Runs the search page (form[data-search-page]).
 * - Fetches the index (search/meta.json, then the shards a query needs and the
 *   document chunks of the results shown) only when the reader focuses or types
 *   in a search box, or opens the search page. Layout: briefgen/search.py, docs/search.md.
 *
 * Every text from the index goes into the page through textContent, never innerHTML.
 * Its words are the site's (briefgen/i18n.py): meta.json's "words", and, for what it shows before
 * meta.json is loaded, data- attributes of the search link and the search page's form; English
 * below when a theme gives neither.
 * Hooks for tests: <html data-search="idle|loading|ready|error">, and the event
 * "briefgen:results" (detail: {query, total, ms}) on document after each rendering. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch || !("normalize" in String.prototype)) { return; }
  var ROOT = new URL("../", script.src).href; // assets/search.js → the site root
  var BASE = ROOT + "search/";
  var PANEL_PER_GROUP = 4;
  var PAGE_PER_GROUP = 20;
  var ENGLISH = {
    search_nothing: "Nothing found.", search_nothing_for: "Nothing found for \u201c{query}\u201d",
    search_count: { one: "{count} result", other: "{count} results" }, search_count_for: "{results} for \u201c{query}\u201d",
    search_all: "All {results}", search_page: "Search page", search_show_all: "Show all {count} {group}",
    search_in_brief: "In the brief \u201c{title}\u201d"
  };
  var plurals = {};  // Intl.PluralRules by language
  // {name} filled in from values ({{ and }} are braces), as Python's str.format does it in briefgen/i18n.py
  function fill(text, values) {
    return text.replace(/\{\{|\}\}|\{(\w+)\}/g, function (m, name) {
      return m === "{{" ? "{" : m === "}}" ? "}" : name in values ? String(values[name]) : m;
    });
  }
  // The site's word for key (meta.json's words; English without them), for count if it has plural forms
  function say(key, values) {
    var text = meta && meta.words && key in meta.words ? meta.words[key] : ENGLISH[key];  // ("" is a word too)
    if (typeof text === "object") {  // plural forms, of the page's language or of the one they say ("lang")
      var lang = text.lang || document.documentElement.lang || "en";
      if (!plurals[lang]) {
        // (a language the browser has no rules for takes English's, as briefgen/i18n.py gives it)
        try { plurals[lang] = new Intl.PluralRules(Intl.PluralRules.supportedLocalesOf([lang]).length ? lang : "en"); }
        catch (e) { plurals[lang] = new Intl.PluralRules("en"); }
      }
      var form = values.count === 0 && typeof text.zero === "string" ? "zero"  // (for 0 in any language, as i18n.py)
        : plurals[lang].select(values.count);
      text = typeof text[form] === "string" ? text[form] : text.other;  // ("" is a form too)
    }
    return fill(text, values || {});
  }
  // What a data- attribute of the search link or form gives (before meta.json is loaded), else English
  function attr(node, name, english) {
    var value = node && node.getAttribute("data-" + name);
    return value === null || value === undefined ? english : value;
  }
  var WORD = /[\p{L}\p{N}]+/gu;
  // Marks, but the kana's voicing (が is not か), which goes back on its kana: briefgen/letters.py, search_fold.
  var MARKS = /(?![\u3099\u309a])\p{M}/gu;
  var VOICING = /[\u3099\u309a]/;
  var VOICED_KANA = /[\u3040-\u30ff][\u3099\u309a]/g;
  // Letters with no decomposition, as readers type them (Işık, Straße, Łódź, Đặng), the final sigma, and Arabic
  // letters written two ways (ى ی → ي, ک → ك, ة → ه): briefgen/letters.py's SEARCH_LETTERS, which the index is
  // folded with.
  var LETTERS = { "ı": "i", "ß": "ss", "đ": "d", "ð": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "þ": "th",
    "ħ": "h", "ŧ": "t", "ς": "σ", "׳": "", "״": "", "ـ": "", "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4",
    "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9", "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4", "۵": "5",
    "۶": "6", "۷": "7", "۸": "8", "۹": "9", "ى": "ي", "ی": "ي", "ک": "ك", "ة": "ه" };
  var ODD = /[ıßđðłøæœþħŧς׳״ـىیکة٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹]/g;
  // Scripts written without spaces between words (briefgen/letters.py: UNSPACED): searched by pairs of characters
  var CJK_CHARS = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3005-\u3007\u303b\u3040-\u30ff\u31f0-\u31ff" +
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\u{20000}-\u{3ffff}";
  var CJK = new RegExp("[" + CJK_CHARS + "]", "u");
  var CJK_RUNS = new RegExp("[" + CJK_CHARS + "]+|[^" + CJK_CHARS + "]+", "gu");

  // --- the index -----------------------------------------------------------
  var meta = null;
  var metaPromise = null;
  var shards = {};
  var chunks = {};

  function getJSON(url, options) {
    return fetch(url, options).then(function (r) {
      if (!r.ok) { throw new Error(r.status + " " + url); }
      return r.json();
    });
  }
  function loadMeta() {
    if (!metaPromise) {
      document.documentElement.setAttribute("data-search", "loading");
      metaPromise = getJSON(BASE + "meta.json", { cache: "no-cache" }).then(function (m) {
        meta = m;
        document.documentElement.setAttribute("data-search", "ready");
        return m;
      }, function (err) {
        metaPromise = null;
        document.documentElement.setAttribute("data-search", "error");
        throw err;
      });
    }
    return metaPromise;
  }
  function shardFile(key) {
    if (/^[a-z0-9]+$/.test(key)) { return key; }
    var hex = "";
    new TextEncoder().encode(key).forEach(function (b) { hex += (b < 16 ? "0" : "") + b.toString(16); });
    return "_" + hex;
  }
  function loadShard(key) {
    if (!shards[key]) {
      shards[key] = getJSON(BASE + "t/" + shardFile(key) + ".json?v=" + meta.v)
        .catch(function (err) { delete shards[key]; throw err; });
    }
    return shards[key];
  }
  function loadChunk(n) {
    if (!chunks[n]) {
      chunks[n] = getJSON(BASE + "d/" + n + ".json?v=" + meta.v)
        .catch(function (err) { delete chunks[n]; throw err; });
    }
    return chunks[n];
  }

  // --- matching ----------------------------------------------------------------
  function fold(text) {
    text = text.normalize("NFKD").toLowerCase().replace(MARKS, "");
    if (VOICING.test(text)) { text = text.replace(VOICED_KANA, function (k) { return k.normalize("NFC"); }); }
    return text.replace(ODD, function (c) { return LETTERS[c]; });
  }
  // A folded word's query words: itself; but Chinese and Japanese, written without spaces, are indexed as pairs
  // of characters (briefgen/search.py: _pieces), so a run of them is asked for as its pairs (or its one character).
  function pieces(word) {
    if (!CJK.test(word)) { return [word]; }
    var out = [];
    word.match(CJK_RUNS).forEach(function (run) {
      var chars = Array.from(run);
      if (!CJK.test(run) || chars.length === 1) { out.push(run); return; }
      for (var i = 0; i + 1 < chars.length; i++) { out.push(chars[i] + chars[i + 1]); }
    });
    return out;
  }
  // A query with no word of two letters or more (counted once folded, as the index counts them: 김 is three),
  // nor one Chinese or Japanese character, which the index has alone too.
  function tooShort(query) {
    return !(fold(query).match(WORD) || []).some(function (w) { return Array.from(w).length >= 2 || CJK.test(w); });
  }
  function queryWords(query) {
    var seen = {};
    var words = [];
    (fold(query).match(WORD) || []).forEach(function (w) { words = words.concat(pieces(w)); });
    return words.map(function (w) { return Array.from(w).slice(0, meta.max).join(""); }).filter(function (w) {
      if ((Array.from(w).length < meta.min && !CJK.test(w)) || seen[w]) { return false; }
      seen[w] = true;
      return true;
    });
  }
  function decode(deltas, weight, exact, scores) {
    var id = 0;
    for (var i = 0; i < deltas.length; i++) {
      id += deltas[i];
      var s = weight + exact;
      if (!(scores.get(id) >= s)) { scores.set(id, s); }
    }
  }
  // Documents matching one word as a prefix: Map id → score (strong 4, other 1, +1 for the whole word).
  function matchWord(word) {
    var keys = meta.shards.filter(function (k) { return word.indexOf(k) === 0 || k.indexOf(word) === 0; });
    return Promise.all(keys.map(loadShard)).then(function (loaded) {
      var scores = new Map();
      loaded.forEach(function (shard) {
        Object.keys(shard).forEach(function (term) {
          if (term.indexOf(word) !== 0) { return; }
          var exact = term === word ? 1 : 0;
          var p = shard[term];
          decode(p[0], 4, exact, scores);
          if (p[1]) { decode(p[1], 1, exact, scores); }
        });
      });
      return scores;
    });
  }
  // All words must match; returns [{id, score}] best first, ties in site order (newest first).
  function search(query) {
    return loadMeta().then(function () {
      var words = queryWords(query);
      if (!words.length) { return { words: words, hits: [] }; }
      return Promise.all(words.map(matchWord)).then(function (maps) {
        maps.sort(function (a, b) { return a.size - b.size; });
        var hits = [];
        maps[0].forEach(function (score, id) {
          for (var i = 1; i < maps.length; i++) {
            var s = maps[i].get(id);
            if (s === undefined) { return; }
            score += s;
          }
          hits.push({ id: id, score: score });
        });
        hits.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
        return { words: words, hits: hits };
      });
    });
  }
  function kindOf(id) { // meta.kinds[k] holds the ids below meta.ends[k]
    var r = meta.ends;
    for (var k = 0; k < r.length; k++) { if (id < r[k]) { return k; } }
    return r.length - 1;
  }
  // Hits grouped by kind, in the index's kind order: [{kind, label, hits}]
  function group(hits) {
    var groups = meta.kinds.map(function (k, i) { return { kind: i, key: k[0], label: k[1], hits: [] }; });
    hits.forEach(function (h) { groups[kindOf(h.id)].hits.push(h); });
    return groups.filter(function (g) { return g.hits.length; });
  }
  function fetchDocs(ids) {
    var need = {};
    ids.forEach(function (id) { need[Math.floor(id / meta.chunk)] = true; });
    var ns = Object.keys(need);
    return Promise.all(ns.map(loadChunk)).then(function (loaded) {
      var byChunk = {};
      ns.forEach(function (n, i) { byChunk[n] = loaded[i]; });
      var docs = {};
      ids.forEach(function (id) { docs[id] = byChunk[Math.floor(id / meta.chunk)][id % meta.chunk]; });
      return docs;
    });
  }

  // --- rendering -----------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  // Where each query word starts a word of text, matched accent- and case-insensitively: the folded
  // text, the index in text of each folded character, and which folded characters are matched.
  // Whether a word starts at index at of text: what comes before it is no letter or digit, or is Chinese or
  // Japanese (東京2025年: the index has 2025 as a word of its own).
  function startsWord(text, at) {
    var before = text.charCodeAt(at - 1) >= 0xdc00 && text.charCodeAt(at - 1) <= 0xdfff && at > 1
      ? text.slice(at - 2, at) : text.charAt(at - 1);
    return !/[\p{L}\p{N}]/u.test(before) || CJK.test(before);
  }
  // Where a cut at index at of text parts nothing: not inside a surrogate pair, nor between a letter and its
  // marks; moved back until it does not.
  function clean(text, at) {
    while (at > 0 && at < text.length && (/[\udc00-\udfff]/.test(text.charAt(at)) || /\p{M}/u.test(text.charAt(at)))) {
      at--;
    }
    return at;
  }
  function matches(text, words) {
    var folded = "";
    var map = [];
    for (var i = 0; i < text.length;) {
      var ch = String.fromCodePoint(text.codePointAt(i));
      var f = fold(ch);
      for (var j = 0; j < f.length; j++) { map.push(i); }
      folded += f;
      i += ch.length;
    }
    map.push(text.length);
    var marked = new Array(folded.length + 1);
    words.forEach(function (w) {
      var at = folded.indexOf(w);
      while (at !== -1) {
        if (at === 0 || CJK.test(w) || startsWord(folded, at)) {
          for (var k = at; k < at + w.length; k++) { marked[k] = true; }
        }
        at = folded.indexOf(w, at + 1);
      }
    });
    return { folded: folded, map: map, marked: marked };
  }
  // Text with every query word that starts a word wrapped in <mark>.
  function highlight(text, words) {
    var m = matches(text, words);
    var frag = document.createDocumentFragment();
    var start = 0;
    for (var pos = 0; pos <= m.folded.length; pos++) {
      if (pos === m.folded.length || m.marked[pos] !== m.marked[start]) {
        var piece = text.slice(m.map[start], m.map[pos]);
        if (piece) { frag.appendChild(m.marked[start] ? el("mark", "", piece) : document.createTextNode(piece)); }
        start = pos;
      }
    }
    return frag;
  }
  // At most about SNIPPET characters of a summary, cut at spaces: its start, or, when the first
  // match lies beyond that, the words around it.
  var SNIPPET = 160;
  function cut(text, end) {
    if (end >= text.length) { return text; }
    var space = text.lastIndexOf(" ", end);  // none near the end: a script without spaces, or one long word
    return text.slice(0, space >= end * 0.75 ? space : clean(text, end)).replace(/[,;:.]+$/, "") + "\u2026";
  }
  function excerpt(text, words) {
    if (text.length <= SNIPPET) { return text; }
    var m = matches(text, words);
    var first = m.marked.indexOf(true);
    var at = first === -1 ? 0 : m.map[first];
    if (at < SNIPPET - 40) { return cut(text, SNIPPET); }
    var start = Math.max(0, Math.min(at - 60, text.length - SNIPPET));
    var from = text.lastIndexOf(" ", start);  // back to the start of the word the window would cut...
    from = from === -1 || start - from > 20 ? clean(text, start) : from + 1;  // ...unless it is long, or none is
    var rest = text.slice(from);  // (the start may have moved back a word: the end stays, if it is near)
    return "\u2026" + (rest.length <= SNIPPET + 20 ? rest : cut(rest, SNIPPET));
  }
  function hitItem(doc, words, compact) {
    var li = el("li", "search-hit");
    var kind = meta.kinds[doc[0]][0];
    var link = el("a");
    link.href = ROOT + doc[2];
    if (kind === "claims") {
      li.className += " search-claim";
      var badge = el("span", "badge status-" + doc[3], meta.statuses[doc[3]] || doc[3]);
      link.appendChild(highlight(doc[1], words));
      li.appendChild(badge);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(link);
      li.appendChild(el("span", "search-meta", say("search_in_brief", { title: doc[4] })));
      return li;
    }
    link.appendChild(highlight(doc[1], words));
    li.appendChild(link);
    if (kind === "briefs") {
      li.appendChild(el("span", "search-meta", doc[3]));
      if (!compact && doc[4]) { li.appendChild(el("p", "search-snippet")).appendChild(highlight(excerpt(doc[4], words), words)); }
    } else if (doc[3]) {
      li.appendChild(el(compact ? "span" : "p", compact ? "search-meta" : "search-snippet"))
        .appendChild(highlight(excerpt(doc[3], words), words));
    }
    return li;
  }
  function countText(n) { return say("search_count", { count: n }); }
  function announce(node, query, total) {
    node.textContent = total ? say("search_count_for", { results: countText(total), query: query })
      : say("search_nothing_for", { query: query });
  }
  function emit(query, total, started) {
    document.dispatchEvent(new CustomEvent("briefgen:results",
      { detail: { query: query, total: total, ms: performance.now() - started } }));
  }

  // --- the search page -----------------------------------------------------------
  function searchPage(form) {
    var input = form.querySelector("input[name=q]");
    var status = document.getElementById("search-status");
    var results = document.getElementById("search-results");
    var shown = {};
    var current = 0;
    var failed = attr(form, "failed", "The search index could not be loaded. Try again later.");
    form.hidden = false;
    function run(query, started, reveal) {
      // reveal: {key, from} after "Show all": focus moves to the first claim (or hit) it showed
      var ticket = ++current;
      var q = query.trim();
      if (tooShort(q)) {
        results.textContent = "";
        status.textContent = q ? attr(form, "too-short", "Type at least two letters.") : "";
        return;
      }
      search(q).then(function (found) {
        if (ticket !== current) { return; }
        var groups = group(found.hits);
        var ids = [];
        groups.forEach(function (g) {
          ids = ids.concat(g.hits.slice(0, shown[g.key] || PAGE_PER_GROUP).map(function (h) { return h.id; }));
        });
        return fetchDocs(ids).then(function (docs) {
          if (ticket !== current) { return; }
          results.textContent = "";
          groups.forEach(function (g) {
            var limit = shown[g.key] || PAGE_PER_GROUP;
            var section = el("section", "search-group search-group-" + g.key);
            section.setAttribute("aria-labelledby", "search-h-" + g.key);
            var h = section.appendChild(el("h2", "", g.label + " "));
            h.id = "search-h-" + g.key;
            h.appendChild(el("span", "count", String(g.hits.length)));
            var list = section.appendChild(el("ol", "search-list"));
            g.hits.slice(0, limit).forEach(function (hit) { list.appendChild(hitItem(docs[hit.id], found.words, false)); });
            if (g.hits.length > limit) {
              var more = section.appendChild(el("button", "search-more",
                say("search_show_all", { count: g.hits.length, group: g.label.toLowerCase() })));
              more.type = "button";
              more.addEventListener("click", function () {
                shown[g.key] = g.hits.length;
                run(input.value, performance.now(), {key: g.key, from: limit});
              });
            }
            results.appendChild(section);
            if (reveal && reveal.key === g.key) {
              var first = list.children[reveal.from] && list.children[reveal.from].querySelector("a");
              if (first) { first.focus(); }
            }
          });
          announce(status, q, found.hits.length);
          emit(q, found.hits.length, started);
        });
      }).catch(function () {
        if (ticket === current) { status.textContent = failed; }
      });
    }
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    input.addEventListener("input", function () {
      var started = performance.now();
      shown = {};
      var url = new URL(location.href);
      if (input.value) { url.searchParams.set("q", input.value); } else { url.searchParams.delete("q"); }
      history.replaceState(null, "", url.href);
      run(input.value, started);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); run(input.value, performance.now()); });
    loadMeta().catch(function () {
      status.textContent = failed;
    });
    if (input.value) { run(input.value, performance.now()); }
  }

  // --- the header box ------------------------------------------------------------
  function headerBox(link) {
    var form = el("form", "site-search");
    form.setAttribute("role", "search");
    form.action = link.href;
    form.method = "get";
    var label = form.appendChild(el("label", "visually-hidden", attr(link, "label", "Search briefs, entities and claims")));
    label.htmlFor = "site-search-q";
    var input = form.appendChild(el("input"));
    input.type = "search";
    input.name = "q";
    input.id = "site-search-q";
    input.placeholder = attr(link, "placeholder", "Search\u2026");
    input.autocomplete = "off";
    input.setAttribute("spellcheck", "false");
    // A combobox whose popup is a non-modal dialog of links (WAI-ARIA APG): screen readers are told
    // whether the results are shown; ArrowDown moves into them, Escape closes them.
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-haspopup", "dialog");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", "site-search-panel");
    var panel = form.appendChild(el("div", "search-panel"));
    panel.id = "site-search-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", attr(link, "results", "Search results"));
    panel.hidden = true;
    var status = form.appendChild(el("p", "visually-hidden"));
    status.setAttribute("role", "status");
    link.replaceWith(form);

    var current = 0;
    var timer = 0;
    function close() {
      panel.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }
    function open() {
      panel.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function run(started) {
      var ticket = ++current;
      var q = input.value.trim();
      if (tooShort(q)) { close(); status.textContent = ""; return; }
      search(q).then(function (found) {
        if (ticket !== current) { return; }
        var groups = group(found.hits);
        var ids = [];
        groups.forEach(function (g) {
          ids = ids.concat(g.hits.slice(0, PANEL_PER_GROUP).map(function (h) { return h.id; }));
        });
        return fetchDocs(ids).then(function (docs) {
          if (ticket !== current) { return; }
          panel.textContent = "";
          groups.forEach(function (g) {
            var section = panel.appendChild(el("div", "search-group search-group-" + g.key));
            var name = section.appendChild(el("p", "search-group-label", g.label + " "));
            name.appendChild(el("span", "count", String(g.hits.length)));
            var list = section.appendChild(el("ul", "search-list"));
            g.hits.slice(0, PANEL_PER_GROUP).forEach(function (hit) {
              list.appendChild(hitItem(docs[hit.id], found.words, true));
            });
          });
          if (!found.hits.length) { panel.appendChild(el("p", "search-none", say("search_nothing"))); }
          var all = panel.appendChild(el("a", "search-all",
            (found.hits.length ? say("search_all", { results: countText(found.hits.length) }) : say("search_page")) + " "));
          all.appendChild(el("span", "arrow", "\u2192")).setAttribute("aria-hidden", "true");
          all.href = link.href + "?q=" + encodeURIComponent(q);
          open();
          announce(status, q, found.hits.length);
          emit(q, found.hits.length, started);
        });
      }).catch(function () {
        if (ticket !== current) { return; }
        panel.textContent = "";
        panel.appendChild(el("p", "search-none", attr(link, "failed", "The search index could not be loaded.")));
        open();
      });
    }
    function links() { return Array.prototype.slice.call(panel.querySelectorAll("a")); }
    input.addEventListener("focus", function () {
      loadMeta().catch(function () { /* reported when a query runs */ });
      if (!tooShort(input.value) && panel.childNodes.length) { open(); }
    });
    input.addEventListener("input", function () {
      var started = performance.now();
      clearTimeout(timer);
      timer = setTimeout(function () { run(started); }, 60);
    });
    form.addEventListener("keydown", function (event) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (event.key === "Escape") {
        input.focus();
        close();
      } else if (event.key === "ArrowDown" && !panel.hidden && all.length) {
        event.preventDefault();
        all[at < 0 ? 0 : Math.min(at + 1, all.length - 1)].focus();
      } else if (event.key === "ArrowUp" && at >= 0) {
        event.preventDefault();
        if (at === 0) { input.focus(); } else { all[at - 1].focus(); }
      }
    });
    document.addEventListener("click", function (event) { if (!form.contains(event.target)) { close(); } });
    form.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !form.contains(event.relatedTarget)) { close(); }
    });
  }

  function start() {
    var page = document.querySelector("form[data-search-page]");
    if (page) {
      searchPage(page);
    } else {
      var link = document.querySelector("a[data-search-link]");
      if (link) { headerBox(link); }
    }
    if (!document.documentElement.hasAttribute("data-search")) {
      document.documentElement.setAttribute("data-search", "idle");
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
