// node --test tools/split-app.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { contentNames, fillIn } from "./split-app.mjs";

const hash = (bytes) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);
const main = { wasm: new Uint8Array([0, 97, 115, 109, 1]), glue: 'import "./wasmsplit-0000000000000000.js";' };
const loader = 'import "./dashboard-0000000000000000.js"; fetch("./chat-1.wasm");';

test("the main wasm and its glue share one name, in trunk's form", () => {
  const names = contentNames(main, loader, hash);
  assert.match(names.glue, /^dashboard-[0-9a-f]{16}\.js$/);
  assert.equal(names.wasm, names.glue.replace(/\.js$/, "_bg.wasm"));
});

test("a change to the wasm, the glue, or the loader (the chunks it names) renames them", () => {
  const before = contentNames(main, loader, hash).glue;
  assert.equal(contentNames({ ...main }, loader, hash).glue, before, "the same content, the same name");
  assert.notEqual(contentNames({ ...main, wasm: new Uint8Array([0, 97, 115, 109, 2]) }, loader, hash).glue, before);
  assert.notEqual(contentNames({ ...main, glue: main.glue + ";" }, loader, hash).glue, before);
  assert.notEqual(contentNames(main, loader.replace("chat-1", "chat-2"), hash).glue, before);
});

test("a placeholder is filled in everywhere, and one that is missing stops the build", () => {
  assert.equal(fillIn("a X b X", "X", "y"), "a y b y");
  assert.throws(() => fillIn("a b", "X", "y"), /X is not in the text/);
});
