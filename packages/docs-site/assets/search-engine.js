/* protoship docs-site search engine: queries the sharded index written by src/search-shards.ts.
 * Loads only the manifest, the term shards a query needs and the stored fields of the results it
 * shows. `load(name)` returns a promise of one search file's data (the page loads them as
 * scripts, which also works from file://). Shared by the page (site.js) and the tests. */
(function (global) {
  "use strict";

  /* Same split as the index tokenizer (src/search-index.ts), without the camelCase parts. */
  var SPLIT = new RegExp("[\\n\\r\\p{Z}\\p{P}]+", "u");
  /* A prefix expansion reads at most this many bytes of extra shards (less for short terms, which
   * match more); exact terms always load. */
  var PREFIX_BUDGET = 1536 * 1024;
  var PREFIX_BUDGET_PER_CHAR = 192 * 1024;
  var MAX_RESULTS = 20;

  function tokenize(query) {
    var out = [];
    String(query)
      .toLowerCase()
      .split(SPLIT)
      .forEach(function (t) {
        if (t && out.indexOf(t) < 0) out.push(t);
      });
    return out;
  }

  function startsWith(s, p) {
    return s.slice(0, p.length) === p;
  }

  function leafName(kind, x) {
    var short = x.charAt(0) === "." ? x.slice(1) : x;
    if (kind === "rpc" || kind === "field" || kind === "value") return short.slice(short.lastIndexOf(".") + 1);
    return short;
  }

  /* Stored fields [kind, page, x, summary] → what the results list shows. */
  function expand(stored, manifest) {
    var kind = manifest.kinds[stored[0]];
    var page = manifest.pages[stored[1]] || ["", ""];
    var pkg = page[1];
    var x = stored[2];
    var fullName = kind === "package" ? pkg : x.charAt(0) === "." ? x.slice(1) : pkg ? pkg + "." + x : x;
    return {
      kind: kind,
      name: kind === "package" ? pkg || "(no package)" : leafName(kind, x),
      fullName: fullName,
      summary: stored[3],
      url: kind === "package" ? page[0] : page[0] + "#" + encodeURIComponent(fullName),
    };
  }

  function create(load) {
    var cache = {}; // name → promise of the file's data
    var data = {}; // name → the data of a file loaded
    function get(name) {
      if (!cache[name]) {
        cache[name] = load(name);
        cache[name].then(
          function (d) {
            data[name] = d;
          },
          function () {
            delete cache[name];
          },
        );
      }
      return cache[name];
    }

    /* Index of the shard whose range holds `term` (shards are sorted by their first term). */
    function shardOf(shards, term) {
      var lo = 0;
      var hi = shards.length - 1;
      while (lo < hi) {
        var mid = (lo + hi + 1) >> 1;
        if (shards[mid][0] <= term) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    }

    /* Shards holding `term` and, for a prefix search, the following ones whose terms start with
     * it, within a byte budget (nearest first: they hold the terms closest to the query). */
    function shardsFor(manifest, term, prefix) {
      var shards = manifest.shards;
      if (shards.length === 0) return [];
      var own = shardOf(shards, term);
      var picked = [own];
      if (!prefix) return picked;
      var budget = Math.min(PREFIX_BUDGET, term.length * PREFIX_BUDGET_PER_CHAR);
      for (var i = own + 1; i < shards.length && startsWith(shards[i][0], term); i++) {
        budget -= shards[i][1];
        if (budget < 0) break;
        picked.push(i);
      }
      return picked;
    }

    /* id → score of one query term's matches in the given shards: exact matches score fully,
     * prefix matches less the longer the rest. */
    function scoreShards(shards, term, prefix) {
      var scores = new Map();
      shards.forEach(function (shard) {
        for (var key in shard) {
          if (!Object.prototype.hasOwnProperty.call(shard, key)) continue;
          var factor = key === term ? 1 : prefix && startsWith(key, term) ? (0.5 * term.length) / key.length : 0;
          if (!factor) continue;
          var list = shard[key];
          var id = 0;
          for (var p = 0; p < list.length; p += 2) {
            id += list[p];
            var s = list[p + 1] * factor;
            var old = scores.get(id);
            if (old === undefined || s > old) scores.set(id, s);
          }
        }
      });
      return scores;
    }

    /* The scores of the last few terms, so that typing a second word does not rescore the first. */
    var recent = [];
    var RECENT_TERMS = 8;

    /* id → score of one query term, or null when `stale()` turned true on the way. The shard that
     * holds the term loads first; the following shards of a prefix expansion only once it is in and
     * the query is still current, so a query superseded while typing costs one shard, which the
     * next keystroke's query (the same word, one letter longer) most often needs too. */
    function termScores(manifest, term, prefix, stale) {
      var key = (prefix ? "^" : "=") + term;
      for (var r = 0; r < recent.length; r++) {
        if (recent[r].key === key) return Promise.resolve(recent[r].scores);
      }
      var ids = shardsFor(manifest, term, prefix);
      if (ids.length === 0) return Promise.resolve(new Map());
      return get("t" + ids[0])
        .then(function (own) {
          if (stale()) return null;
          return Promise.all(
            ids.slice(1).map(function (i) {
              return get("t" + i);
            }),
          ).then(function (rest) {
            return stale() ? null : [own].concat(rest);
          });
        })
        .then(function (shards) {
          if (!shards) return null;
          var scores = scoreShards(shards, term, prefix);
          recent.unshift({ key: key, scores: scores });
          if (recent.length > RECENT_TERMS) recent.pop();
          return scores;
        });
    }

    /* The best `limit` [id, score] pairs of the documents every term matches (AND; a document's
     * score is the sum over the terms), best first, ties by id: the head of the fully sorted list,
     * found without sorting every match (a short prefix matches tens of thousands). */
    function topMatches(perTerm, limit) {
      perTerm.sort(function (a, b) {
        return a.size - b.size;
      });
      var top = [];
      perTerm[0].forEach(function (score, id) {
        for (var k = 1; k < perTerm.length; k++) {
          var s = perTerm[k].get(id);
          if (s === undefined) return;
          score += s;
        }
        var last = top[top.length - 1];
        if (top.length === limit && (score < last[1] || (score === last[1] && id > last[0]))) return;
        var at = top.length;
        while (at > 0 && (top[at - 1][1] < score || (top[at - 1][1] === score && top[at - 1][0] > id))) at--;
        top.splice(at, 0, [id, score]);
        if (top.length > limit) top.pop();
      });
      return top;
    }

    /* The results for `ranked`, in order, from their stored-field chunks (null if `stale()` turns
     * true on the way). `onHead(head)`, when given, receives each longer head of the list whose
     * chunks are in while others still load (those in memory at once), so the best results show
     * before the rest of the chunks arrive. */
    function storedResults(manifest, ranked, stale, onHead) {
      var out = new Array(ranked.length);
      var ready = 0;
      var shown = 0;
      function fill(c, chunk) {
        ranked.forEach(function (r, i) {
          if (Math.floor(r[0] / manifest.chunk) === c) out[i] = expand(chunk[r[0] - c * manifest.chunk], manifest);
        });
        while (ready < out.length && out[ready]) ready++;
      }
      function report() {
        if (onHead && ready > shown && ready < out.length && !stale()) {
          shown = ready;
          onHead(out.slice(0, ready));
        }
      }
      var chunks = [];
      ranked.forEach(function (r) {
        var c = Math.floor(r[0] / manifest.chunk);
        if (chunks.indexOf(c) < 0) chunks.push(c);
      });
      var pending = chunks.filter(function (c) {
        if (!Object.prototype.hasOwnProperty.call(data, "d" + c)) return true;
        fill(c, data["d" + c]);
        return false;
      });
      report();
      function chunk(c) {
        return get("d" + c).then(function (loaded) {
          fill(c, loaded);
          report();
        });
      }
      /* The best result's chunk alone first: the others' parsing must not delay it. */
      var first = pending.length > 0 && !out[0] ? chunk(pending.shift()) : Promise.resolve();
      return first
        .then(function () {
          return stale() ? null : Promise.all(pending.map(chunk));
        })
        .then(function (rest) {
          return rest === null ? null : out;
        });
    }

    /* Every term must match (AND), best first (at most MAX_RESULTS). `superseded()`, when given,
     * is asked before each further load and before scoring: once true (a newer query took over)
     * the search stops loading and resolves to null. `onHead`: see storedResults. */
    function search(query, superseded, onHead) {
      var stale = superseded || function () {
        return false;
      };
      var terms = tokenize(query);
      if (terms.length === 0) return Promise.resolve([]);
      return get("m").then(function (manifest) {
        if (stale()) return null;
        return Promise.all(
          terms.map(function (t) {
            /* Prefix matching on very short terms touches most of a large index; skip it. */
            return termScores(manifest, t, t.length >= 2, stale);
          }),
        ).then(function (perTerm) {
          if (stale() || perTerm.indexOf(null) >= 0) return null;
          return storedResults(manifest, topMatches(perTerm, MAX_RESULTS), stale, onHead);
        });
      });
    }

    /* Loads the (small) manifest ahead of the first query. */
    function prepare() {
      return get("m").then(
        function () {},
        function () {},
      );
    }

    return { search: search, prepare: prepare };
  }

  global.ProtoshipSearch = { create: create, tokenize: tokenize };
})(typeof self !== "undefined" ? self : this);
