// node --test tools/charts/geometry.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { labelTops, newestWithin, sameWindow, wheelWindow, zoomOf } from "./geometry.mjs";

test("windows are the same to the millisecond; null is no window", () => {
  assert.equal(sameWindow(null, null), true);
  assert.equal(sameWindow([0, 10], null), false);
  assert.equal(sameWindow([0, 10], [0.5, 10.4]), true);
  assert.equal(sameWindow([0, 10], [0, 12]), false);
});

test("the whole axis is no zoom; a window narrower than the narrowest zoom is widened around its middle", () => {
  const whole = [0, 900_000];
  assert.equal(zoomOf(0, 900_000, whole, 10_000), null);
  assert.equal(zoomOf(5, 10, null, 10_000), null, "no axis yet");
  assert.deepEqual(zoomOf(100_000, 200_000, whole, 10_000), [100_000, 200_000]);
  assert.deepEqual(zoomOf(100_000, 104_000, whole, 10_000), [97_000, 107_000]);
});

test("a wheel step zooms a quarter around the pointer and stays inside the axis", () => {
  const whole = [0, 1000];
  // In, around the middle: the time under the pointer stays under it.
  assert.deepEqual(wheelWindow(0, 1000, 500, true, whole, 10), [125, 875]);
  // In, at the right edge: the window keeps its end.
  const [start, end] = wheelWindow(0, 1000, 1000, true, whole, 10);
  assert.equal(end, 1000);
  assert.equal(start, 250);
  // Never narrower than the narrowest zoom.
  assert.deepEqual(wheelWindow(495, 505, 500, true, whole, 10), [495, 505]);
  // Out, never past the whole axis.
  assert.deepEqual(wheelWindow(0, 900, 10, false, whole, 10), [0, 1000]);
  const out = wheelWindow(800, 1000, 900, false, whole, 10);
  assert.ok(out[0] >= 0 && out[1] <= 1000 && Math.abs(out[1] - out[0] - 266.67) < 0.01);
});

test("threshold labels go above their line, below it when that is taken, and never overlap", () => {
  // A line at the top: its label goes below it.
  assert.deepEqual(labelTops([2], 0, 200, 13, 2), [4]);
  // Two close lines (listed bottom first): the top one's label below it, the lower one's below too.
  assert.deepEqual(labelTops([30, 12], 0, 200, 13, 2), [32, 14]);
  // Far apart: each above its line.
  assert.deepEqual(labelTops([100, 50], 0, 200, 13, 2), [85, 35]);
  // No room on either side: left out.
  assert.deepEqual(labelTops([5, 8, 11], 0, 30, 13, 2), [7, null, null]);
  const tops = labelTops([40, 45, 50, 55], 0, 200, 13, 2).filter((t) => t != null);
  for (const a of tops) for (const b of tops) if (a !== b) assert.ok(Math.abs(a - b) >= 13);
});

test("away from the pointer, the legend reads the newest reading inside the window shown", () => {
  const xs = [10, 20, 30, 40, 50];
  assert.equal(newestWithin(xs, 0, 100), 4, "the whole axis: the newest reading");
  assert.equal(newestWithin(xs, 15, 35), 2, "zoomed into the past: the newest reading there, not the newest of all");
  assert.equal(newestWithin(xs, 20, 20), 1, "a window's edges count");
  assert.equal(newestWithin(xs, 31, 39), null, "between two readings: none");
  assert.equal(newestWithin(xs, 0, 5), null, "before the first reading: none");
  assert.equal(newestWithin(xs, 60, 90), null, "after the last reading: none");
  assert.equal(newestWithin([], 0, 100), null);
});
