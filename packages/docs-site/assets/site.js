/* protoship docs-site client: search box and small navigation niceties.
 * Everything shown from the index (names, summaries) is untrusted and set via textContent only. */
(function () {
  "use strict";

  var root = document.documentElement.getAttribute("data-root") || "";
  var input = document.getElementById("search-input");
  var panel = document.getElementById("search-results");
  var KIND_LABEL = {
    package: "package",
    service: "service",
    rpc: "rpc",
    message: "message",
    field: "field",
    enum: "enum",
    value: "value",
    extension: "extension",
  };

  /* On narrow screens the sidebar starts collapsed so content comes first. */
  var nav = document.querySelector(".nav-details");
  if (nav && window.matchMedia && window.matchMedia("(max-width: 900px)").matches) {
    nav.removeAttribute("open");
  }

  /* Open collapsed sections (e.g. scalar types) that contain the linked anchor. */
  function revealTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    for (var n = target; n; n = n.parentElement) if (n.tagName === "DETAILS") n.setAttribute("open", "");
    if (target) target.scrollIntoView();
  }
  window.addEventListener("hashchange", revealTarget);
  if (location.hash) revealTarget();

  /* Close the version menu when clicking elsewhere. */
  document.addEventListener("click", function (ev) {
    var open = document.querySelector(".version-switcher[open]");
    if (open && !open.contains(ev.target)) open.removeAttribute("open");
  });

  /* Package filter on the index (large sites): hides cards whose name and summary lack every typed word. */
  var filter = document.getElementById("package-filter");
  if (filter) {
    var cards = Array.prototype.slice.call(document.querySelectorAll(".package-card"));
    var status = document.getElementById("package-filter-status");
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      cards.forEach(function (card) {
        var text = card.textContent.toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        card.hidden = !match;
        if (match) shown++;
      });
      if (status) status.textContent = words.length ? shown + " of " + cards.length + " packages" : "";
    });
  }

  if (!input || !panel) return;

  /* The index stores compact documents (see src/search-index.ts): k kind, g page table index,
   * x path inside the package (leading "." = absolute full name), s summary. */
  function leafName(kind, x) {
    var short = x.charAt(0) === "." ? x.slice(1) : x;
    if (kind === "rpc" || kind === "field" || kind === "value") return short.slice(short.lastIndexOf(".") + 1);
    return short;
  }

  function expand(r, pages) {
    var page = pages[r.g] || ["", ""];
    var pkg = page[1];
    var fullName = r.k === "package" ? pkg : r.x.charAt(0) === "." ? r.x.slice(1) : pkg ? pkg + "." + r.x : r.x;
    return {
      kind: r.k,
      name: r.k === "package" ? pkg || "(no package)" : leafName(r.k, r.x),
      fullName: fullName,
      summary: r.s,
      url: r.k === "package" ? page[0] : page[0] + "#" + encodeURIComponent(fullName),
    };
  }

  /* Definitions outrank their members; shorter names (closer to the query) rank higher. */
  var KIND_WEIGHT = { package: 1.3, service: 1.3, rpc: 1.3, message: 1.2, enum: 1.2, extension: 1, field: 0.9, value: 0.9 };
  var QUERY_OPTIONS = {
    /* Prefix and fuzzy matching on very short terms touch most of a large index; skip them. */
    prefix: function (term) {
      return term.length >= 2;
    },
    fuzzy: function (term) {
      return term.length >= 5 ? 0.2 : false;
    },
    maxFuzzy: 2,
    boost: { n: 4, x: 2, q: 2 },
    combineWith: "AND",
    boostDocument: function (id, term, stored) {
      if (!stored) return 1;
      var name = stored.k === "package" ? "" : leafName(stored.k, stored.x);
      var exact = name.toLowerCase() === String(term).toLowerCase() ? 2 : 1;
      return exact * (KIND_WEIGHT[stored.k] || 1) * (1 + 4 / Math.max(name.length, 4));
    },
  };

  var indexPromise = null;
  var selected = -1;
  var results = [];

  /* Over HTTP fetch the JSON index; from file:// (where fetch is blocked) load the same data
   * from search-index.js, which assigns it to a global. */
  function fetchIndexData() {
    if (location.protocol === "file:") {
      return new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = root + "assets/search-index.js";
        s.onload = function () {
          if (window.__PROTOSHIP_SEARCH_INDEX__) resolve(window.__PROTOSHIP_SEARCH_INDEX__);
          else reject(new Error("search index missing"));
        };
        s.onerror = reject;
        document.head.appendChild(s);
      });
    }
    return fetch(root + "assets/search-index.json").then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  function loadIndex() {
    if (!indexPromise) {
      indexPromise = fetchIndexData()
        .then(function (data) {
          return { mini: window.MiniSearch.loadJS(data.index, data.options), pages: data.pages };
        });
      indexPromise.catch(function () {
        indexPromise = null;
      });
    }
    return indexPromise;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function el(tag, className, text) {
    var n = document.createElement(tag);
    if (className) n.className = className;
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function close() {
    panel.hidden = true;
    input.setAttribute("aria-expanded", "false");
    selected = -1;
  }

  function select(i) {
    var items = panel.querySelectorAll(".search-result");
    if (items.length === 0) return;
    selected = (i + items.length) % items.length;
    for (var j = 0; j < items.length; j++) items[j].setAttribute("aria-selected", j === selected ? "true" : "false");
    items[selected].scrollIntoView({ block: "nearest" });
  }

  function render(query) {
    clear(panel);
    selected = -1;
    if (results.length === 0) {
      panel.appendChild(el("div", "search-empty", 'No results for "' + query + '"'));
    }
    results.forEach(function (r, i) {
      var a = el("a", "search-result");
      a.href = root + r.url;
      a.id = "search-result-" + i;
      a.setAttribute("role", "option");
      a.setAttribute("aria-selected", "false");
      var title = el("span", "result-title");
      title.appendChild(el("span", "kind kind-" + r.kind, KIND_LABEL[r.kind] || r.kind));
      title.appendChild(el("span", "result-name", r.name));
      a.appendChild(title);
      if (r.fullName && r.fullName !== r.name) a.appendChild(el("span", "result-full", r.fullName));
      if (r.summary) a.appendChild(el("span", "result-summary", r.summary));
      a.addEventListener("click", close);
      panel.appendChild(a);
    });
    panel.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function search() {
    var query = input.value.trim();
    if (query.length < 2) {
      close();
      return;
    }
    loadIndex().then(
      function (loaded) {
        if (input.value.trim() !== query) return; // a newer query is in flight
        results = loaded.mini
          .search(query, QUERY_OPTIONS)
          .slice(0, 20)
          .map(function (r) {
            return expand(r, loaded.pages);
          });
        render(query);
      },
      function () {
        clear(panel);
        panel.appendChild(
          el("div", "search-empty", "Search is unavailable: the search index could not be loaded."),
        );
        panel.hidden = false;
      },
    );
  }

  /* Debounced so fast typing on a big index runs one search, not one per keystroke. */
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 80);
  });
  input.addEventListener("focus", function () {
    loadIndex().catch(function () {});
    if (input.value.trim() !== "") search();
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") {
      ev.preventDefault();
      select(selected + 1);
    } else if (ev.key === "ArrowUp") {
      ev.preventDefault();
      select(selected - 1);
    } else if (ev.key === "Enter") {
      var items = panel.querySelectorAll(".search-result");
      var target = items[selected >= 0 ? selected : 0];
      if (target) {
        ev.preventDefault();
        close();
        window.location.href = target.href;
      }
    } else if (ev.key === "Escape") {
      close();
      input.blur();
    }
  });
  document.addEventListener("click", function (ev) {
    if (!panel.contains(ev.target) && ev.target !== input) close();
  });
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
    if (ev.key === "/" && !typing) {
      ev.preventDefault();
      input.focus();
    }
  });
})();
