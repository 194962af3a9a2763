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
