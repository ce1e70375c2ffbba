// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]")) el.form.submit();
});
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
// A background job's progress: a box with data-progress-url polls that JSON address
// ({finished, done, total, text}) and reloads the page once the job has finished. Without
// JavaScript the page refreshes itself instead (a <noscript> meta refresh).
(function () {
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        if (data.finished) { window.location.reload(); return; }
        if (text && data.text) text.textContent = data.text;
        if (bar && data.total) { bar.max = data.total; bar.value = Math.min(data.done, data.total); }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();
