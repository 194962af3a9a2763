// Keeps every unread-count badge on the page ([data-inbox-count], e.g. the one in the
// navigation) in step after the inbox marks items read over htmx (HX-Trigger: inboxCount).
document.body.addEventListener("inboxCount", (event) => {
  const count = Number(event.detail.value) || 0;
  for (const badge of document.querySelectorAll("[data-inbox-count]")) {
    badge.textContent = String(count);
    badge.classList.toggle("d-none", count === 0);
  }
});
