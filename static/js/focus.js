/* Marelle — where the keyboard goes after an action. The server marks the element that
   answers it with data-focus-on-load: the error summary of a refused form, the message
   after a redirect, a fresh result. A plain visit has no mark and nothing moves. */
(function () {
  "use strict";

  var target = document.querySelector(".error-summary[data-focus-on-load]");
  if (!target) {
    // A redirect to a changed row (#e12) already puts the reader on that row.
    var hash = window.location.hash.slice(1);
    if (hash && document.getElementById(decodeURIComponent(hash))) return;
    target = document.querySelector("[data-focus-on-load]");
  }
  if (target) target.focus();

  // A summary's link puts the keyboard in its field, with the field's label or legend in view.
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field) return;
    event.preventDefault();
    var group = field.closest("fieldset");
    var label = (group && group.querySelector("legend")) || document.querySelector('label[for="' + field.id + '"]');
    field.focus({ preventScroll: true });
    (label || field).scrollIntoView({ block: "start" });
  });
})();
