/* A widget's module gets time to load on a busy machine.

   anywidget gives each widget model 2 s (AbortSignal.timeout(2000)) to import its module
   and run its initialize; past that it rejects the model's readiness, and from then on
   every message the kernel sends to the model is dropped (its handler awaits that
   readiness first). The figures' module is plotly's widget bundle, 3.5 MB of script: on
   a loaded two-core machine its first import can take longer, and the page then draws the
   figure but never moves its cursor, or loses a widget the app's layout holds ("Error
   displaying widget: model not found"). Here, before any widget code runs, that one
   2 s deadline becomes two minutes; every other timeout is left as it is. */
(function () {
  "use strict";
  if (typeof AbortSignal === "undefined" || typeof AbortSignal.timeout !== "function") return;
  var timeout = AbortSignal.timeout.bind(AbortSignal);
  AbortSignal.timeout = function (ms) { return timeout(ms === 2000 ? 120000 : ms); };
})();
