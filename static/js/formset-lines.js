// "Add another line" for the kept-places and agenda lines of the workshop form.
// Without JavaScript the form still shows two empty lines, and saving shows two more.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-formset-add]").forEach((button) => {
    const prefix = button.dataset.formsetAdd;
    const container = document.querySelector(`[data-formset-lines="${prefix}"]`);
    const template = document.getElementById(`${prefix}-empty`);
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    const max = document.getElementById(`id_${prefix}-MAX_NUM_FORMS`);
    if (!container || !template || !total) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      const index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) return;
      const html = template.innerHTML
        .replaceAll("__prefix__", String(index))
        .replaceAll("__num__", String(index + 1));
      container.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const line = container.lastElementChild;
      const heading = line.querySelector("h3, h4");
      if (heading) {
        heading.tabIndex = -1;
        heading.focus();
      }
    });
  });
});
