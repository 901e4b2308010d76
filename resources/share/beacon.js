(function () {
  "use strict";
  // Per page (this tab only): sessionStorage, never a cookie.
  function stored(name) {
    try { return window.sessionStorage.getItem(name + location.pathname) === "1"; } catch (e) { return false; }
  }
  function store(name) {
    try { window.sessionStorage.setItem(name + location.pathname, "1"); } catch (e) { }
  }
  var gate = document.getElementById("hcp-ok");
  if (gate) {
    if (stored("rv-hcp:")) { gate.checked = true; }
    gate.addEventListener("change", function () { if (gate.checked) { store("rv-hcp:"); } });
  }
  // Withdrawn materials: ask the server now and then, and strike them out in place.
  var refresh = document.body.getAttribute("data-refresh");
  var every = parseInt(document.body.getAttribute("data-refresh-seconds") || "0", 10);
  function strike(name) {
    var li = null;
    Array.prototype.forEach.call(document.querySelectorAll("li[data-item]"), function (el) {
      if (el.getAttribute("data-item") === name) { li = el; }
    });
    var link = li && li.querySelector("a[data-attachment]");
    if (!link) { return; }
    var list = li.parentNode;
    var title = document.createElement("span");
    title.textContent = link.textContent;
    var notice = document.createElement("span");
    notice.className = "notice";
    notice.textContent = list.getAttribute("data-unavailable") || "";
    li.replaceChild(title, link);
    li.insertBefore(document.createTextNode(" "), title.nextSibling);
    li.insertBefore(notice, title.nextSibling.nextSibling);
  }
  function check() {
    if (!window.fetch) { return; }
    fetch(refresh, { cache: "no-store", credentials: "omit" }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (data) {
      if (data && data.unavailable) { data.unavailable.forEach(strike); }
    }).catch(function () { });
  }
  if (refresh && every > 0) { setInterval(check, every * 1000); }
  // The physician's answers: sent with fetch, the result said in place (the forms post
  // without script too). No cookie: credentials are omitted.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-answer]"), function (form) {
    if (!window.fetch || !window.URLSearchParams || !window.FormData) { return; }
    // Each form says its result in its own status line (the answers share one).
    var status = document.getElementById(form.getAttribute("data-status") || "answer-status");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = e.submitter || form.querySelector("button");
      var body = new URLSearchParams(new FormData(form));
      // FormData leaves out the pressed button's name=value (yes / no): add it as a post does.
      if (button && button.name) { body.set(button.name, button.value); }
      if (button) { button.disabled = true; }
      // getAttribute: the form's field named "action" shadows form.action
      fetch(form.getAttribute("action"), {
        method: "POST", body: body, credentials: "omit", cache: "no-store",
        headers: { "Accept": "application/json" }
      }).then(function (r) {
        return r.json().then(function (data) { return { ok: r.ok, data: data }; });
      }).then(function (result) {
        if (button) { button.disabled = false; }
        if (!status) { return; }
        status.textContent = (result.data && (result.data.message || result.data.detail)) || "";
        if (result.ok && result.data.adverse_events) {
          var line = document.createElement("span");
          line.className = "adverse";
          line.textContent = " " + result.data.adverse_events;
          status.appendChild(line);
        }
        if (result.ok) { form.reset(); }
      }).catch(function () {
        if (button) { button.disabled = false; }
        if (status) { status.textContent = status.getAttribute("data-failed") || ""; }
      });
    });
  });
  var url = document.body.getAttribute("data-beacon");
  var notice = document.getElementById("measure");
  function quiet() {
    // Nothing more leaves the page; the notice says so (and loses its link).
    url = null;
    if (notice) { notice.textContent = notice.getAttribute("data-off") || ""; }
  }
  var stop = document.getElementById("no-measure");
  if (stop) {
    stop.addEventListener("click", function (e) { e.preventDefault(); store("rv-no-measure:"); quiet(); });
  }
  if (navigator.globalPrivacyControl === true || navigator.doNotTrack === "1" ||
      window.doNotTrack === "1" || stored("rv-no-measure:")) { quiet(); }
  if (!url || !navigator.sendBeacon) { return; }
  // A random id for this page load: the server keeps one progress row per load (its
  // furthest point), so replayed beacons cannot inflate how much was watched.
  var visit = "";
  var bytes = new Uint8Array(16);
  if (window.crypto && window.crypto.getRandomValues) { window.crypto.getRandomValues(bytes); }
  for (var i = 0; i < bytes.length; i++) { visit += (bytes[i] + 256).toString(16).slice(1); }
  if (/^0+$/.test(visit)) { visit = null; }  // no random source: send none rather than a shared one
  function send(kind, value) {
    if (!url) { return; }
    var event = { kind: kind, value: value == null ? null : String(value) };
    if (visit) { event.visit = visit; }
    var body = JSON.stringify(event);
    try { navigator.sendBeacon(url, new Blob([body], { type: "application/json" })); } catch (e) { }
  }
  send("opened");
  var video = document.querySelector("video");
  var sent = {};
  // A tap (a finger, not a mouse) on the video goes full screen: a 16:9 screen recording is a
  // strip across a portrait phone, its slide text small until enlarged. pointerup, not click:
  // the player's own touch handling swallows the click; a swipe that scrolls cancels the pointer.
  if (video) {
    video.addEventListener("pointerup", function (e) {
      if (e.pointerType === "mouse") { return; }
      if (document.fullscreenElement || document.webkitFullscreenElement) { return; }
      if (video.requestFullscreen) {
        var asked = video.requestFullscreen();
        if (asked && asked.catch) { asked.catch(function () { }); }
      } else if (video.webkitEnterFullscreen) { video.webkitEnterFullscreen(); }
    });
  }
  if (video) {
    video.addEventListener("play", function () {
      if (!sent.play) { sent.play = true; send("play"); }
    });
    video.addEventListener("timeupdate", function () {
      if (!video.duration) { return; }
      var percent = video.currentTime / video.duration * 100;
      [25, 50, 75].forEach(function (mark) {
        if (percent >= mark && !sent[mark]) { sent[mark] = true; send("progress", mark); }
      });
    });
    video.addEventListener("ended", function () {
      if (!sent[100]) { sent[100] = true; send("progress", 100); }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("a[data-attachment]"), function (a) {
    a.addEventListener("click", function () { send("attachment", a.getAttribute("data-attachment")); });
  });
})();
