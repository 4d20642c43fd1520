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

  /* Search files are scripts (assets/search/<name>.js) that store their data under their name:
   * a <script> load works over http and from file:// alike, where fetch is blocked. */
  function loadSearchFile(name) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = root + "assets/search/" + name + ".js";
      s.onload = function () {
        var store = window.__PROTOSHIP_SEARCH_DATA__ || {};
        var data = store[name];
        delete store[name];
        s.remove();
        if (data) resolve(data);
        else reject(new Error("search file " + name + " missing"));
      };
      s.onerror = function () {
        s.remove();
        reject(new Error("search file " + name + " could not be loaded"));
      };
      document.head.appendChild(s);
    });
  }

  var engine = window.ProtoshipSearch ? window.ProtoshipSearch.create(loadSearchFile) : null;
  var selected = -1;
  var results = [];

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

  /* Builds the list off-document and swaps it in with one write. */
  function render(query) {
    var list = document.createDocumentFragment();
    selected = -1;
    if (results.length === 0) {
      list.appendChild(el("div", "search-empty", 'No results for "' + query + '"'));
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
      list.appendChild(a);
    });
    clear(panel);
    panel.appendChild(list);
    panel.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  /* The query whose results are on screen or on their way. */
  var shown = "";

  /* Runs on every keystroke, without waiting for typing to pause: the engine stops a query's
   * loading as soon as a newer one exists (after the one shard the word needs, which the next
   * keystroke's query mostly reuses), so fast typing costs little and the last keystroke's
   * results come without a debounce delay. */
  function search() {
    var query = input.value.trim();
    if (query.length < 2) {
      shown = "";
      close();
      return;
    }
    if (query === shown && !panel.hidden) return;
    shown = query;
    var superseded = function () {
      return input.value.trim() !== query; // a newer query is in flight
    };
    /* The best results show as soon as their stored fields are in; the list completes after. */
    var head = function (found) {
      if (superseded()) return;
      results = found;
      render(query);
    };
    var run = engine ? engine.search(query, superseded, head) : Promise.reject(new Error("search engine missing"));
    run.then(
      function (found) {
        if (!found || superseded()) return;
        results = found;
        render(query);
      },
      function () {
        if (superseded()) return;
        shown = ""; // the next keystroke or focus tries again
        clear(panel);
        panel.appendChild(
          el("div", "search-empty", "Search is unavailable: the search index could not be loaded."),
        );
        panel.hidden = false;
      },
    );
  }

  input.addEventListener("input", search);
  input.addEventListener("focus", function () {
    if (engine) engine.prepare();
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
