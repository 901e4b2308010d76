(function () {
  "use strict";
  var url = document.body.getAttribute("data-beacon");
  if (!url || !navigator.sendBeacon) { return; }
  function send(kind, value) {
    var body = JSON.stringify({ kind: kind, value: value == null ? null : String(value) });
    try { navigator.sendBeacon(url, new Blob([body], { type: "application/json" })); } catch (e) { }
  }
  send("opened");
  var video = document.querySelector("video");
  var sent = {};
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
