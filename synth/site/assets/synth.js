/* synth: sortable tables, and open details when printing.
   Without this script every table is a plain, readable table; the script only adds sort buttons to the
   column headings marked data-synth-sort, and keeps aria-sort on the heading of the sorted column. */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.hasAttribute("data-synth-value") ? cell.getAttribute("data-synth-value") : cell.textContent.trim();
  }

  function compare(type, a, b) {
    if (type === "number") return (parseFloat(a) || 0) - (parseFloat(b) || 0);
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function sortBy(table, header, index) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var type = header.getAttribute("data-synth-sort");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (x, y) {
      var order = compare(type, cellValue(x, index), cellValue(y, index));
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(header.parentNode.cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function enhance(table) {
    if (table.hasAttribute("data-synth-enhanced") || !table.tHead) return;
    table.setAttribute("data-synth-enhanced", "");
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      if (!header.hasAttribute("data-synth-sort")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "synth-sort";
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, header, index); });
    });
  }

  /* A table that scrolls sideways (Material's table wrapper, a paper's matrix) becomes a named region that
     keyboard users can reach and scroll. */
  function regionFor(container) {
    if (container.scrollWidth <= container.clientWidth || container.hasAttribute("tabindex")) return;
    var caption = container.querySelector("caption");
    container.setAttribute("role", "region");
    container.setAttribute("tabindex", "0");
    container.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table, scrolls sideways");
  }

  function scrollers() {
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset__scrollwrap, .paper-matrix"), regionFor);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-synth-sortable]"), enhance);
    scrollers();
    window.setTimeout(scrollers, 0); /* Material wraps tables as it mounts the page, perhaps after this runs. */
  }

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
