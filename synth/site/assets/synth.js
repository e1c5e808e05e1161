/* synth: sortable tables, table filters, keyboard-reachable scroll boxes, and open details when printing.
   Without this script every table is a plain, readable table. The script adds sort buttons to the column
   headings marked data-synth-sort (keeping aria-sort on the sorted one), and builds a filter form above each
   table marked synth-filterable from its rows' data-filter-* facets. */
(function () {
  "use strict";

  var each = function (list, action) { Array.prototype.forEach.call(list, action); };

  /* ---- Sorting ---- */

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.hasAttribute("data-synth-value") ? cell.getAttribute("data-synth-value") : cell.textContent.trim();
  }

  function compare(type, a, b) {
    if (type === "number") return (parseFloat(a) || 0) - (parseFloat(b) || 0);
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  /* The first click sorts in the heading's data-synth-sort-first order (descending for confidence and counts,
     so the strongest comes first); each further click reverses it. */
  function sortBy(table, header, index) {
    var current = header.getAttribute("aria-sort");
    var ascending = current ? current !== "ascending" : header.getAttribute("data-synth-sort-first") !== "descending";
    var type = header.getAttribute("data-synth-sort");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (x, y) {
      var order = compare(type, cellValue(x, index), cellValue(y, index));
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    each(header.parentNode.cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function makeSortable(table) {
    if (table.hasAttribute("data-synth-enhanced") || !table.tHead) return;
    table.setAttribute("data-synth-enhanced", "");
    each(table.tHead.rows[0].cells, function (header, index) {
      if (!header.hasAttribute("data-synth-sort")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "synth-sort";
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, header, index); });
    });
  }

  /* ---- Filtering ---- */

  var FACETS = [["theme", "Theme"], ["confidence", "Confidence"], ["evidence", "Kind of evidence"],
                ["who", "Who can act"]];
  var FIXED_ORDER = { confidence: ["High", "Moderate", "Low", "Very low", "None yet"] };
  var filterCount = 0;

  function facetValues(row, name) {
    var value = row.getAttribute("data-filter-" + name);
    return value ? value.split("|").filter(function (part) { return part !== ""; }) : [];
  }

  function sortedValues(name, counts) {
    var values = Object.keys(counts);
    var order = FIXED_ORDER[name];
    return values.sort(function (a, b) {
      if (order) {
        var x = order.indexOf(a), y = order.indexOf(b);
        if (x !== y) return (x < 0 ? order.length : x) - (y < 0 ? order.length : y);
      }
      return a.localeCompare(b, undefined, { sensitivity: "base" });
    });
  }

  function selectFor(name, label, counts, id) {
    var field = document.createElement("div");
    field.className = "synth-filters__field";
    var labelElement = document.createElement("label");
    labelElement.htmlFor = id;
    labelElement.textContent = label;
    var select = document.createElement("select");
    select.id = id;
    select.setAttribute("data-synth-facet", name);
    var all = document.createElement("option");
    all.value = "";
    all.textContent = "All";
    select.appendChild(all);
    sortedValues(name, counts).forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value + " (" + counts[value] + ")";
      select.appendChild(option);
    });
    field.appendChild(labelElement);
    field.appendChild(select);
    return field;
  }

  function makeFilterable(table) {
    if (table.hasAttribute("data-synth-filters")) return;
    var rows = [];
    each(table.tBodies, function (body) { each(body.rows, function (row) { rows.push(row); }); });
    var facets = [];
    FACETS.forEach(function (facet) {
      var counts = {};
      rows.forEach(function (row) {
        facetValues(row, facet[0]).forEach(function (value) { counts[value] = (counts[value] || 0) + 1; });
      });
      if (Object.keys(counts).length) facets.push([facet[0], facet[1], counts]);
    });
    if (!facets.length) return;
    table.setAttribute("data-synth-filters", "");
    var number = ++filterCount;
    var form = document.createElement("form");
    form.className = "synth-filters";
    form.setAttribute("aria-label", "Filter the table");
    var fieldset = document.createElement("fieldset");
    var legend = document.createElement("legend");
    legend.textContent = "Show only";
    fieldset.appendChild(legend);
    facets.forEach(function (facet) {
      fieldset.appendChild(selectFor(facet[0], facet[1], facet[2], "synth-filter-" + number + "-" + facet[0]));
    });
    var reset = document.createElement("button");
    reset.type = "reset";
    reset.className = "synth-filters__reset";
    reset.textContent = "Show all";
    fieldset.appendChild(reset);
    form.appendChild(fieldset);
    var status = document.createElement("p");
    status.className = "synth-filters__count";
    status.setAttribute("role", "status");
    status.textContent = rows.length + " of " + rows.length + " shown";
    form.appendChild(status);

    /* The address keeps the choice (?theme=...&confidence=...), so a filtered list can be bookmarked or shared. */
    function remember(chosen) {
      if (!window.history || !window.URLSearchParams) return;
      var query = new URLSearchParams(window.location.search);
      FACETS.forEach(function (facet) { query.delete(facet[0]); });
      chosen.forEach(function (pair) { query.set(pair[0], pair[1]); });
      var search = query.toString();
      window.history.replaceState(window.history.state, "",
        window.location.pathname + (search ? "?" + search : "") + window.location.hash);
    }

    function apply() {
      var chosen = [];
      each(form.querySelectorAll("select"), function (select) {
        if (select.value) chosen.push([select.getAttribute("data-synth-facet"), select.value]);
      });
      remember(chosen);
      var shown = 0;
      rows.forEach(function (row) {
        var visible = chosen.every(function (pair) { return facetValues(row, pair[0]).indexOf(pair[1]) >= 0; });
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      status.textContent = shown + " of " + rows.length + " shown";
    }

    if (window.URLSearchParams) {
      var asked = new URLSearchParams(window.location.search);
      each(form.querySelectorAll("select"), function (select) {
        var value = asked.get(select.getAttribute("data-synth-facet"));
        if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
          select.value = value;
        }
      });
    }
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    table.parentNode.insertBefore(form, table);
    if (form.querySelector("select option:checked:not([value=''])")) apply();
  }

  /* ---- Boxes that scroll sideways ---- */

  /* A table or code box that scrolls sideways becomes reachable by keyboard; a scrolling table's box becomes
     a region named after its caption. Material makes wide code blocks focusable itself; this covers any it
     has not reached yet. */
  function regionFor(container) {
    if (container.scrollWidth <= container.clientWidth || container.hasAttribute("tabindex")) return;
    var caption = container.querySelector("caption");
    container.setAttribute("role", "region");
    container.setAttribute("tabindex", "0");
    container.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table, scrolls sideways");
  }

  function codeBoxFor(code) {
    if (code.scrollWidth > code.clientWidth && !code.hasAttribute("tabindex")) code.setAttribute("tabindex", "0");
  }

  function scrollers() {
    each(document.querySelectorAll(".md-typeset__scrollwrap, .paper-matrix"), regionFor);
    each(document.querySelectorAll(".md-typeset pre > code"), codeBoxFor);
  }

  function init() {
    each(document.querySelectorAll("table[data-synth-sortable]"), makeSortable);
    each(document.querySelectorAll("table.synth-filterable"), makeFilterable);
    scrollers();
    window.setTimeout(scrollers, 0); /* Material wraps tables as it mounts the page, perhaps after this runs. */
  }

  /* ---- Printing ---- */

  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (details) {
      details.setAttribute("open", "");
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) { details.removeAttribute("open"); });
    opened = [];
  });

  /* Material's instant navigation swaps pages without a load event and announces each page on document$. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
