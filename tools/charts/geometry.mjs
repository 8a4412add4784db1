// The chart adapter's decisions about windows and labels, as plain functions
// (tested by tools/charts/geometry.test.mjs, no DOM or canvas needed).

/** Whether two time windows ([start, end], ms) are the same to the millisecond; nulls are "no window". */
export function sameWindow(a, b) {
  return a === b || (a != null && b != null && Math.abs(a[0] - b[0]) < 1 && Math.abs(a[1] - b[1]) < 1);
}

/**
 * The zoom a chart shows when its time axis reads [min, max]: null when that is
 * its whole axis, else the window, widened around its middle to `minSpan` when
 * narrower.
 */
export function zoomOf(min, max, whole, minSpan) {
  if (!whole || sameWindow([min, max], whole)) return null;
  if (max - min >= minSpan - 1) return [min, max];
  const middle = (min + max) / 2;
  return [middle - minSpan / 2, middle + minSpan / 2];
}

/**
 * One wheel step over the time axis [min, max]: in (a quarter closer) or out,
 * around `at` (the time under the pointer, which stays under it), no narrower
 * than `minSpan` and never past the whole axis.
 */
export function wheelWindow(min, max, at, zoomIn, whole, minSpan) {
  const factor = zoomIn ? 0.75 : 1 / 0.75;
  const span = Math.min(Math.max((max - min) * factor, minSpan), whole[1] - whole[0]);
  const pointer = max > min ? (at - min) / (max - min) : 0.5;
  let start = at - pointer * span;
  start = Math.min(Math.max(start, whole[0]), whole[1] - span);
  return [start, start + span];
}

/**
 * The reading the legend shows away from the pointer: the index of the newest
 * time in `xs` (ascending) that lies within the window shown, [min, max];
 * null when none does (the window is between readings, or before them).
 */
export function newestWithin(xs, min, max) {
  let low = 0;
  let high = xs.length;
  // The first index past `max`.
  while (low < high) {
    const mid = (low + high) >> 1;
    if (xs[mid] <= max) low = mid + 1;
    else high = mid;
  }
  const idx = low - 1;
  return idx >= 0 && xs[idx] >= min ? idx : null;
}

/**
 * Where each threshold label goes: `ys` are the lines' heights (canvas pixels,
 * any order), `top`/`bottom` the plot's edges, `height` a label's, `gap` its
 * distance from its line. From the top down, a label sits above its line, or
 * below it when that is taken (by another label, or past the plot's edge); a
 * label with no room on either side is left out (null). Returns each label's
 * top, in the order of `ys`.
 */
export function labelTops(ys, top, bottom, height, gap) {
  const taken = [];
  const free = (y) => y >= top && y + height <= bottom && taken.every((t) => y + height <= t || y >= t + height);
  const tops = new Array(ys.length).fill(null);
  const order = ys.map((y, i) => [y, i]).sort((a, b) => a[0] - b[0]);
  for (const [y, i] of order) {
    const place = [y - gap - height, y + gap].find(free);
    if (place === undefined) continue;
    taken.push(place);
    tops[i] = place;
  }
  return tops;
}
