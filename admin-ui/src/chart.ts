/** A small inline-SVG bar chart with a text alternative (a table) for screen readers. */
const SVG = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

export function barChart(
  title: string,
  points: { label: string; value: number }[],
  unit: string,
  /** The text under a bar (e.g. "11-28" for the day "2026-11-28"); every label by default. */
  tick: (label: string) => string = (label) => label,
): HTMLElement {
  const width = 640;
  const height = 200;
  const pad = { top: 16, right: 8, bottom: 28, left: 40 };
  const max = Math.max(1, ...points.map((p) => p.value));
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const step = innerW / Math.max(1, points.length);
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    class: "chart",
    preserveAspectRatio: "none",
  });
  const titleEl = svg("title", {});
  const total = points.reduce((sum, p) => sum + p.value, 0);
  titleEl.textContent = `${title}: ${Math.round(total * 10) / 10} ${unit} in all, highest ${max} on one day`;
  chart.append(titleEl);
  for (const frac of [0, 0.5, 1]) {
    const y = pad.top + innerH * (1 - frac);
    chart.append(svg("line", { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: "grid" }));
    const label = svg("text", { x: pad.left - 6, y: y + 4, "text-anchor": "end", class: "axis" });
    label.textContent = String(Math.round(max * frac * 10) / 10);
    chart.append(label);
  }
  points.forEach((p, i) => {
    const h = (p.value / max) * innerH;
    const bar = svg("rect", {
      x: pad.left + i * step + step * 0.15,
      y: pad.top + innerH - h,
      width: Math.max(1, step * 0.7),
      height: Math.max(0, h),
      class: "bar",
    });
    const tip = svg("title", {});
    tip.textContent = `${p.label}: ${p.value} ${unit}`;
    bar.append(tip);
    chart.append(bar);
    const every = Math.ceil(points.length / 8);
    if (i % every === 0) {
      const label = svg("text", {
        x: pad.left + i * step + step / 2,
        y: height - 8,
        "text-anchor": "middle",
        class: "axis",
      });
      label.textContent = tick(p.label);
      chart.append(label);
    }
  });
  const figure = document.createElement("figure");
  figure.className = "chart-figure";
  const caption = document.createElement("figcaption");
  caption.textContent = title;
  figure.append(caption, chart);
  // The same numbers as a table, for screen readers and for reading exact values.
  const details = document.createElement("details");
  const summary = document.createElement("summary");
  summary.textContent = "Show the numbers";
  const table = document.createElement("table");
  table.innerHTML = '<thead><tr><th scope="col">Day</th><th scope="col"></th></tr></thead>';
  const headCell = table.querySelector("th:last-child");
  if (headCell) headCell.textContent = unit;
  const body = document.createElement("tbody");
  for (const p of points) {
    const tr = document.createElement("tr");
    const a = document.createElement("td");
    a.textContent = p.label;
    const b = document.createElement("td");
    b.textContent = String(p.value);
    tr.append(a, b);
    body.append(tr);
  }
  table.append(body);
  details.append(summary, table);
  figure.append(details);
  return figure;
}
