// Poll the import's status URL and move the progress bar; reload the page when it is done.
(function () {
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var bar = box.querySelector(".progress-bar");
  var text = document.getElementById("import-progress-text");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.style.width = state.percent + "%";
        bar.textContent = state.percent + " %";
        text.textContent = (state.phase === "writing" ? "Schreibe " : "Prüfe ") +
          state.rows_done + " / " + state.rows_total + " Zeilen";
        if (state.finished) { window.location.reload(); } else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
