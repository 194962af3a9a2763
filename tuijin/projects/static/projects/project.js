// ECharts on a project's page: the milestone timeline (planned vs actual) and the investment
// curve against plan. Data comes from the json_script "project-chart-data"; no inline JS.
(function () {
  "use strict";
  var BLUE = "#206bc4", GREEN = "#2fb344", GREY = "#909aa8", RED = "#d63939";

  function day(text) { return text ? new Date(text + "T00:00:00").getTime() : null; }

  function timelineOption(data) {
    var points = function (values) {
      return values.map(function (v, i) { return v ? [day(v), data.names[i]] : null; }).filter(Boolean);
    };
    var links = data.names.map(function (name, i) {
      if (!data.planned[i] || !data.actual[i]) { return null; }
      return [{ coord: [day(data.planned[i]), name] }, { coord: [day(data.actual[i]), name] }];
    }).filter(Boolean);
    return {
      tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) {
        return p.seriesName + " " + p.value[1] + "：" + new Date(p.value[0]).toISOString().slice(0, 10);
      } },
      legend: { bottom: 0, data: data.labels.slice(0, 2) },
      grid: { left: 8, right: 24, top: 16, bottom: 36, containLabel: true },
      xAxis: { type: "time" },
      yAxis: { type: "category", data: data.names.slice().reverse(), axisTick: { show: false } },
      series: [
        { name: data.labels[0], type: "scatter", symbol: "rect", symbolSize: [6, 16], itemStyle: { color: GREY },
          data: points(data.planned),
          markLine: { symbol: "none", silent: true, label: { formatter: data.labels[2] },
                      lineStyle: { color: RED, type: "dashed" }, data: [{ xAxis: day(data.today) }] } },
        { name: data.labels[1], type: "scatter", symbolSize: 12, itemStyle: { color: GREEN },
          data: points(data.actual),
          markLine: { symbol: "none", silent: true, label: { show: false }, lineStyle: { color: BLUE, width: 1 },
                      data: links } }
      ]
    };
  }

  function curveOption(data) {
    return {
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: function (v) {
        return v === null || v === undefined ? "—" : v.toFixed(2) + " " + data.unit;
      } },
      legend: { bottom: 0, data: data.labels },
      grid: { left: 8, right: 16, top: 16, bottom: 36, containLabel: true },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: data.unit },
      series: [
        { name: data.labels[0], type: "line", data: data.actual, itemStyle: { color: BLUE }, areaStyle: { opacity: 0.08 } },
        { name: data.labels[1], type: "line", data: data.planned, symbol: "none", lineStyle: { type: "dashed" },
          itemStyle: { color: RED } }
      ]
    };
  }

  function init() {
    var source = document.getElementById("project-chart-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var builders = { timeline: timelineOption, curve: curveOption };
    var charts = [];
    document.querySelectorAll("[data-project-chart]").forEach(function (el) {
      var kind = el.getAttribute("data-project-chart");
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(builders[kind](data[kind]));
      el.setAttribute("data-rendered", "true");
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
