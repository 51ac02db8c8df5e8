// Questionnaires: small helps on top of pages that work fully without script.
document.addEventListener("DOMContentLoaded", function () {
  // Take the reader to the list of mistakes first, as a screen reader user expects.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();

  // A second press while the first submit is on its way is ignored. The server refuses a
  // second response anyway; this only spares a pointless round trip.
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitting === "yes") {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "yes";
      // Free the form again if the browser keeps the page (back button, failed request).
      window.setTimeout(function () { form.dataset.submitting = ""; }, 8000);
    });
  });

  // A visible character count under the comment.
  document.querySelectorAll("textarea[data-max-length]").forEach(function (area) {
    var counter = document.getElementById(area.dataset.countTarget);
    if (!counter) return;
    var max = parseInt(area.dataset.maxLength, 10);
    var update = function () {
      counter.textContent = counter.dataset.template.replace("__COUNT__", area.value.length);
      counter.classList.toggle("comment-count-over", area.value.length > max);
    };
    counter.hidden = false;
    area.addEventListener("input", update);
    update();
  });
});

window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.dataset.submitting = "";
  });
});
