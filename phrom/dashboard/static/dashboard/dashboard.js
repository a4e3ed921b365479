/* The national dashboard's charts (chart.js, vendored), each drawn from the table beside it:
   the row headings are the labels, the columns whose heading has data-series the series, and
   each cell's data-value its figure. Drawn once the page's fonts are ready, in Sarabun:
   canvas charts do not redraw when a web font arrives. */
(function () {
  "use strict";

  var COLOURS = ["#1f5fa8", "#9bb8d9", "#c05a00", "#5b8c3a", "#7a4fa0", "#b5b5b5"];

  function text(cell) {
    return cell ? cell.textContent.trim() : "";
  }

  function read(table) {
    var headings = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    var columns = [];
    headings.forEach(function (th, index) {
      if (th.hasAttribute("data-series")) {
        columns.push({ index: index, name: text(th) });
      }
    });
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    return {
      labels: rows.map(function (tr) { return text(tr.children[0]); }),
      datasets: columns.map(function (column, k) {
        return {
          label: column.name,
          backgroundColor: COLOURS[k % COLOURS.length],
          data: rows.map(function (tr) {
            var cell = tr.children[column.index];
            var value = cell ? cell.getAttribute("data-value") : null;
            return value === null ? null : parseFloat(value);
          })
        };
      })
    };
  }

  function draw(figure) {
    var canvas = figure.querySelector("canvas");
    var table = figure.querySelector("table");
    if (!canvas || !table) {
      return;
    }
    var data = read(table);
    var horizontal = figure.getAttribute("data-axis") === "y";
    var valueAxis = { beginAtZero: true, ticks: { precision: 0 } };
    new window.Chart(canvas, {
      type: "bar",
      data: data,
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: data.datasets.length > 1 } },
        scales: horizontal ? { x: valueAxis } : { y: valueAxis }
      }
    });
    figure.setAttribute("data-drawn", "true");
  }

  function drawAll() {
    if (!window.Chart) {
      return;
    }
    var defaults = window.Chart.defaults;
    defaults.font.family = "Sarabun, 'Noto Sans Thai', Tahoma, sans-serif";
    defaults.font.size = 14;
    defaults.color = "#1a1a1a";
    Array.prototype.forEach.call(document.querySelectorAll("figure[data-chart]"), draw);
  }

  function start() {
    // Sarabun is loaded on demand: ask for it, then draw once it (and every other
    // font in use) is ready
    var wanted = [document.fonts.load("14px Sarabun", "กขค 0123"),
                  document.fonts.load("bold 14px Sarabun", "กขค 0123")];
    Promise.all(wanted).catch(function () { return null; })
      .then(function () { return document.fonts.ready; })
      .then(drawAll);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
