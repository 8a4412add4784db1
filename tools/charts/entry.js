// The dashboard's charts, on uPlot: a time axis, lines (a gap breaks a line),
// a live legend that is also the tooltip, threshold and alert lines, zoom on
// the time axis (drag across a chart, or the wheel; a double click or the
// page's button resets it) and, within a group, one crosshair and one zoom.
//
// The app (Rust, `src/services/charts.rs`) hands each chart a JSON spec
// written by `dashboard_core::chart::TimeChart::spec`: what to draw is decided
// there; this file only translates it to uPlot and keeps the drawn chart (its
// canvas, zoom and cursor) across specs. Texts (axis ticks, legend values) come
// from the app's locale formatters. Exposed as the global `dashboardCharts`.
import uPlot from "uplot";
import { labelTops, newestWithin, sameWindow, wheelWindow, zoomOf } from "./geometry.mjs";

/** The charts of each group, and the time window (ms) they are zoomed to. */
const groups = new Map();
/** Each drawn chart by its element, for the E2E tests (as ECharts' getInstanceByDom was). */
const drawn = new WeakMap();

function groupNamed(name) {
  let group = groups.get(name);
  if (!group) {
    group = { zoom: null, members: new Set() };
    groups.set(name, group);
  }
  return group;
}

/** Room for the longest tick label (the value axis's unit may change: B/s to MB/s). */
function axisSize(u, values, axisIdx, cycleNum) {
  const axis = u.axes[axisIdx];
  if (cycleNum > 1) return axis._size;
  let size = axis.ticks.size + axis.gap;
  const longest = (values ?? []).reduce((a, v) => (v != null && v.length > a.length ? v : a), "");
  if (longest !== "") {
    u.ctx.font = axis.font[0];
    size += u.ctx.measureText(longest).width / uPlot.pxRatio;
  }
  return Math.ceil(size);
}

class Chart {
  constructor(el, format, groupName, onZoom) {
    this.el = el;
    this.format = format;
    this.group = groupNamed(groupName);
    this.groupName = groupName;
    this.onZoom = onZoom;
    this.spec = null;
    this.look = null;
    this.u = null;
    this.legend = null;
    this.group.members.add(this);
    this.resizeWatch = new ResizeObserver(() => this.fit());
    this.resizeWatch.observe(el);
  }

  /** Draws `specText` (the JSON of a `TimeChart::spec`), in place when drawn before. */
  set(specText) {
    const spec = JSON.parse(specText);
    this.spec = spec;
    const data = spec.lines.length > 0 ? uPlot.join(spec.lines.map((l) => [l.t, l.v])) : [[]];
    const look = JSON.stringify(spec.lines.map((l) => [l.name, l.color, l.width, l.alpha]));
    if (!this.u) {
      this.u = new uPlot(this.options(spec), data, this.el);
      // The legend repeats, under the pointer, what the page's data table and
      // caption say: for the eyes only (the chart's element has the text name).
      this.legend = this.u.root.querySelector(".u-legend");
      this.legend?.setAttribute("aria-hidden", "true");
      drawn.set(this.el, this.u);
      this.look = look;
      this.fit();
    } else {
      if (look !== this.look) {
        // A line added or taken away, new colours: the lines again (their
        // legend rows too), on the same canvas.
        this.u.batch(() => {
          for (let i = this.u.series.length - 1; i > 0; i--) this.u.delSeries(i);
          spec.lines.forEach((line, i) => this.u.addSeries(this.line(line, i), i + 1));
        });
        this.look = look;
        // The legend may have gained or lost a row: the plot takes what is left.
        this.fit();
      }
      this.u.setData(data);
    }
    this.showWindow();
  }

  /** The time axis: the group's zoom, else the spec's bounds (or the data's). */
  showWindow() {
    const window = this.group.zoom ?? this.bounds();
    if (window) this.u.setScale("x", { min: window[0], max: window[1] });
  }

  bounds() {
    if (this.spec?.x) return this.spec.x;
    const times = this.u?.data[0] ?? [];
    return times.length > 0 ? [times[0], times[times.length - 1]] : null;
  }

  fit() {
    if (!this.u) return;
    const width = this.el.clientWidth;
    const height = this.el.clientHeight - (this.legend?.offsetHeight ?? 0);
    if (width > 0 && height > 0 && (width !== this.u.width || height !== this.u.height)) this.u.setSize({ width, height });
  }

  line(line, i) {
    return {
      label: line.name,
      stroke: () => this.spec.lines[i]?.color ?? line.color,
      width: line.width,
      alpha: line.alpha,
      spanGaps: false,
      points: { show: (u, si) => this.spec.lines[si - 1]?.dots ?? false, size: 6 },
      value: (u, v) => (v == null ? "—" : this.format.value(v)),
    };
  }

  options(spec) {
    const text = () => this.spec.theme.text;
    const grid = () => this.spec.theme.grid;
    return {
      width: Math.max(this.el.clientWidth, 1),
      height: Math.max(this.el.clientHeight - 28, 1),
      ms: 1,
      series: [
        { label: "Time", value: (u, v) => (v == null ? "—" : this.format.time(v)) },
        ...spec.lines.map((line, i) => this.line(line, i)),
      ],
      scales: {
        x: { time: true, auto: false, range: (u, min, max) => [min, max] },
        y: {
          range: (u, min, max) => {
            const top = this.spec.yMax ?? (Number.isFinite(max) && max > 0 ? uPlot.rangeNum(0, max, 0.1, true)[1] : 1);
            return [0, top];
          },
        },
      },
      axes: [
        {
          stroke: text,
          space: 80,
          grid: { show: false },
          ticks: { stroke: grid },
          values: (u, splits) => splits.map((t) => this.format.tick(t)),
        },
        {
          stroke: text,
          size: axisSize,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid },
          values: (u, splits) => splits.map((v) => this.format.value(v)),
        },
      ],
      legend: { live: true },
      cursor: {
        sync: { key: this.groupName, setSeries: false },
        drag: { x: true, y: false, setScale: true },
        // A double click shows the whole time axis again, on every chart of the group.
        bind: { dblclick: () => () => (this.resetGroup(), null) },
      },
      hooks: {
        setScale: [(u, key) => key === "x" && (this.zoomed(), u.cursor.idx == null && this.restLegend())],
        // Away from the pointer, the legend reads the newest reading shown
        // (zoomed into the past: the newest there, not the newest of all).
        setLegend: [(u) => u.cursor.idx == null && this.restLegend()],
        draw: [(u) => this.drawLevelsAndInstants(u)],
      },
      plugins: [this.wheelZoom()],
    };
  }

  /** The legend away from the pointer: the newest reading within the time axis shown. */
  restLegend() {
    const { min, max } = this.u.scales.x;
    const idx = newestWithin(this.u.data[0], min ?? -Infinity, max ?? Infinity);
    if (idx !== this.u.legend.idx) this.u.setLegend({ idx }, false);
  }

  /** After the time axis moved: a zoom the user made goes to the whole group. */
  zoomed() {
    const { min, max } = this.u.scales.x;
    const window = zoomOf(min, max, this.bounds(), this.spec.minSpan);
    if (window && !sameWindow(window, [min, max])) {
      // Narrower than the narrowest zoom: shown widened (this hook runs again).
      // In a commit of its own: uPlot drops a scale set from inside its
      // setScale hook (it clears the pending scales after firing the hooks),
      // which left a narrow drag drawn while the page kept the earlier zoom.
      queueMicrotask(() => this.u?.setScale("x", { min: window[0], max: window[1] }));
      return;
    }
    if (sameWindow(window, this.group.zoom)) return;
    this.group.zoom = window;
    for (const member of this.group.members) if (member !== this && member.u) member.showWindow();
    this.onZoom(window ? window[0] : null, window ? window[1] : null);
  }

  resetGroup() {
    dashboardCharts.resetZoom(this.groupName);
    this.onZoom(null, null);
  }

  /** The wheel (or a pinch) zooms the time axis around the pointer, within the spec's bounds. */
  wheelZoom() {
    return {
      hooks: {
        ready: (u) => {
          u.over.addEventListener(
            "wheel",
            (e) => {
              const whole = this.bounds();
              if (!whole) return;
              e.preventDefault();
              const at = u.posToVal(e.clientX - u.over.getBoundingClientRect().left, "x");
              const [min, max] = wheelWindow(u.scales.x.min, u.scales.x.max, at, e.deltaY < 0, whole, this.spec.minSpan);
              u.setScale("x", { min, max });
            },
            { passive: false },
          );
        },
      },
    };
  }

  /** Threshold levels (dashed, labelled at the right) and alert instants (solid, labelled at the top). */
  drawLevelsAndInstants(u) {
    const { ctx, bbox } = u;
    const px = uPlot.pxRatio;
    ctx.save();
    ctx.beginPath();
    ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
    ctx.clip();
    ctx.font = `${Math.round(11 * px)}px system-ui, sans-serif`;
    const ys = this.spec.levels.map((level) => Math.round(u.valToPos(level.value, "y", true)) + 0.5);
    // Labels never overlap: see labelTops.
    const tops = labelTops(ys, bbox.top, bbox.top + bbox.height, 13 * px, 2 * px);
    this.spec.levels.forEach((level, i) => {
      const y = ys[i];
      ctx.strokeStyle = ctx.fillStyle = level.color;
      ctx.lineWidth = px;
      ctx.setLineDash([4 * px, 4 * px]);
      ctx.beginPath();
      ctx.moveTo(bbox.left, y);
      ctx.lineTo(bbox.left + bbox.width, y);
      ctx.stroke();
      if (tops[i] == null) return;
      ctx.textAlign = "right";
      ctx.textBaseline = "top";
      ctx.fillText(level.label, bbox.left + bbox.width - 4 * px, tops[i]);
    });
    ctx.setLineDash([]);
    for (const instant of this.spec.instants) {
      const x = Math.round(u.valToPos(instant.t, "x", true));
      if (x < bbox.left || x > bbox.left + bbox.width) continue;
      ctx.strokeStyle = ctx.fillStyle = instant.color;
      ctx.lineWidth = 2 * px;
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      ctx.textAlign = "left";
      ctx.textBaseline = "top";
      ctx.fillText(instant.label, x + 4 * px, bbox.top + 2 * px);
    }
    ctx.restore();
  }

  /** The chart as a PNG `data:` URL on white, with a key of its lines under it. */
  png() {
    if (!this.u) return null;
    const chart = this.u.ctx.canvas;
    const px = uPlot.pxRatio;
    const keyHeight = Math.round(24 * px);
    const image = document.createElement("canvas");
    image.width = chart.width;
    image.height = chart.height + keyHeight;
    const ctx = image.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, image.width, image.height);
    ctx.drawImage(chart, 0, 0);
    ctx.font = `${Math.round(12 * px)}px system-ui, sans-serif`;
    ctx.textBaseline = "middle";
    let x = this.u.bbox.left;
    const y = chart.height + keyHeight / 2;
    for (const line of this.spec.lines) {
      ctx.fillStyle = line.color;
      ctx.fillRect(x, y - px, 14 * px, 3 * px);
      ctx.fillStyle = "#1f2937";
      ctx.fillText(line.name, x + 18 * px, y);
      x += 18 * px + ctx.measureText(line.name).width + 16 * px;
    }
    return image.toDataURL("image/png");
  }

  destroy() {
    this.resizeWatch.disconnect();
    this.group.members.delete(this);
    if (this.group.members.size === 0) groups.delete(this.groupName);
    this.u?.destroy();
    this.u = null;
  }
}

const dashboardCharts = {
  /**
   * A chart in `el`. `format` holds the locale's texts: `tick(ms)`, `time(ms)`
   * and `value(v)`; `onZoom(start, end)` hears the group's zoom (nulls: none).
   */
  create: (el, format, group, onZoom) => new Chart(el, format, group, onZoom),
  /** The whole time axis again, on every chart of `group`. */
  resetZoom(name) {
    const group = groups.get(name);
    if (!group) return;
    group.zoom = null;
    for (const member of group.members) if (member.u) member.showWindow();
  },
  /** The uPlot instance drawn in `el` (for tests). */
  instance: (el) => drawn.get(el) ?? null,
};

globalThis.dashboardCharts = dashboardCharts;
