"""The class report's one script: click a column heading to sort a table (no CDN, offline).

The page's Content-Security-Policy allows exactly this script, by its SHA-256 hash
(:func:`csp_source`), and no other: nothing a student wrote can run even if it reached
the page unescaped. A table opts in with ``class="sortable"``; a heading sorts its column
when it holds a ``<button>``; a cell's ``data-v`` (a number) is the sort key when present,
else its text. Click again to reverse; ``aria-sort`` says the current order.
"""
from __future__ import annotations

import base64
import hashlib

SCRIPT = """\
(function () {
  function key(row, col) {
    var cell = row.cells[col];
    if (!cell) { return ""; }
    var v = cell.getAttribute("data-v");
    if (v !== null) { return v === "" ? -Infinity : parseFloat(v); }
    return cell.textContent.trim().toLowerCase();
  }
  function sortBy(table, th) {
    var col = th.cellIndex, body = table.tBodies[0];
    var down = th.getAttribute("aria-sort") !== "descending";
    if (th.getAttribute("aria-sort") === null && th.hasAttribute("data-asc")) { down = false; }
    Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", down ? "descending" : "ascending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, col), y = key(b, col);
      var c = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y));
      return down ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      var button = th.querySelector("button");
      if (button) { button.addEventListener("click", function () { sortBy(table, th); }); }
    });
  });
})();
"""


def csp_source(script: str = SCRIPT) -> str:
    """``'sha256-…'``: the CSP source that allows exactly ``script`` inline."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"
