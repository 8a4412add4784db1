// wasm-bindgen names every function the wasm imports from its glue after the
// JS it wraps plus a 16-hex-digit hash (`__wbg_localStorage_6827cfe6db14a9f6`),
// and the name is written twice: in the wasm's import section and as a key of
// the glue's import object. Hashes do not compress: for the app's 310 imports
// that is ~4 KB of brotli on every page (docs/performance.md). A release build
// renames them to short names (`a`, `b`, … `aa`, …) in both places. Only the
// import section changes in the wasm; only the import object's keys in the glue.

const te = new TextEncoder();
const td = new TextDecoder();

function readU32(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

function writeU32(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
}

/** The n-th short name: a … z, A … Z, then two letters, and so on. */
export function shortName(n) {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let name = "";
  do {
    name = letters[n % letters.length] + name;
    n = Math.floor(n / letters.length) - 1;
  } while (n >= 0);
  return name;
}

/** Skips one import's description (after its names) and returns where the next import starts. */
function skipImportDesc(bytes, at) {
  const kind = bytes[at++];
  let flags;
  switch (kind) {
    case 0: // function: type index
      return readU32(bytes, at)[1];
    case 1: // table: reftype, limits
      at += 1;
    // falls through to the limits
    case 2: // memory: limits
      [flags, at] = readU32(bytes, at);
      [, at] = readU32(bytes, at);
      if (flags & 1) [, at] = readU32(bytes, at);
      return at;
    case 3: // global: valtype, mutability
      return at + 2;
    case 4: // tag: attribute, type index
      return readU32(bytes, at + 1)[1];
    default:
      throw new Error(`short-imports: unknown import kind ${kind}`);
  }
}

/**
 * Renames the imports of `module` in the wasm and in its glue. Returns the new
 * wasm bytes and glue text. Throws when a name is not found exactly once as a
 * key in the glue (the glue's shape changed): a build must not ship a wasm
 * whose imports the glue cannot satisfy.
 */
export function shortenImports(wasm, glue, module) {
  const bytes = new Uint8Array(wasm);
  const renamed = new Map();
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, bodyStart] = readU32(bytes, at + 1);
    const end = bodyStart + size;
    if (id !== 2) {
      at = end;
      continue;
    }
    let p = bodyStart;
    let count;
    [count, p] = readU32(bytes, p);
    const body = [...writeU32(count)];
    for (let i = 0; i < count; i++) {
      // The module name is copied as it is written (its length may be a padded LEB).
      const moduleStart = p;
      let length;
      [length, p] = readU32(bytes, p);
      const moduleName = td.decode(bytes.subarray(p, p + length));
      p += length;
      const moduleBytes = bytes.subarray(moduleStart, p);
      [length, p] = readU32(bytes, p);
      const name = td.decode(bytes.subarray(p, p + length));
      p += length;
      const descStart = p;
      p = skipImportDesc(bytes, p);
      let newName = name;
      if (moduleName === module) {
        newName = renamed.get(name) ?? shortName(renamed.size);
        renamed.set(name, newName);
      }
      const nameBytes = te.encode(newName);
      body.push(...moduleBytes, ...writeU32(nameBytes.length), ...nameBytes, ...bytes.subarray(descStart, p));
    }
    if (p !== end) throw new Error("short-imports: the import section did not end where its size says");
    const section = Uint8Array.from([2, ...writeU32(body.length), ...body]);
    const out = new Uint8Array(at + section.length + (bytes.length - end));
    out.set(bytes.subarray(0, at), 0);
    out.set(section, at);
    out.set(bytes.subarray(end), at + section.length);
    if (!WebAssembly.validate(out)) throw new Error("short-imports: the renamed wasm does not validate");
    return { wasm: Buffer.from(out), glue: renameKeys(glue, renamed) };
  }
  throw new Error("short-imports: the wasm has no import section");
}

function renameKeys(glue, renamed) {
  let out = glue;
  for (const [name, short] of renamed) {
    // As an object key: after `{` or `,`, before `:` (method shorthand `name(` too).
    const key = new RegExp(`([{,])${name.replace(/[$]/g, "\\$&")}(?=[:(])`, "g");
    const found = out.match(key)?.length ?? 0;
    if (found !== 1) throw new Error(`short-imports: ${name} is a key of the glue ${found} times, not once`);
    out = out.replace(key, `$1${short}`);
    if (out.includes(name)) throw new Error(`short-imports: ${name} is still used elsewhere in the glue`);
  }
  return out;
}
