// Back office: small enhancements of forms that work without JavaScript.
(function () {
  "use strict";

  // "Tout sélectionner": the header checkbox checks every row of its form.
  document.querySelectorAll("[data-select-all]").forEach(function (master) {
    var form = master.form || master.closest("form");
    var name = master.getAttribute("data-select-all");
    var boxes = function () { return form.querySelectorAll('input[type="checkbox"][name="' + name + '"]'); };
    master.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = master.checked; });
    });
    form.addEventListener("change", function (event) {
      if (event.target === master || event.target.name !== name) return;
      var all = Array.prototype.every.call(boxes(), function (b) { return b.checked; });
      var some = Array.prototype.some.call(boxes(), function (b) { return b.checked; });
      master.checked = all;
      master.indeterminate = some && !all;
    });
  });

  // Irreversible actions ask once.
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();

// Filters are folded on a phone, open on a wide screen.
(function () {
  "use strict";
  if (window.matchMedia && window.matchMedia("(min-width: 45rem)").matches) {
    document.querySelectorAll("details.bo-filters-box").forEach(function (box) { box.open = true; });
  }
})();
