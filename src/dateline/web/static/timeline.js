// Brushing on the timeline's histogram: drag across the chart to show those dates.
// Everything else on the page works without it (each bar is a link). No framework.
"use strict";
(function () {
  var svg = document.getElementById("tl-chart");
  if (!svg) return;
  var first = Date.parse(svg.dataset.first + "T00:00:00Z");
  var days = Number(svg.dataset.days);
  var left = Number(svg.dataset.left);
  var right = Number(svg.dataset.right);
  var brush = svg.querySelector(".brush");
  var start = null;
  var dragged = false;

  function xOf(evt) {
    var point = svg.createSVGPoint();
    point.x = evt.clientX;
    point.y = evt.clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse()).x;
  }

  function dayAt(x) {
    var share = Math.min(Math.max((x - left) / (right - left), 0), 0.999999);
    var day = new Date(first + Math.floor(share * days) * 86400000);
    return day.toISOString().slice(0, 10);
  }

  svg.addEventListener("mousedown", function (evt) {
    if (evt.button !== 0) return;
    start = xOf(evt);
    dragged = false;
    brush.setAttribute("x", start);
    brush.setAttribute("width", 0);
    evt.preventDefault();
  });

  svg.addEventListener("mousemove", function (evt) {
    if (start === null) return;
    var x = xOf(evt);
    brush.setAttribute("x", Math.min(start, x));
    brush.setAttribute("width", Math.abs(x - start));
    brush.classList.add("on");
  });

  window.addEventListener("mouseup", function (evt) {
    if (start === null) return;
    var x = xOf(evt);
    var a = Math.min(start, x);
    var b = Math.max(start, x);
    start = null;
    if (b - a < 3) {  // a click: the bar under the pointer is a link
      brush.classList.remove("on");
      return;
    }
    dragged = true;
    var url = new URL(svg.dataset.href, window.location.href);
    url.searchParams.set("date_from", dayAt(a));
    url.searchParams.set("date_to", dayAt(b));
    url.searchParams.delete("offset");
    window.location.assign(url.toString());
  });

  svg.addEventListener("click", function (evt) {
    if (dragged) evt.preventDefault();  // the drag already chose the dates
  }, true);
})();
