// Statistics pages: draw the trend chart (Chart.js, vendored) from its json_script, and show the
// date range only when "custom" is chosen. Without JavaScript the tables carry the same figures.
(function () {
  "use strict";

  function drawCharts() {
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var primary = getComputedStyle(document.documentElement).getPropertyValue("--primary").trim() || "#c8102e";
      new window.Chart(canvas, {
        type: data.labels.length > 1 ? "line" : "bar",
        data: {
          labels: data.labels,
          datasets: [{
            label: data.label,
            data: data.values,
            borderColor: primary,
            backgroundColor: primary + "33",
            fill: true,
            cubicInterpolationMode: "monotone",  // no overshoot below zero between points
            pointRadius: data.labels.length > 45 ? 0 : 2,
          }],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 8 } } },
        },
      });
    });
  }

  function rangeToggle() {
    var form = document.getElementById("stats-filters");
    if (!form) return;
    var sync = function () {
      var chosen = form.querySelector("input[name=period]:checked");
      form.classList.toggle("custom", !!chosen && chosen.value === "custom");
    };
    form.addEventListener("change", function (event) {
      if (event.target.name === "start" || event.target.name === "end") {
        var custom = form.querySelector("input[name=period][value=custom]");
        if (custom) custom.checked = true;
      }
      sync();
    });
    form.classList.add("js-ready");
    sync();
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    rangeToggle();
  });
})();
