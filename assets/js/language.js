// Sends a visitor from the site root to the first of their browser's
// languages that the site has; the links stay for everyone else.
(function () {
  var list = document.querySelector("[data-notis-languages]");
  if (!list) return;
  var links = list.querySelectorAll("a[hreflang]");
  var wanted = navigator.languages || [navigator.language || ""];
  for (var i = 0; i < wanted.length; i++) {
    var lang = String(wanted[i]).toLowerCase();
    for (var j = 0; j < links.length; j++) {
      var have = links[j].getAttribute("hreflang").toLowerCase();
      if (lang === have || lang.split("-")[0] === have) {
        location.replace(links[j].href);
        return;
      }
    }
  }
})();
