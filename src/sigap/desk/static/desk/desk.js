/* The queue's SLA countdown: every 30 s, each cell with data-due="<ISO UTC>" shows the
   time left and turns sla-ok, sla-warn (under an hour) or sla-late (past). The wording
   comes from the table's data-sla-* attributes, translated by the server. Without this
   script the server's text stands, as it was at page load. */
(function () {
  "use strict";
  if (window.sigapSlaCountdown) return; // htmx may run the script again after a boosted swap
  window.sigapSlaCountdown = true;

  var MINUTE = 60000;
  var WARN = 60 * MINUTE;
  var STATES = ["sla-ok", "sla-warn", "sla-late"];

  function fill(format, values) {
    return format.replace(/%\((\w+)\)d/g, function (_match, name) {
      return String(values[name]);
    });
  }

  function describe(left, table) {
    var minutes = Math.floor(left / MINUTE);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor(minutes / 60) % 24;
    if (days) return fill(table.dataset.slaDays, { days: days, hours: hours });
    if (hours) return fill(table.dataset.slaHours, { hours: hours, minutes: minutes % 60 });
    return fill(table.dataset.slaMinutes, { minutes: minutes });
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("td[data-due]").forEach(function (cell) {
      var table = cell.closest("table[data-sla-late]");
      var due = Date.parse(cell.dataset.due);
      if (!table || isNaN(due)) return;
      var left = due - now;
      var state = left <= 0 ? "sla-late" : left < WARN ? "sla-warn" : "sla-ok";
      cell.textContent = left <= 0 ? table.dataset.slaLate : describe(left, table);
      STATES.forEach(function (name) {
        cell.classList.toggle(name, name === state);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);
  setInterval(tick, 30000);
  tick();
})();
