// Deflection dashboard: reads the metrics API (same-origin session cookie) and draws with Plotly.js.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("dashboard-config").textContent);
  const t = JSON.parse(document.getElementById("dashboard-labels").textContent);
  const rtl = config.lang === "ar";
  const numbers = new Intl.NumberFormat(rtl ? "ar-AE-u-nu-latn" : "en-AE", { maximumFractionDigits: 2 });
  const plotConfig = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  const colours = ["#00704a", "#c8102e", "#1f5aa6", "#b8860b", "#6a3d9a", "#2a9d8f", "#e76f51", "#555555"];

  function baseLayout(extra) {
    return Object.assign({
      font: { family: "DejaVu Sans, Noto Sans Arabic, Tahoma, sans-serif", size: 13 },
      margin: { l: 50, r: 50, t: 20, b: 50 }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      colorway: colours, showlegend: true, legend: { orientation: "h", y: -0.2 },
    }, extra);
  }

  function apiUrl(path, extra) {
    return path + "?" + new URLSearchParams(Object.assign({}, config.filters, extra)).toString();
  }

  async function getJson(path) {
    const response = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(typeof body.detail === "string" ? body.detail : "HTTP " + response.status);
    }
    return body;
  }

  // Every day of the range, so days without events show as zero.
  function daysBetween(from, to) {
    const days = [];
    const day = new Date(from.slice(0, 10) + "T00:00:00Z");
    const end = new Date(to.slice(0, 10) + "T00:00:00Z");
    while (day <= end && days.length < 400) {
      days.push(day.toISOString().slice(0, 10));
      day.setUTCDate(day.getUTCDate() + 1);
    }
    return days;
  }

  function emptyNote(layout, rows) {
    if (rows.length === 0) {
      layout.annotations = [{ text: t.no_data, showarrow: false, xref: "paper", yref: "paper", x: 0.5, y: 0.5 }];
    }
    return layout;
  }

  function drawDays(report) {
    const byDay = new Map(report.groups.map((g) => [g.day, g]));
    const days = config.filters.from && config.filters.to
      ? daysBetween(config.filters.from, config.filters.to) : report.groups.map((g) => g.day);
    const value = (day, key) => (byDay.get(day) || {})[key] || 0;
    const data = [
      { type: "bar", name: t.deflected, x: days, y: days.map((d) => value(d, "deflected")) },
      { type: "scatter", mode: "lines+markers", name: t.fee_aed, x: days, y: days.map((d) => value(d, "fee_aed")),
        yaxis: "y2" },
    ];
    const layout = baseLayout({
      xaxis: { type: "date", autorange: rtl ? "reversed" : true, tickformat: "%d %b" },
      yaxis: { title: { text: t.deflected }, rangemode: "tozero", side: rtl ? "right" : "left" },
      yaxis2: { title: { text: t.fee_aed }, overlaying: "y", side: rtl ? "left" : "right", rangemode: "tozero",
                showgrid: false },
    });
    return Plotly.newPlot("chart-days", data, emptyNote(layout, report.groups), plotConfig);
  }

  function serviceName(group) {
    return (rtl ? group.service_name_ar : group.service_name_en) || group.service;
  }

  function drawServices(report) {
    const rows = report.groups.filter((g) => g.deflected > 0);
    const data = [{ type: "bar", orientation: "h", name: t.deflected, x: rows.map((g) => g.deflected),
                    y: rows.map(serviceName), customdata: rows.map((g) => g.fee_aed),
                    hovertemplate: "%{y}<br>%{x} · %{customdata} " + t.aed + "<extra></extra>" }];
    const layout = baseLayout({
      showlegend: false, margin: { l: rtl ? 20 : 260, r: rtl ? 260 : 20, t: 10, b: 40 },
      yaxis: { autorange: "reversed", automargin: true, side: rtl ? "right" : "left", ticklabelstandoff: 6 },
      xaxis: { autorange: rtl ? "reversed" : true, rangemode: "tozero", title: { text: t.deflected } },
    });
    return Plotly.newPlot("chart-services", data, emptyNote(layout, rows), plotConfig);
  }

  function drawChannels(report) {
    const rows = report.groups.filter((g) => g.deflected > 0);
    const data = [{ type: "pie", hole: 0.45, labels: rows.map((g) => g.channel), values: rows.map((g) => g.deflected),
                    textinfo: "percent", sort: true, direction: rtl ? "counterclockwise" : "clockwise" }];
    const layout = baseLayout({ margin: { l: 20, r: 20, t: 10, b: 20 }, legend: { orientation: "v" } });
    return Plotly.newPlot("chart-channels", data, emptyNote(layout, rows), plotConfig);
  }

  function sentence(metricLabel, change) {
    let template = t.change_unknown;
    if (change !== null && change > 0) template = t.change_up;
    else if (change !== null && change < 0) template = t.change_down;
    else if (change === 0) template = t.change_none;
    return template.replace("{metric}", metricLabel).replace("{pct}", numbers.format(Math.abs(change || 0)));
  }

  function drawCompare(result) {
    const indicator = (value, reference, title, column) => ({
      type: "indicator", mode: reference > 0 ? "number+delta" : "number", value: value,
      title: { text: title + "<br>" + t.previous + ": " + numbers.format(reference) },
      delta: { reference: reference, relative: true, valueformat: ".1%" },
      number: { valueformat: ",.0f" }, domain: { row: 0, column: rtl ? 1 - column : column },
    });
    const data = [
      indicator(result.today.deflected, result.previous.deflected, t.deflected, 0),
      indicator(result.today.fee_aed, result.previous.fee_aed, t.fee_aed, 1),
    ];
    const layout = baseLayout({ grid: { rows: 1, columns: 2 }, margin: { l: 20, r: 20, t: 70, b: 10 }, height: 240 });
    const list = document.getElementById("compare-sentences");
    list.replaceChildren(...[
      sentence(t.deflected, result.deflected_change_percent),
      sentence(t.fee_aed, result.fee_change_percent),
    ].map((text) => Object.assign(document.createElement("li"), { textContent: text })));
    return Plotly.newPlot("chart-compare", data, layout, plotConfig);
  }

  function showTotals(totals) {
    const list = document.getElementById("totals");
    const items = ["deflected", "fee_aed", "unknown_fee_count", "declined", "assisted_in_person", "handed_off"];
    list.replaceChildren(...items.flatMap((key) => {
      const term = Object.assign(document.createElement("dt"), { textContent: t[key] });
      const value = Object.assign(document.createElement("dd"), { textContent: numbers.format(totals[key]) });
      value.dataset.measure = key;
      return [term, value];
    }));
  }

  function fail(error) {
    const box = document.getElementById("load-error");
    box.textContent = t.load_error + " " + error.message;
    box.hidden = false;
    document.body.dataset.ready = "error";
  }

  async function main() {
    if (!config.valid) {
      document.body.dataset.ready = "invalid";
      return;
    }
    const { filters } = config;
    const compareFilters = {};
    ["entity", "channel", "source"].forEach((key) => { if (filters[key]) compareFilters[key] = filters[key]; });
    const [days, services, channels, compare] = await Promise.all([
      getJson(apiUrl(config.api, { group_by: "day" })),
      getJson(apiUrl(config.api, { group_by: "service", top: "10" })),
      getJson(apiUrl(config.api, { group_by: "channel" })),
      getJson(config.day_over_day + "?" + new URLSearchParams(compareFilters).toString()),
    ]);
    showTotals(days.totals);
    await Promise.all([drawDays(days), drawServices(services), drawChannels(channels), drawCompare(compare)]);
    document.body.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", () => { main().catch(fail); });
})();
