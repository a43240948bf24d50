// Shows "Print" buttons (hidden without JavaScript, where they could do nothing) and makes
// them open the browser's print dialogue.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print-button]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
