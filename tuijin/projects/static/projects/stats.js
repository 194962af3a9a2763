// ECharts for the project statistics pages: the units' rates and the portfolio timeline.
// Data comes from the page's json_script "chart-data"; no inline JS, tooltips as rich text (CSP).
(function () {
  "use strict";
  var STAGE_COLOURS = {
    concept: "#909aa8", preparation: "#4299e1", started: "#206bc4", registered: "#4263eb",
    completed: "#2fb344", operating: "#0ca678", suspended: "#f76707", terminated: "#d63939"
  };
  var ROW_HEIGHT = 26;

  function ratesOption(data) {
    return {
      title: { text: data.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", renderMode: "richText" },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.units, axisLabel: { interval: 0, rotate: data.units.length > 8 ? 40 : 0 } },
      yAxis: { type: "value", max: function (v) { return Math.max(100, Math.ceil(v.max)); } },
      series: [{
        type: "bar",
        data: data.values,
        itemStyle: { color: "#206bc4" },
        label: {
          show: true, position: "top",
          formatter: function (p) { return p.value === null || p.value === undefined ? "—" : p.value.toFixed(1); }
        }
      }]
    };
  }

  function ganttData(data) {
    var rows = [];
    data.items.forEach(function (item, i) {
      ["planned", "actual"].forEach(function (kind) {
        var bar = item[kind];
        if (bar) {
          rows.push({ value: [i, Date.parse(bar[0]), Date.parse(bar[1]), kind === "planned" ? 0 : 1], item: item, kind: kind });
        }
      });
    });
    return rows;
  }

  function renderBar(params, api) {
    var row = api.value(0);
    var start = api.coord([api.value(1), row]);
    var end = api.coord([api.value(2), row]);
    var height = api.size([0, 1])[1] * 0.36;
    var planned = api.value(3) === 0;
    var shape = window.echarts.graphic.clipRectByRect(
      { x: start[0], y: start[1] - (planned ? height : 0), width: Math.max(end[0] - start[0], 2), height: height },
      { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height }
    );
    if (!shape) { return null; }
    return { type: "rect", transition: ["shape"], shape: shape, style: api.style({ opacity: planned ? 0.35 : 1 }) };
  }

  function ganttOption(data) {
    var names = data.items.map(function (item) { return item.code + " " + item.name; });
    var rows = ganttData(data);
    return {
      tooltip: {
        renderMode: "richText",
        formatter: function (p) {
          var d = p.data, bar = d.item[d.kind];
          return d.item.code + " " + d.item.name + "\n" + d.item.unit + " · " + d.item.stageLabel + "\n" +
            data.labels[d.kind] + ": " + bar[0] + " → " + bar[1];
        }
      },
      grid: { left: 8, right: 24, top: 16, bottom: 24, containLabel: true },
      xAxis: { type: "time", position: "top" },
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 220, overflow: "truncate" } },
      dataZoom: [{ type: "inside", xAxisIndex: 0, filterMode: "weakFilter" }],
      series: [{
        type: "custom",
        renderItem: renderBar,
        encode: { x: [1, 2], y: 0 },
        data: rows.map(function (r) {
          return { value: r.value, item: r.item, kind: r.kind, itemStyle: { color: STAGE_COLOURS[r.item.stage] || "#909aa8" } };
        }),
        markLine: { symbol: "none", silent: true, lineStyle: { type: "dashed", color: "#d63939" },
                    label: { formatter: data.today }, data: [{ xAxis: Date.parse(data.today) }] }
      }]
    };
  }

  function init() {
    var source = document.getElementById("chart-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var option;
      if (data.kind === "gantt") {
        el.style.height = Math.max(240, data.items.length * ROW_HEIGHT + 60) + "px";
        option = ganttOption(data);
      } else {
        option = ratesOption(data);
      }
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
