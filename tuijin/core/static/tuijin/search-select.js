// Searchable multiple choices: every select[multiple][data-tj-search] becomes a tom-select box
// (type part of a name, Enter or a click picks it, Backspace or × removes). The texts come from
// the page (translated); without this script the plain multiple select still works.
(() => {
  function start(root) {
    if (typeof TomSelect === "undefined") return;
    root.querySelectorAll("select[multiple][data-tj-search]").forEach((select) => {
      if (select.tomselect) return;
      const empty = select.dataset.tjEmpty || "";
      new TomSelect(select, {
        plugins: ["remove_button"],
        placeholder: select.dataset.tjPlaceholder || "",
        hidePlaceholder: true,
        maxOptions: null,
        refreshThrottle: 0, // a few hundred local names: filter at each keystroke
        closeAfterSelect: false,
        // A name picked: the search starts afresh for the next one.
        onItemAdd() {
          this.setTextboxValue("");
          this.refreshOptions(false);
        },
        render: {
          no_results: () => {
            const div = document.createElement("div");
            div.className = "no-results";
            div.textContent = empty;
            return div;
          },
        },
      });
    });
  }
  document.addEventListener("DOMContentLoaded", () => start(document));
  // Forms that arrive by HTMX get the same treatment.
  document.addEventListener("htmx:load", (event) => start(event.target));
})();
