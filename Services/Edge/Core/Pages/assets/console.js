// The customer 360 follows what happens without a reload: the page listens to the edge's
// server-sent events for this customer and, on each, reads itself again and swaps its
// <main> for the new one (several events in a burst make one read).
(function () {
  "use strict";
  var main = document.querySelector("main[data-customer]");
  if (!main || !window.EventSource) return;
  var status = document.getElementById("live-status");
  var source = new EventSource("/console/customers/" + encodeURIComponent(main.dataset.customer) + "/events");
  var waiting = false;
  source.addEventListener("update", function () {
    if (waiting) return;
    waiting = true;
    setTimeout(function () {
      waiting = false;
      fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) return;
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main[data-customer]");
          var current = document.querySelector("main[data-customer]");
          if (!fresh || !current) return;
          current.replaceWith(fresh);
          var updates = Number(document.body.dataset.updates || "0") + 1;
          document.body.dataset.updates = String(updates);
          if (status) status.textContent = status.dataset.updated + " " + new Date().toLocaleTimeString();
        });
    }, 250);
  });
})();
