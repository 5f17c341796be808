// Benchmark of `apply` on the café hybrid workload (points + stamps +
// vouchers, examples/programs/cafe.json): generated members, each an
// enrolment followed by purchases of mixed baskets, replayed through the
// package in Node. Writes the workload to a file so the native Rust figure
// (examples/bench_native.rs) is measured on the very same bytes.
//
//   node loyalty-wasm/bench/apply.mjs [events.jsonl]
//   cargo run --release -p loyalty-wasm --example bench_native -- events.jsonl
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Engine } from "loyalty-wasm";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = resolve(process.argv[2] ?? join(root, "target", "bench-cafe-events.jsonl"));
const MEMBERS = 100;
const PURCHASES = 99;
const MENU = [
  { sku: "latte", category: "coffee", unit_price: "4.75" },
  { sku: "espresso", category: "coffee", unit_price: "2.80" },
  { sku: "croissant", category: "pastry", unit_price: "3.50" },
  { sku: "muffin", category: "pastry", unit_price: "3.25" },
  { sku: "green_tea", category: "tea", unit_price: "3.00" },
  { sku: "sandwich", category: "food", unit_price: "8.90" },
  { sku: "mug", category: "merch", unit_price: "12.00" },
];

/** The workload: deterministic (a fixed-seed LCG), one JSON event per line. */
function workload() {
  let seed = 42;
  const rand = (n) => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  const start = Date.UTC(2026, 0, 5, 8, 0, 0);
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const events = [];
  for (let m = 0; m < MEMBERS; m++) {
    let t = start + m * 60_000;
    events.push(JSON.stringify({ type: "enrol", id: `e-${m}`, member: `member-${m}`, time: iso(t) }));
    for (let p = 0; p < PURCHASES; p++) {
      t += (6 + rand(60)) * 3_600_000; // every few hours to a few days
      const lines = [];
      const count = 1 + rand(4);
      for (let l = 0; l < count; l++) {
        const item = MENU[rand(MENU.length)];
        lines.push({ ...item, quantity: 1 + rand(3) });
      }
      events.push(JSON.stringify({ type: "purchase", id: `p-${m}-${p}`, time: iso(t), lines }));
    }
  }
  return events;
}

const events = workload();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, events.join("\n") + "\n");

const engine = Engine.fromJson(readFileSync(join(root, "examples", "programs", "cafe.json"), "utf8"));
const isEnrol = (e) => e.startsWith('{"type":"enrol"');

function runJson() {
  let account = "null";
  for (const e of events) {
    if (isEnrol(e)) account = "null";
    account = engine.applyParts(account, e).account;
  }
  return account;
}

const parsed = events.map((e) => JSON.parse(e));
function runTyped() {
  let account = null;
  for (const e of parsed) {
    if (e.type === "enrol") account = null;
    account = engine.apply(account, e).account;
  }
  return account;
}

function measure(name, fn) {
  fn(); // warm-up
  let rounds = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 3e9 || rounds < 3) {
    fn();
    rounds++;
    elapsed = Number(process.hrtime.bigint() - t0);
  }
  const perSec = (events.length * rounds) / (elapsed / 1e9);
  console.log(`${name}: ${Math.round(perSec).toLocaleString("en-US")} events/s (${rounds} rounds of ${events.length} events)`);
  return perSec;
}

console.log(`workload: ${events.length} events (${MEMBERS} members, ${PURCHASES} purchases each), written to ${out}`);
measure("wasm in Node, JSON-string door (applyParts)", runJson);
measure("wasm in Node, typed door (apply with objects)", runTyped);
