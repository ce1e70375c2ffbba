// The learners' pages, progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var loaded = Date.now();
  var MAX_SECONDS = 4 * 3600; // the server refuses more from one page (a clock error)

  // A lesson: the time spent on the page goes with "I have finished this lesson".
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-timer]")) return;
    var field = form.querySelector("input[name=seconds_spent]");
    if (!field) return;
    var seconds = Math.round((Date.now() - loaded) / 1000);
    field.value = String(Math.max(0, Math.min(MAX_SECONDS, seconds)));
  });

  // A quiz attempt with a deadline: a countdown, and the answers sent when the time is up.
  var box = document.querySelector("[data-deadline]");
  if (!box) return;
  var deadline = Date.parse(box.getAttribute("data-deadline"));
  if (isNaN(deadline)) return;
  var wrap = box.querySelector("[data-countdown-text]");
  var out = box.querySelector("[data-countdown]");
  var sent = false;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (out) out.textContent = Math.floor(left / 60) + ":" + pad(left % 60);
    if (wrap) wrap.hidden = false;
    if (left === 0) {
      var form = document.getElementById("attempt-form");
      if (form && !sent) { sent = true; form.submit(); }
      return;
    }
    window.setTimeout(tick, 1000);
  }
  tick();
})();
