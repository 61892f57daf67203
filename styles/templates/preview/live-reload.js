// Live reload for the chapter preview. After every rebuild the server sends a `change` event
// (server-sent events on /_events); the page fetches itself again and swaps #preview-page in
// place, so the scroll position, an open <details> elsewhere and the event stream all stay.
(function () {
  "use strict";
  var root = document.documentElement;
  var scrollKey = "imprint-preview-scroll:" + location.pathname;

  // A full reload (the fallback) stores the scroll position first; put it back.
  var saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    window.scrollTo(0, Number(saved));
  }

  function shown() {
    return { boot: root.dataset.boot, serial: Number(root.dataset.serial) };
  }

  function newer(version) {
    var now = shown();
    return version.boot !== now.boot || version.serial > now.serial;
  }

  function fullReload() {
    sessionStorage.setItem(scrollKey, String(window.scrollY));
    location.reload();
  }

  function setStatus(text) {
    var status = document.getElementById("preview-status");
    if (status) status.textContent = text;
  }

  function swapStylesheet(doc) {
    var fresh = doc.querySelector("link[data-preview-stylesheet]");
    var old = document.querySelector("link[data-preview-stylesheet]");
    if (!fresh || (old && old.getAttribute("href") === fresh.getAttribute("href"))) return;
    var link = document.adoptNode(fresh);
    // Keep the old sheet until the new one has loaded, so the page never flashes unstyled.
    if (old) {
      link.addEventListener("load", function () { old.remove(); });
      old.after(link);
    } else {
      document.head.appendChild(link);
    }
  }

  function swap(text) {
    var doc = new DOMParser().parseFromString(text, "text/html");
    var fresh = doc.getElementById("preview-page");
    var page = document.getElementById("preview-page");
    if (!fresh || !page) return fullReload();
    var version = { boot: doc.documentElement.dataset.boot,
                    serial: Number(doc.documentElement.dataset.serial) };
    if (!newer(version)) return;  // an answer overtaken by a later one
    swapStylesheet(doc);
    document.title = doc.title;
    page.replaceWith(document.adoptNode(fresh));
    root.dataset.boot = version.boot;
    root.dataset.serial = String(version.serial);
    setStatus("live");
  }

  // One fetch at a time; a change arriving meanwhile fetches once more when it ends.
  var busy = false;
  var again = false;
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.pathname + location.search, { cache: "no-store" })
      .then(function (response) { return response.text(); })
      // A failed fetch means the server is gone; the event stream says when it is back.
      .then(swap, function () { setStatus("reconnecting…"); })
      .finally(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  var events = new EventSource("/_events");
  events.addEventListener("change", function (event) {
    if (newer(JSON.parse(event.data))) refresh();
  });
  events.addEventListener("open", function () { setStatus("live"); });
  events.addEventListener("error", function () { setStatus("reconnecting…"); });
})();
