// The import renaming must keep the wasm valid and its glue matching.
// Run: node --test tools/
import { test } from "node:test";
import assert from "node:assert/strict";
import { shortName, shortenImports } from "./short-imports.mjs";

const te = new TextEncoder();
const str = (s) => [te.encode(s).length, ...te.encode(s)];
/** A wasm module with one function type and the given function imports ([module, name] pairs). */
function moduleWith(imports) {
  const type = [1, 0x60, 0, 0]; // one type: [] -> []
  const body = [imports.length, ...imports.flatMap(([m, n]) => [...str(m), ...str(n), 0, 0])];
  const memory = [1, ...str("env"), ...str("memory"), 2, 0, 1]; // a memory import keeps its limits
  const importSection = [body[0] + 1, ...body.slice(1), ...memory.slice(1)];
  return Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, type.length, ...type, 2, importSection.length, ...importSection]);
}

test("short names count a … Z, then two letters", () => {
  assert.equal(shortName(0), "a");
  assert.equal(shortName(51), "Z");
  assert.equal(shortName(52), "aa");
  assert.equal(new Set(Array.from({ length: 5000 }, (_, i) => shortName(i))).size, 5000);
});

test("the glue's imports are renamed in the wasm and in the glue, others are kept", () => {
  const wasm = moduleWith([
    ["./app_bg.js", "__wbg_log_0123456789abcdef"],
    ["other", "keep_me"],
    ["./app_bg.js", "__wbindgen_throw_fedcba9876543210"],
  ]);
  const glue = `function N(){return{__proto__:null,"./app_bg.js":{__proto__:null,__wbg_log_0123456789abcdef:function(e){},__wbindgen_throw_fedcba9876543210(e){throw e}}}}`;
  const out = shortenImports(wasm, glue, "./app_bg.js");
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(out.wasm)).map((i) => `${i.module}/${i.name}`);
  assert.deepEqual(imports, ["./app_bg.js/a", "other/keep_me", "./app_bg.js/b", "env/memory"]);
  assert.equal(out.glue, `function N(){return{__proto__:null,"./app_bg.js":{__proto__:null,a:function(e){},b(e){throw e}}}}`);
  // The renamed glue's object satisfies the renamed wasm.
  const object = new Function(`${out.glue}; return N();`)();
  object.other = { keep_me() {} };
  object.env = { memory: new WebAssembly.Memory({ initial: 1 }) };
  assert.ok(new WebAssembly.Instance(new WebAssembly.Module(out.wasm), object));
});

test("a module name whose length is a padded LEB is copied as written", () => {
  const wasm = moduleWith([["./app_bg.js", "__wbg_log_0123456789abcdef"]]);
  // Header (8 bytes), type section (10–13), import section: id 14, size 15, count 16,
  // then the first module name's length, 11, written in two bytes: 0x8b 0x00.
  const at = 17;
  assert.equal(wasm[at], 11);
  const padded = Uint8Array.from([...wasm.subarray(0, at), 0x8b, 0x00, ...wasm.subarray(at + 1)]);
  padded[15] += 1; // the import section's size
  assert.ok(WebAssembly.validate(padded));
  const out = shortenImports(padded, `{__wbg_log_0123456789abcdef:function(){}}`, "./app_bg.js");
  assert.deepEqual(WebAssembly.Module.imports(new WebAssembly.Module(out.wasm)).map((i) => `${i.module}/${i.name}`), ["./app_bg.js/a", "env/memory"]);
});

test("a name the glue does not hold once as a key stops the build", () => {
  const wasm = moduleWith([["./app_bg.js", "__wbg_log_0123456789abcdef"]]);
  assert.throws(() => shortenImports(wasm, `{x:1}`, "./app_bg.js"), /0 times/);
  const twice = `{__wbg_log_0123456789abcdef:1,y:{__wbg_log_0123456789abcdef:2}}`;
  assert.throws(() => shortenImports(wasm, twice, "./app_bg.js"), /2 times/);
  const elsewhere = `{__wbg_log_0123456789abcdef:1};c.__wbg_log_0123456789abcdef()`;
  assert.throws(() => shortenImports(wasm, elsewhere, "./app_bg.js"), /elsewhere/);
});
