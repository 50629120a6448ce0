/* Site behaviour: theme toggle, "/" to search, permalink copy, KaTeX and Mermaid rendering.
   Everything here is progressive: without scripts the page shows the TeX and diagram source. */
(function () {
  "use strict";

  var root = document.documentElement;
  var body = document.body;
  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");

  function effectiveTheme() {
    var chosen = root.getAttribute("data-theme");
    if (chosen === "light" || chosen === "dark") return chosen;
    return systemDark.matches ? "dark" : "light";
  }

  /* Theme toggle ------------------------------------------------------------ */

  var toggle = document.querySelector("[data-theme-toggle]");

  function syncToggle() {
    var theme = effectiveTheme();
    root.setAttribute("data-theme-effective", theme);
    if (!toggle) return;
    var label = theme === "dark" ? toggle.dataset.labelLight : toggle.dataset.labelDark;
    toggle.setAttribute("aria-label", label);
    toggle.setAttribute("title", label);
    toggle.setAttribute("aria-pressed", theme === "dark" ? "true" : "false");
  }

  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var next = effectiveTheme() === "dark" ? "light" : "dark";
      if (next === (systemDark.matches ? "dark" : "light")) {
        root.removeAttribute("data-theme"); /* back to following the system */
        try { window.localStorage.removeItem("kb-theme"); } catch (e) { /* ignore */ }
      } else {
        root.setAttribute("data-theme", next);
        try { window.localStorage.setItem("kb-theme", next); } catch (e) { /* ignore */ }
      }
      syncToggle();
      rerenderDiagrams();
    });
  }
  systemDark.addEventListener("change", function () {
    syncToggle();
    rerenderDiagrams();
  });
  syncToggle();

  /* "/" focuses the search box ------------------------------------------------ */

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var inputs = document.querySelectorAll("[data-search-input]");
    var input = inputs.length > 1 ? inputs[inputs.length - 1] : inputs[0];
    if (!input) return;
    event.preventDefault();
    input.focus();
    input.select();
  });

  /* Permalink copy ---------------------------------------------------------- */

  var copy = document.querySelector("[data-copy-permalink]");
  var permalink = document.querySelector("[data-permalink]");
  if (copy && permalink && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(permalink.href).then(function () {
        var original = copy.textContent;
        copy.textContent = copy.dataset.copied;
        window.setTimeout(function () { copy.textContent = original; }, 1500);
      }, function () { /* clipboard refused: the link is still there to copy by hand */ });
    });
  }

  /* Loading vendored libraries on demand --------------------------------------- */

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function loadStylesheet(href) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }

  /* KaTeX: <span class="math math-inline"> and <div class="math math-display"> ---- */

  var formulas = document.querySelectorAll(".math-inline, .math-display");
  if (formulas.length && body.dataset.katexJs) {
    loadStylesheet(body.dataset.katexCss);
    loadScript(body.dataset.katexJs).then(function () {
      formulas.forEach(function (el) {
        var tex = el.textContent;
        try {
          /* katex.render builds DOM nodes and sets styles through the CSSOM, which the
             Content-Security-Policy allows; renderToString + innerHTML would not be. */
          window.katex.render(tex, el, {
            displayMode: el.classList.contains("math-display"),
            throwOnError: false,
            output: "htmlAndMathml",
          });
          el.classList.add("rendered");
          el.setAttribute("data-tex", tex);
        } catch (e) {
          el.textContent = tex;
        }
      });
    }, function () { /* library missing: the TeX source stays visible */ });
  }

  /* Mermaid: <pre class="mermaid">source</pre> becomes an SVG figure ------------- */

  var diagrams = Array.prototype.slice.call(document.querySelectorAll("pre.mermaid"));
  var mermaidReady = null;
  var renderCount = 0;

  /* Mermaid writes style="" attributes and a <style> element while it lays a diagram
     out, and re-parses its SVG markup (DOMPurify) before returning it. The page's CSP
     forbids inline styles, so for the duration of a render: style attributes go through
     the CSSOM (allowed), markup is parsed with its style attributes renamed and then
     re-applied through the CSSOM, and <style> elements become constructed stylesheets
     (adoptedStyleSheets, also allowed). */
  var STYLE_ATTR = /(\s)style=(["'])/g;
  var nativeParse = DOMParser.prototype.parseFromString;

  function applyRenamedStyles(scope) {
    var nodes = Array.prototype.slice.call(scope.querySelectorAll("[data-kb-style]"));
    if (scope.hasAttribute && scope.hasAttribute("data-kb-style")) nodes.push(scope);
    nodes.forEach(function (el) {
      if (el.style) el.style.cssText = el.getAttribute("data-kb-style");
      el.removeAttribute("data-kb-style");
    });
  }

  function parseWithoutInlineStyles(parser, text, type) {
    return nativeParse.call(parser, String(text).replace(STYLE_ATTR, "$1data-kb-style=$2"), type);
  }

  function withCspSafeStyles(work) {
    var setAttribute = Element.prototype.setAttribute;
    var insertBefore = Node.prototype.insertBefore;
    var appendChild = Node.prototype.appendChild;
    var sheets = [];
    function isStyle(node) {
      return node && node.nodeType === 1 && node.localName === "style";
    }
    function adopt(node) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(node.textContent);
      sheets.push(sheet);
      return node;
    }
    Element.prototype.setAttribute = function (name, value) {
      if (String(name).toLowerCase() === "style" && this.style) {
        this.style.cssText = value;
        return undefined;
      }
      return setAttribute.call(this, name, value);
    };
    Node.prototype.insertBefore = function (node, ref) {
      if (isStyle(node)) return adopt(node);
      return insertBefore.call(this, node, ref);
    };
    Node.prototype.appendChild = function (node) {
      if (isStyle(node)) return adopt(node);
      return appendChild.call(this, node);
    };
    DOMParser.prototype.parseFromString = function (text, type) {
      var doc = parseWithoutInlineStyles(this, text, type);
      applyRenamedStyles(doc.documentElement || doc);
      return doc;
    };
    function restore() {
      Element.prototype.setAttribute = setAttribute;
      Node.prototype.insertBefore = insertBefore;
      Node.prototype.appendChild = appendChild;
      DOMParser.prototype.parseFromString = nativeParse;
    }
    return Promise.resolve()
      .then(work)
      .then(function (result) { restore(); return { result: result, sheets: sheets }; },
            function (error) { restore(); throw error; });
  }

  /* Insert mermaid's SVG markup without the parser ever seeing a style attribute. */
  function insertSvg(container, svgText) {
    var parsed = parseWithoutInlineStyles(new DOMParser(), svgText, "image/svg+xml");
    var svg = parsed.documentElement;
    if (!svg || svg.localName !== "svg") throw new Error("mermaid produced no SVG");
    svg.querySelectorAll("style").forEach(function (s) { s.remove(); });
    var imported = document.importNode(svg, true);
    applyRenamedStyles(imported);
    container.replaceChildren(imported);
    return imported;
  }

  function renderDiagram(pre) {
    var source = pre.getAttribute("data-source") || pre.textContent;
    pre.setAttribute("data-source", source);
    var id = "kb-mermaid-" + (++renderCount);
    return withCspSafeStyles(function () {
      return window.mermaid.render(id, source);
    }).then(function (out) {
      if (out.sheets.length) {
        document.adoptedStyleSheets = document.adoptedStyleSheets
          .filter(function (s) { return !s.kbMermaid || s.kbMermaidFor !== pre; })
          .concat(out.sheets.map(function (s) { s.kbMermaid = true; s.kbMermaidFor = pre; return s; }));
      }
      var figure = pre.nextElementSibling;
      if (!figure || !figure.classList.contains("mermaid-diagram")) {
        figure = document.createElement("figure");
        figure.className = "mermaid-diagram";
        figure.setAttribute("role", "img");
        figure.setAttribute("aria-label", source.split("\n")[0]);
        pre.after(figure);
      }
      insertSvg(figure, out.result.svg);
      pre.hidden = true;
    }).catch(function () {
      pre.hidden = false; /* keep the source readable */
      var stray = document.getElementById("d" + id);
      if (stray) stray.remove();
    });
  }

  function renderDiagrams() {
    if (!diagrams.length || !body.dataset.mermaidJs) return;
    if (!mermaidReady) mermaidReady = loadScript(body.dataset.mermaidJs);
    mermaidReady.then(function () {
      window.mermaid.initialize({
        startOnLoad: false,
        securityLevel: "strict",
        theme: effectiveTheme() === "dark" ? "dark" : "default",
        htmlLabels: false,
        flowchart: { htmlLabels: false, useMaxWidth: true },
        fontFamily: getComputedStyle(body).fontFamily,
      });
      /* One at a time: mermaid keeps global state while rendering. */
      return diagrams.reduce(function (chain, pre) {
        return chain.then(function () { return renderDiagram(pre); });
      }, Promise.resolve());
    }, function () { /* library missing: the source stays visible */ });
  }

  function rerenderDiagrams() {
    if (mermaidReady) renderDiagrams();
  }

  renderDiagrams();
})();

// The language switcher keeps the reader's place: carry the #anchor through the redirect.
document.querySelectorAll("a[data-language-switch]").forEach((link) => {
  link.addEventListener("click", () => {
    if (window.location.hash) link.hash = window.location.hash;
  });
});

// Long documents: the contents are open beside the text on a wide screen (collapsed on a
// phone), and mark the section being read.
(function () {
  const toc = document.querySelector("[data-toc]");
  if (!toc) return;
  const details = toc.querySelector("[data-toc-details]");
  const wide = window.matchMedia("(min-width: 64rem)");
  const follow = () => { if (wide.matches) details.open = true; };
  follow();
  wide.addEventListener("change", follow);
  const links = new Map();
  toc.querySelectorAll("a[href^='#']").forEach((a) => links.set(a.hash.slice(1), a));
  let current = null;
  const mark = (id) => {
    const link = links.get(id);
    if (!link || link === current) return;
    if (current) current.removeAttribute("aria-current");
    link.setAttribute("aria-current", "true");
    current = link;
    if (wide.matches) link.scrollIntoView({ block: "nearest" });
  };
  // The section being read: the last one whose heading is above a line 30 % down the view.
  const sections = [...document.querySelectorAll("[data-toc-target]")];
  let queued = false;
  const update = () => {
    queued = false;
    const line = window.innerHeight * 0.3;
    let reading = sections[0];
    for (const section of sections) {
      if (section.getBoundingClientRect().top > line) break;
      reading = section;
    }
    if (reading) mark(reading.id);
  };
  const schedule = () => {
    if (!queued) { queued = true; window.requestAnimationFrame(update); }
  };
  window.addEventListener("scroll", schedule, { passive: true });
  window.addEventListener("resize", schedule);
  update();
})();
