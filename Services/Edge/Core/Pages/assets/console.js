// A live page (the customer 360, a product's stock) follows what happens without a
// reload: it listens to the edge's server-sent events for what it shows and, on each,
// reads itself again and swaps its <main> for the new one (a burst makes one read).
(function () {
  "use strict";
  var main = document.querySelector("main[data-events]");
  if (!main || !window.EventSource) return;
  var status = document.getElementById("live-status");
  var source = new EventSource(main.dataset.events);
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
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main[data-events]");
          var current = document.querySelector("main[data-events]");
          if (!fresh || !current) return;
          // What the person is typing in a form of the page stays as it was.
          current.querySelectorAll("input[id], select[id], textarea[id]").forEach(function (field) {
            var twin = fresh.querySelector("#" + CSS.escape(field.id));
            if (twin && field.type !== "hidden") twin.value = field.value;
          });
          var focused = document.activeElement && document.activeElement.id;
          current.replaceWith(fresh);
          if (focused) { var again = document.getElementById(focused); if (again) again.focus(); }
          var updates = Number(document.body.dataset.updates || "0") + 1;
          document.body.dataset.updates = String(updates);
          if (status) status.textContent = status.dataset.updated + " " + new Date().toLocaleTimeString();
        });
    }, 250);
  });
})();
