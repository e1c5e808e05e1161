/* synth: the header's search box, on Pagefind's search API. The header button opens a panel (Escape or the
   button closes it, and focus goes back to the button; "/" opens it from anywhere but a field). Typing
   searches after a short pause; the five filters narrow the results, with or without words; a polite status
   line says how many results there are, for screen readers too. Pagefind's script, WebAssembly and metadata
   load on the first opening of the panel, from the bundle next to the site's root. Only the words typed when
   the pause comes are searched, so only their index chunks load: not the chunk of every partial word on the
   way, as Pagefind's debouncedSearch would (it preloads on every keystroke). A filter's index loads only when
   a search uses it (the filters' values are in the page). On an English page the commonest words ("the",
   "of", "in" ...) are not searched for beside other words: each is on nearly every page, so it narrows
   nothing, and its index chunk is the largest of all (over 200 KB at 10,000 records); alone, or in a quoted
   phrase, they are searched as typed. Opened from a folder (file://) the browser refuses those requests, so
   the panel says how to serve the site instead. */
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var PAUSE = 300;  // Milliseconds without typing before the words are searched.
  var COMMON = ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or",
                "that", "the", "this", "to", "was", "were", "with"];
  var ENGLISH = /^en\b/i.test(document.documentElement.lang || "");

  function searched(words) {
    // The words given to Pagefind: those typed, less the commonest English words when others are typed too.
    if (!ENGLISH || /^\s*".+"\s*$/.test(words)) return words;
    var kept = words.split(/\s+/).filter(function (word) {
      return COMMON.indexOf(word.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "")) < 0;
    });
    return kept.length ? kept.join(" ") : words;
  }

  function setUp(box) {
    var toggle = box.querySelector(".synth-search__toggle");
    var panel = box.querySelector(".synth-search__panel");
    var input = box.querySelector(".synth-search__input");
    var form = box.querySelector(".synth-search__form");
    var served = box.querySelector(".synth-search__served");
    var status = box.querySelector(".synth-search__status");
    var list = box.querySelector(".synth-search__results");
    var more = box.querySelector(".synth-search__more");
    var selects = Array.prototype.slice.call(box.querySelectorAll("[data-synth-search-filter]"));
    var bundle = new URL(box.getAttribute("data-synth-bundle"), window.location.href);
    var parts = parseInt(box.getAttribute("data-synth-parts"), 10) || 1;
    var loading = null, attempts = 0, results = [], shown = 0, query = 0, pause = null;

    box.hidden = false;

    function load() {
      if (!loading) {
        // A failed import is remembered by the browser, so a retry asks for a new address.
        var retry = attempts++ ? "?attempt=" + attempts : "";
        loading = import(bundle.href + "pagefind.js" + retry).then(function (pagefind) {
          var options = { bundlePath: bundle.pathname, baseUrl: new URL("..", bundle).pathname, excerptLength: 24 };
          return pagefind.options(options).then(function () {
            // A large site's index is in parts, each in a folder inside the first: search them all together.
            var merged = [];
            for (var part = 1; part < parts; part++) {
              merged.push(pagefind.mergeIndex(new URL("part-" + part + "/", bundle).pathname,
                                           { baseUrl: options.baseUrl, excerptLength: options.excerptLength }));
            }
            return Promise.all(merged);
          }).then(function () {
            return pagefind;
          });
        });
        loading.catch(function () {
          loading = null;  // Try again on the next search: under `mkdocs serve` the index may still be building.
          status.textContent = "Search could not load its index. Try again in a moment.";
        });
      }
      return loading;
    }

    function chosenFilters() {
      var chosen = {};
      selects.forEach(function (select) {
        if (select.value) chosen[select.getAttribute("data-synth-search-filter")] = select.value;
      });
      return chosen;
    }

    function open() {
      panel.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      if (window.location.protocol === "file:") {
        form.hidden = true;
        served.hidden = false;
        status.textContent = "Search is not available in a site opened from a folder.";
        served.focus();
        return;
      }
      input.focus();
      load();
    }

    function close() {
      panel.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }

    function item(result) {
      var entry = document.createElement("li");
      entry.className = "synth-search__result";
      var link = document.createElement("a");
      link.href = result.url;
      link.className = "synth-search__title";
      link.textContent = (result.meta && result.meta.title) || result.url;
      var kind = result.filters && result.filters.kind && result.filters.kind[0];
      if (kind) {
        var label = document.createElement("span");
        label.className = "synth-search__kind";
        label.textContent = kind;
        entry.appendChild(label);
      }
      entry.appendChild(link);
      var excerpt = document.createElement("p");
      excerpt.className = "synth-search__excerpt";
      excerpt.innerHTML = result.excerpt;  // Pagefind escapes the page's text and adds only <mark>.
      entry.appendChild(excerpt);
      return entry;
    }

    function showMore() {
      var page = results.slice(shown, shown + PAGE_SIZE);
      var mine = query;
      return Promise.all(page.map(function (result) { return result.data(); })).then(function (data) {
        if (mine !== query) return;
        data.forEach(function (result) { list.appendChild(item(result)); });
        shown += data.length;
        more.hidden = shown >= results.length;
      });
    }

    function search() {
      var words = input.value.trim();
      var filters = chosenFilters();
      var mine = ++query;
      window.clearTimeout(pause);
      if (!words && !Object.keys(filters).length) {
        list.textContent = "";
        more.hidden = true;
        status.textContent = "";
        return;
      }
      load().then(function (pagefind) {
        // Each part of an index in parts has a page of every word of the site, never a result.
        var options = { filters: parts > 1 ? Object.assign({ not: { "synth-words": "yes" } }, filters) : filters };
        return mine === query ? pagefind.search(searched(words) || null, options) : null;
      }).then(function (found) {
        if (!found || mine !== query) return;
        results = found.results;
        shown = 0;
        list.textContent = "";
        var count = results.length;
        var what = words ? " for \u201c" + words + "\u201d" : "";
        var narrowed = Object.keys(filters).length ? " with the filters chosen" : "";
        status.textContent = (count === 0 ? "No results" : count === 1 ? "1 result" : count + " results") +
          what + narrowed + ".";
        return showMore();
      }).catch(function () {});  // load() has said what went wrong.
    }

    toggle.addEventListener("click", function () {
      if (panel.hidden) open(); else close();
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("input", function () {
      window.clearTimeout(pause);
      pause = window.setTimeout(search, PAUSE);
    });
    selects.forEach(function (select) { select.addEventListener("change", search); });
    more.addEventListener("click", function () {
      var next = list.children.length;
      showMore().then(function () {
        var link = list.children[next] && list.children[next].querySelector("a");
        if (link) link.focus();
      });
    });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        open();
      }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-synth-search]"), function (box) {
      if (!box.hasAttribute("data-synth-search-ready")) {
        box.setAttribute("data-synth-search-ready", "");
        setUp(box);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
