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

/* Keyboard shortcuts, listed at the foot of every desk page: r reply, n internal
   note, a assign to me, s resolve, / search, ? the list itself. Keys typed into a
   field are the field's; a shortcut whose control is not on the page does nothing.
   In the reply box, Ctrl+Enter sends it the way r or n opened it. */
(function () {
  "use strict";
  if (window.sigapShortcuts) return;
  window.sigapShortcuts = true;

  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  function write(kind) {
    var box = document.querySelector("form.comment textarea");
    if (!box) return false;
    box.form.dataset.kind = kind;
    box.focus();
    return true;
  }

  function openAction(name) {
    var panel = document.getElementById("action-" + name);
    if (!panel) return false;
    panel.open = true;
    var first = panel.querySelector("form select, form input:not([type=hidden]), form textarea");
    (first || panel.querySelector("summary")).focus();
    return true;
  }

  function click(selector) {
    var control = document.querySelector(selector);
    if (!control) return false;
    control.click();
    return true;
  }

  var keys = {
    r: function () { return write("reply"); },
    n: function () { return write("note"); },
    a: function () { return click('button[data-action="take"]'); },
    s: function () { return openAction("resolve"); },
    "/": function () {
      var search = document.querySelector('input[type="search"]');
      if (search) search.focus();
      return Boolean(search);
    },
    "?": function () {
      var help = document.getElementById("shortcuts");
      if (help) { help.open = !help.open; help.querySelector("summary").focus(); }
      return Boolean(help);
    },
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey && event.key === "Enter" && event.target.matches("form.comment textarea")) {
      var kind = event.target.form.dataset.kind || "reply";
      var send = event.target.form.querySelector('button[value="' + kind + '"]');
      if (send) { event.preventDefault(); send.click(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var run = keys[event.key];
    if (run && run()) event.preventDefault();
  });
})();
