/* Applies the saved colour theme before the page paints (loaded synchronously in <head>). */
(function () {
  "use strict";
  var root = document.documentElement;
  var saved = null;
  try {
    saved = window.localStorage.getItem("kb-theme");
  } catch (e) {
    /* storage disabled: follow the system setting */
  }
  if (saved === "light" || saved === "dark") {
    root.setAttribute("data-theme", saved);
  }
  var dark = saved ? saved === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
  root.setAttribute("data-theme-effective", dark ? "dark" : "light");
})();
