/* A page whose app did not arrive reloads itself, once.

   Now and then, on a loaded machine, the widget manager restores the kernel's widgets
   without the app's own model and the page shows only "Error displaying widget: model
   not found" (seen in about one in ten full test runs; the cause is not known yet). A
   reload gets a working page from a fresh kernel, so a panel member is not left with an
   error: the page reloads once; a second failure stays on screen to be reported. */
(function () {
  "use strict";
  var KEY = "workbench-recovered:" + location.pathname;
  var MISSING = "Error displaying widget: model not found";
  function watch() {
    var observer = new MutationObserver(check);
    function check() {
      if (document.querySelector(".wb-app")) {      // the app arrived: nothing to recover
        observer.disconnect();
        try { sessionStorage.removeItem(KEY); } catch (e) { /* private mode */ }
        return;
      }
      var cells = document.getElementById("rendered_cells");
      if (!cells || cells.textContent.indexOf(MISSING) < 0) return;
      observer.disconnect();
      try {
        if (sessionStorage.getItem(KEY)) return;   // once: a second failure stays shown
        sessionStorage.setItem(KEY, "1");
      } catch (e) { return; }
      location.reload();
    }
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    check();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
