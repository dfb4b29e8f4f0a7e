// empathic web app: charts, sortable tables, sparklines, job progress. No inline scripts (CSP script-src 'self');
// customer text is only ever put into the page with textContent, never innerHTML.
"use strict";

function renderCharts() {
  if (typeof Plotly === "undefined") return;
  document.querySelectorAll("[data-figure]").forEach(function (el) {
    var src = document.getElementById(el.getAttribute("data-figure"));
    if (!src) return;
    var fig = JSON.parse(src.textContent);
    Plotly.newPlot(el, fig.data, fig.layout, { displayModeBar: false, responsive: true });
  });
}

function cellValue(td) {
  var raw = td.hasAttribute("data-sort") ? td.getAttribute("data-sort") : td.textContent.trim();
  var num = parseFloat(raw.replace(/,/g, ""));
  return isNaN(num) ? raw.toLowerCase() : num;
}

function makeSortable(table) {
  table.querySelectorAll("thead th").forEach(function (th, index) {
    th.classList.add("sort");
    th.addEventListener("click", function () {
      var body = table.tBodies[0];
      var asc = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead th").forEach(function (o) { o.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = cellValue(a.cells[index]), y = cellValue(b.cells[index]);
        if (x === y) return 0;
        if (x === "" || x === "–") return 1;
        if (y === "" || y === "–") return -1;
        return (x < y ? -1 : 1) * (asc ? 1 : -1);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
}

function sparkline(el) {
  var values = JSON.parse(el.getAttribute("data-values") || "[]");
  if (values.length < 2) return;
  var w = 80, h = 18, max = Math.max.apply(null, values) || 1;
  var ns = "http://www.w3.org/2000/svg";
  var svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", w); svg.setAttribute("height", h);
  var pts = values.map(function (v, i) {
    return (i * w / (values.length - 1)).toFixed(1) + "," + (h - 1 - (v / max) * (h - 2)).toFixed(1);
  });
  var line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", pts.join(" "));
  line.setAttribute("fill", "none"); line.setAttribute("stroke", "#3366cc"); line.setAttribute("stroke-width", "1.5");
  svg.appendChild(line);
  el.appendChild(svg);
}

function pollJob(box) {
  var url = box.getAttribute("data-url");
  var status = document.getElementById("job-status");
  var list = document.getElementById("job-tasks");
  var msg = document.getElementById("job-message");
  function tick() {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (job) {
      status.textContent = job.status;
      status.setAttribute("data-status", job.status);
      list.replaceChildren();
      Object.keys(job.progress || {}).forEach(function (task) {
        var p = job.progress[task];
        var li = document.createElement("li");
        li.appendChild(document.createTextNode(task + ": "));
        var bar = document.createElement("progress");
        bar.max = p.total || 1; bar.value = p.done;
        li.appendChild(bar);
        li.appendChild(document.createTextNode(" " + p.done + (p.total ? "/" + p.total : "")));
        list.appendChild(li);
      });
      msg.textContent = job.message || "";
      if (job.status === "queued" || job.status === "running") setTimeout(tick, 700);
    }).catch(function () { setTimeout(tick, 2000); });
  }
  tick();
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll(".spark").forEach(sparkline);
  var job = document.getElementById("job");
  if (job) pollJob(job);
  renderCharts();
});
