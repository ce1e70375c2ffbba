// Progressive enhancement of the class pages; each works without this file.
(function () {
  // "All present" ticks every participant at once (without JavaScript the link reloads the
  // page with every box ticked: nothing is saved until Save is pressed).
  var all = document.querySelector("[data-all-present]");
  if (all) {
    all.addEventListener("click", function (event) {
      var form = document.getElementById("attendance-form");
      if (!form) return;
      event.preventDefault();
      form.querySelectorAll("input[name=present]").forEach(function (box) { box.checked = true; });
    });
  }
  var print = document.querySelector("[data-print]");
  if (print) print.addEventListener("click", function () { window.print(); });
})();
