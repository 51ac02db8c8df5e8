// The staff questionnaire saves each answer as it is given. Without script the page saves on
// page change and says so; with it, the form's own fields (the CSRF token, the page number, the
// answers of this page) are posted to the autosave address, which checks the link as the page
// does and keeps them in the same sealed draft. "Sparat" is shown and announced (role=status).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-autosave-url]");
  var status = form && form.querySelector("[data-autosave-status]");
  if (!form || !status || !window.fetch || !window.FormData) return;

  var pending = null; // a save waiting to be sent
  var sending = false;
  var again = false;

  function say(text, failed) {
    status.textContent = text;
    status.classList.toggle("autosave-failed", !!failed);
  }

  function send() {
    pending = null;
    if (sending) { again = true; return; }
    sending = true;
    say(form.dataset.savingText, false);
    var body = new FormData(form);
    body.delete("go");
    window.fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
    }).then(function (response) {
      say(response.ok ? form.dataset.savedText : form.dataset.failedText, !response.ok);
    }).catch(function () {
      say(form.dataset.failedText, true);
    }).then(function () {
      sending = false;
      if (again) { again = false; send(); }
    });
  }

  function soon(delay) {
    if (pending) window.clearTimeout(pending);
    pending = window.setTimeout(send, delay);
  }

  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") soon(0);
    else if (event.target.tagName === "TEXTAREA") soon(0);
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") soon(1500);
  });
  // A page change posts the form anyway: a save still waiting is not needed then.
  form.addEventListener("submit", function () {
    if (pending) window.clearTimeout(pending);
  });

  document.querySelectorAll("[data-autosave-off]").forEach(function (el) { el.hidden = true; });
  document.querySelectorAll("[data-autosave-on]").forEach(function (el) { el.hidden = false; });
});
