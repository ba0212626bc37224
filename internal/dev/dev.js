// notis serve's live reload, served by the dev server only: it reloads
// the page after each rebuild, swaps stylesheets in place when only CSS
// changed, and shows a build error over the page until it is fixed. It
// builds its DOM with createElement and styles it through the CSSOM, so a
// strict Content-Security-Policy lets it run.
(function () {
  "use strict";
  var built = ""; // the build this page came from (Server-Timing: notis)
  var nav = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  if (nav && nav.serverTiming) {
    nav.serverTiming.forEach(function (t) {
      if (t.name === "notis") built = t.description;
    });
  }
  var overlay = null;

  function el(tag, text, style) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    for (var k in style || {}) e.style[k] = style[k];
    return e;
  }

  function hide() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function show(problems) {
    hide();
    overlay = el("div", "", {
      position: "fixed", inset: "0", zIndex: "2147483647", overflow: "auto",
      background: "rgba(20,20,24,.92)", color: "#fafafa", padding: "2rem",
      font: "15px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace"
    });
    overlay.id = "notis-dev-overlay";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-label", "Build error");
    var box = el("div", "", { maxWidth: "60rem", margin: "0 auto" });
    box.appendChild(el("h2", "The site did not build", { color: "#ff8a80", margin: "0 0 1rem", font: "bold 1.3rem system-ui,sans-serif" }));
    problems.forEach(function (p) {
      var item = el("section", "", { borderLeft: "4px solid #ff8a80", padding: ".5rem 1rem", margin: "0 0 1rem", background: "rgba(255,255,255,.05)" });
      item.className = "notis-dev-problem";
      var where = p.file || "";
      if (p.line) where += ":" + p.line + (p.col ? ":" + p.col : "");
      if (where) item.appendChild(el("div", where, { color: "#80d8ff", fontWeight: "bold" }));
      if (p.field) item.appendChild(el("div", p.field, { color: "#ffe57f" }));
      item.appendChild(el("div", p.message + (p.rule ? " (" + p.rule + ")" : ""), { whiteSpace: "pre-wrap" }));
      if (p.source) {
        // The file's line and a caret under the column, as an editor shows it.
        var caret = p.col > 1 ? p.source.slice(0, p.col - 1).replace(/[^\t]/g, " ") : "";
        item.appendChild(el("pre", p.source + "\n" + caret + "^", { margin: ".25rem 0", color: "#e0e0e0", overflowX: "auto" }));
      }
      if (p.fix) item.appendChild(el("div", "Fix: " + p.fix, { color: "#b9f6ca", marginTop: ".25rem", whiteSpace: "pre-wrap" }));
      box.appendChild(item);
    });
    box.appendChild(el("p", "This goes away by itself when the file is fixed and saved.", { color: "#bbb", font: "14px system-ui,sans-serif" }));
    overlay.appendChild(box);
    (document.body || document.documentElement).appendChild(overlay);
  }

  // swapCSS points each stylesheet link at its new name; the old link goes
  // once the new one has loaded, so the page never shows unstyled.
  function swapCSS(css) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var path = new URL(link.href, location.href).pathname;
      var to = css[path];
      if (!to) return;
      var next = link.cloneNode();
      next.href = to;
      next.addEventListener("load", function () { link.remove(); });
      next.addEventListener("error", function () { location.reload(); });
      link.after(next);
    });
  }

  var es = new EventSource("/_notis/events");
  function on(name, fn) {
    es.addEventListener(name, function (e) { fn(JSON.parse(e.data)); });
  }
  on("hello", function (d) {
    document.documentElement.setAttribute("data-notis-dev", "live");
    // A rebuild happened between this page's load and this connection,
    // or the server restarted.
    if (built && d.build !== built && !d.error) location.reload();
    if (!d.error) hide();
  });
  on("reload", function () { location.reload(); });
  on("css", function (d) {
    hide();
    built = d.build;
    swapCSS(d.css);
  });
  on("problems", show);
  on("ok", function (d) {
    built = d.build;
    hide();
  });
})();
