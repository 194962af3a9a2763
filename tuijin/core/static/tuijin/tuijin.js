// Small behaviours shared by every page; no inline scripts (the CSP forbids them).

// A confirmation asked by the button pressed (data-confirm on it) or by the form itself.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const message =
    (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Tables marked .tj-cards read as cards on phones (tuijin.css): each cell is labelled with
// its column's heading, counting colspans, so the templates need no per-cell labels.
function labelCardCells(root) {
  for (const table of root.querySelectorAll("table.tj-cards")) {
    const headRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!headRow) continue;
    const labels = [];
    for (const th of headRow.cells) {
      for (let i = 0; i < th.colSpan; i++) labels.push(th.textContent.trim());
    }
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          if (!cell.hasAttribute("data-label") && labels[column]) cell.setAttribute("data-label", labels[column]);
          column += cell.colSpan;
        }
      }
    }
  }
}
document.addEventListener("DOMContentLoaded", () => labelCardCells(document));
document.addEventListener("htmx:afterSettle", () => labelCardCells(document)); // swapped rows and lists

// A button marked data-print prints the page (the backup codes; print styles hide the rest).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
