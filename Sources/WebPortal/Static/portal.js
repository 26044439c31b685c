// Kakehashi portal: small conveniences only; every form works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // The language menu applies on change (its button stays for keyboards and no-script browsers).
  document.querySelectorAll("select.auto-submit").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // A "copy" button next to a secret shown once.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (target && navigator.clipboard) { navigator.clipboard.writeText(target.textContent.trim()); }
    });
  });
});
