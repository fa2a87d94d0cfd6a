// Print buttons: marked up with `data-print-button` and `hidden`, so that without JavaScript (where they
// could not work) they stay out of sight; the browser's own print command still works there.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print-button]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
