// The request page, live: listens to the API's event stream and updates each step in place.
// When the request settles (succeeded, failed, rolled back, rejected, expired), or leaves the
// wait for an approval, the page reloads once, so the server renders what follows: outputs,
// Retry/Abort for those allowed to, the approval's decision.
(function () {
  "use strict";
  var table = document.getElementById("steps");
  if (!table || !window.EventSource) { return; }
  var requestId = table.dataset.request;
  var shownState = table.dataset.state;
  var settled = {
    succeeded: true, failed: true, rolled_back: true, rejected: true, expired: true
  };
  var live = document.getElementById("live-status");

  function badge(state) {
    var span = document.createElement("span");
    var colours = {
      pending: "grey", accepted: "grey", skipped: "grey", running: "blue",
      succeeded: "green", failed: "red", compensating: "yellow", rolling_back: "yellow",
      compensated: "magenta", rolled_back: "magenta", waiting_approval: "cyan",
      rejected: "red", expired: "grey"
    };
    span.className = "badge " + (colours[state] || "grey");
    span.dataset.state = state;
    span.textContent = state.replace(/_/g, " ");
    return span;
  }

  function duration(step) {
    if (!step.started_at || !step.finished_at) { return "—"; }
    var seconds = (Date.parse(step.finished_at) - Date.parse(step.started_at)) / 1000;
    return seconds.toFixed(1) + " s";
  }

  function update(request) {
    request.steps.forEach(function (step) {
      var row = table.querySelector('tr[data-step="' + CSS.escape(step.key) + '"]');
      if (!row) { return; }
      var cell = row.querySelector(".step-state");
      if (cell.firstElementChild.dataset.state !== step.state) {
        cell.replaceChildren(badge(step.state));
      }
      row.querySelector(".step-duration").textContent = duration(step);
      row.querySelector(".step-attempts").textContent = String(step.attempts);
      row.querySelector(".step-error").textContent = step.error || "";
    });
    var state = document.getElementById("request-state");
    if (state.firstElementChild.dataset.state !== request.state) {
      state.replaceChildren(badge(request.state));
    }
    var error = document.getElementById("request-error");
    error.textContent = request.error || "";
    error.hidden = !request.error;
  }

  var source = new EventSource("/api/v1/requests/" + encodeURIComponent(requestId) + "/events");
  source.addEventListener("request", function (event) {
    var request = JSON.parse(event.data);
    update(request);
    if (shownState === "waiting_approval" && request.state !== shownState &&
        !settled[request.state]) {
      source.close();
      window.location.reload();
      return;
    }
    if (settled[request.state]) {
      source.close();
      if (request.state !== shownState) { window.location.reload(); }
      else { live.textContent = "Finished."; }
    }
  });
  source.onerror = function () {
    live.textContent = "Live updates paused; reconnecting…";
  };
})();
