// Node adapter for benches/compare: times one npm peer over one file, in process.
//
//   node node_peer.mjs TOOL FILE REPS [--dump OUT.json] [--warm-full]
//
// TOOL: arcjet | redact-pii | secretlint. Reads FILE as UTF-8, warms the peer up on the first
// 16 KiB (or, with --warm-full, the whole text), then times REPS calls over the whole text
// and prints one JSON line: tool, version, bytes, times (wall seconds, performance.now()) and
// cpu (CPU seconds of the process, process.cpuUsage()).
// With --dump, an untimed extra pass writes what recall needs to OUT.json:
//   secretlint:          {"spans": [[startByte, endByte], ...]}  (UTF-16 ranges -> UTF-8 bytes)
//   arcjet, redact-pii:  {"lines": [redacted line, ...]}  (each input line redacted on its own;
//                         these libraries return text only, so the driver checks which planted
//                         values survive in their line)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";

const CHUNK = 16384; // UTF-16 code units
const stats = { traps: 0 };
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const require = createRequire(path.join(root, "package.json"));

function version(pkg) {
  return JSON.parse(fs.readFileSync(path.join(root, "node_modules", pkg, "package.json"), "utf8")).version;
}

async function load(tool) {
  if (tool === "arcjet") {
    const { redact } = await import(path.join(root, "node_modules/@arcjet/redact/index.js"));
    // Default entities: email, phone-number, ip-address, credit-card-number. Its wasm traps
    // ("RuntimeError: unreachable") on some long inputs (a 64 KiB piece of prompts.txt, every
    // line of which passes alone), so text is fed in pieces of at most 16 KiB cut at line ends,
    // and a piece that traps is split in two and retried (counted in `traps`).
    const one = async (t) => {
      try {
        return (await redact(t))[0];
      } catch (e) {
        const mid = t.lastIndexOf("\n", t.length >> 1);
        if (mid <= 0) throw e;
        stats.traps++;
        return (await one(t.slice(0, mid + 1))) + (await one(t.slice(mid + 1)));
      }
    };
    const run = async (t) => {
      if (t.length <= CHUNK) return one(t);
      const out = [];
      for (let i = 0; i < t.length;) {
        let j = Math.min(t.length, i + CHUNK);
        if (j < t.length) {
          const nl = t.lastIndexOf("\n", j);
          if (nl > i) j = nl + 1;
        }
        out.push(await one(t.slice(i, j)));
        i = j;
      }
      return out.join("");
    };
    return { version: version("@arcjet/redact"), run, kind: "lines" };
  }
  if (tool === "redact-pii") {
    const { SyncRedactor } = require("redact-pii");
    const r = new SyncRedactor(); // default built-in patterns (names, addresses, digits, ...)
    return { version: version("redact-pii"), run: async (t) => r.redact(t), kind: "lines" };
  }
  if (tool === "secretlint") {
    const { lintSource } = await import(path.join(root, "node_modules/@secretlint/core/module/index.js"));
    const presetMod = await import(
      path.join(root, "node_modules/@secretlint/secretlint-rule-preset-recommend/module/index.js"));
    const preset = presetMod.creator;
    const config = { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: preset }] };
    const run = async (t) => {
      const res = await lintSource({
        source: { filePath: "/virtual/input.txt", content: t, ext: ".txt", contentType: "text" },
        options: { config, noPhysicFilePath: true, maskSecrets: false },
      });
      return res.messages;
    };
    return {
      version: version("secretlint") + " (core " + version("@secretlint/core") + ", preset-recommend " +
        version("@secretlint/secretlint-rule-preset-recommend") + ")",
      run, kind: "spans",
    };
  }
  throw new Error("unknown tool " + tool);
}

// UTF-16 code-unit indices -> UTF-8 byte offsets, for a sorted walk.
function utf16ToBytes(text, indices) {
  const uniq = [...new Set(indices)].sort((a, b) => a - b);
  const map = new Map();
  let pos = 0, bytes = 0;
  for (const i of uniq) {
    bytes += Buffer.byteLength(text.slice(pos, i), "utf8");
    pos = i;
    map.set(i, bytes);
  }
  return map;
}

async function main() {
  const [tool, file, repsArg, ...rest] = process.argv.slice(2);
  const reps = Math.max(1, parseInt(repsArg || "1", 10));
  const dumpAt = rest.indexOf("--dump");
  const dump = dumpAt >= 0 ? rest[dumpAt + 1] : null;
  const text = fs.readFileSync(file, "utf8");
  const peer = await load(tool);
  // warm-up (module init, JIT, wasm instantiation, lazily compiled regexes): the first 16 KiB,
  // or the whole input with --warm-full
  const warmFull = rest.includes("--warm-full");
  await peer.run(warmFull ? text : text.slice(0, 16384));
  const times = [], cpu = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await peer.run(text);
    times.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0); // CPU time of the process (all threads), microseconds
    cpu.push((c.user + c.system) / 1e6);
  }
  if (dump) {
    let out;
    if (peer.kind === "spans") {
      const msgs = await peer.run(text);
      const idx = msgs.flatMap((m) => [m.range[0], m.range[1]]);
      const m = utf16ToBytes(text, idx);
      out = { spans: msgs.map((x) => [m.get(x.range[0]), m.get(x.range[1])]) };
    } else {
      const lines = text.split("\n");
      const red = [];
      for (const l of lines) red.push(l.length ? await peer.run(l) : l);
      out = { lines: red };
    }
    fs.writeFileSync(dump, JSON.stringify(out));
  }
  process.stdout.write(JSON.stringify({
    tool, version: peer.version, bytes: Buffer.byteLength(text, "utf8"), times, cpu, traps: stats.traps,
    timing: "in process, process.cpuUsage() and performance.now() around the call, after a warm-up on " +
      (warmFull ? "the whole input" : "16 KiB"),
  }) + "\n");
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ tool: process.argv[2], error: String(e && e.stack || e).slice(0, 600) }) + "\n");
  process.exit(3);
});
