/* Entry form: once the preview has been shown, refresh it as the texts are edited.
   The preview itself needs no script: its button posts the form into the frame below. */
(function () {
  "use strict";
  var button = document.querySelector("[data-kb-preview]");
  if (!button || !button.form || typeof button.form.requestSubmit !== "function") return;
  var form = button.form;
  var shown = false;
  var timer = null;
  var TEXT = /^(question|prompt|answer|example)_(zh_hans|en)$/;
  button.addEventListener("click", function () { shown = true; });
  form.addEventListener("input", function (event) {
    if (!shown || !event.target || !TEXT.test(event.target.name || "")) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { form.requestSubmit(button); }, 800);
  });
})();
