// The scheme editor: the sum of the weights, live, as the supervisor types (in hundredths,
// so 33.33 + 33.33 + 33.34 is exactly 100). The server checks the same rule on publishing.
(function () {
  const form = document.getElementById("scheme-editor");
  if (!form) {
    return;
  }
  const total = form.querySelector("[data-weight-total]");
  const warning = form.querySelector("[data-weight-warning]");

  function hundredths(text) {
    const value = Number.parseFloat(String(text).replace(/[,，\s]/g, ""));
    return Number.isFinite(value) ? Math.round(value * 100) : 0;
  }

  function update() {
    let sum = 0;
    form.querySelectorAll("[data-editor-row]").forEach((row) => {
      const remove = row.querySelector("[data-delete]");
      if (remove && remove.checked) {
        return;
      }
      sum += hundredths(row.querySelector("[data-weight]").value);
    });
    total.textContent = (sum / 100).toString();
    const ok = sum === 10000;
    warning.classList.toggle("d-none", ok);
    total.classList.toggle("text-danger", !ok);
    total.classList.toggle("text-success", ok);
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
