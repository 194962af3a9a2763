// ECharts for the 对标对表 pages. Data comes from the page's json_script "chart-data"; no inline JS.
(function () {
  "use strict";
  var COLOURS = { green: "#2fb344", amber: "#f59f00", red: "#d63939", none: "#909aa8" };

  var LABEL_FONT = 12;

  // Do the unit names fit side by side under their bars? (CJK glyphs are about one font size wide.)
  function crowded(el, names) {
    var longest = names.reduce(function (n, name) { return Math.max(n, name.length); }, 0);
    var perBar = (el.clientWidth - 48) / Math.max(names.length, 1);
    return longest * LABEL_FONT + 6 > perBar;
  }

  function rankingOption(data, el) {
    var rotate = crowded(el, data.units) ? 45 : 0;
    return {
      title: { text: data.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", renderMode: "richText" },
      // containLabel keeps every axis label, rotated or not, inside the chart (none clipped).
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: {
        type: "category", data: data.units,
        axisLabel: { interval: 0, rotate: rotate, fontSize: LABEL_FONT, hideOverlap: false }
      },
      yAxis: { type: "value" },
      series: [{
        type: "bar",
        data: data.values.map(function (v, i) {
          return { value: v, itemStyle: { color: COLOURS[data.rag[i]] || COLOURS.none } };
        }),
        label: { show: true, position: "top", formatter: function (p) { return p.value.toFixed(1); } },
        markLine: data.pace === null ? undefined : {
          symbol: "none",
          // Drawn inside the grid, above the line's end: at the end (the default) it runs past
          // the chart's right edge and shows only its first glyph.
          label: { position: "insideEndTop", formatter: data.paceLabel + " " + data.pace.toFixed(1) },
          lineStyle: { type: "dashed", color: "#206bc4" },
          data: [{ yAxis: data.pace }]
        }
      }]
    };
  }

  function lineOption(chart) {
    return {
      title: { text: chart.title, left: "center", textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { bottom: 0, data: chart.labels },
      grid: { left: 8, right: 16, top: 36, bottom: 28, containLabel: true },
      xAxis: { type: "category", data: chart.months },
      yAxis: { type: "value" },
      series: [
        { name: chart.labels[0], type: "line", data: chart.actual, itemStyle: { color: "#206bc4" } },
        { name: chart.labels[1], type: "line", data: chart.pace, lineStyle: { type: "dashed" }, itemStyle: { color: "#d63939" } }
      ]
    };
  }

  function init() {
    var source = document.getElementById("chart-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var index = Number(el.getAttribute("data-chart"));
      var option = data.kind === "ranking" ? rankingOption(data, el) : lineOption(data.charts[index]);
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
