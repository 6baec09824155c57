// Draws each chart of a page with ECharts, from the option embedded beside it (json_script), as
// SVG so that it prints sharply. The table beneath each chart holds the same figures, for screen
// readers and for print.
(function () {
  "use strict";
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var option = JSON.parse(document.getElementById(element.dataset.chart).textContent);
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
  });
  function resize() {
    charts.forEach(function (chart) { chart.resize(); });
  }
  window.addEventListener("resize", resize);
  // Paper is narrower or wider than the window: draw again at the printed width, and back.
  window.matchMedia("print").addEventListener("change", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();
