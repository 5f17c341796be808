// The package's API: typed calls, thrown errors with code and path, and no
// trap on hostile input (every JSON-string call answers an envelope).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Engine, checkProgram, checkProgramJson, validateProgram, validateProgramJson, version } from "loyalty-wasm";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const cafeText = readFileSync(join(root, "examples", "programs", "cafe.json"), "utf8");
const cafe = JSON.parse(cafeText);
const engine = new Engine(cafe);

const enrol = { type: "enrol", id: "e1", member: "m-1", time: "2026-03-02T08:00:00-05:00" };
const purchase = {
  type: "purchase",
  id: "p1",
  time: "2026-03-02T08:01:00-05:00",
  lines: [
    { sku: "latte", category: "coffee", quantity: 2, unit_price: "4.75" },
    { sku: "croissant", category: "pastry", quantity: 1, unit_price: "3.50" },
  ],
};

/** Asserts `fn` throws a LoyaltyError with these fields. */
function throwsLoyalty(fn, want) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, "an Error object");
    assert.equal(e.name, "LoyaltyError");
    assert.equal(typeof e.message, "string");
    assert.ok(e.message.length > 0);
    for (const key of ["kind", "code", "document", "path"]) assert.equal(typeof e[key], "string", key);
    for (const [key, value] of Object.entries(want)) assert.equal(e[key], value, key);
    return true;
  });
}

test("version", () => {
  assert.match(version(), /^\d+\.\d+\.\d+/);
});

test("enrol, purchase and quote with plain objects", () => {
  const { account: a1, outcome: o1 } = engine.apply(null, enrol);
  assert.equal(o1.status, "applied");
  assert.equal(a1.points.balance, 20); // welcome points
  const q = engine.quote(a1, purchase);
  const { account: a2, outcome: o2 } = engine.apply(a1, purchase);
  assert.equal(a2.points.balance, 20 + q.points);
  assert.equal(a2.stamps.count, 2);
  assert.equal(o2.balances.points, a2.points.balance);
  assert.equal(a1.points.balance, 20, "the account passed in is not changed");
});

test("the typed and JSON-string doors give the same bytes", () => {
  const { account } = engine.apply(null, enrol);
  const viaJson = engine.applyJson(JSON.stringify(account), JSON.stringify(purchase));
  const typed = engine.apply(account, purchase);
  assert.equal(JSON.stringify({ ok: true, outcome: typed.outcome, account: typed.account }), viaJson);
  const parts = engine.applyParts(JSON.stringify(account), JSON.stringify(purchase));
  assert.equal(parts.account, JSON.stringify(typed.account));
  assert.equal(parts.outcome, JSON.stringify(typed.outcome));
  assert.equal(engine.quoteJson("null", JSON.stringify(purchase)), JSON.stringify({ ok: true, quote: engine.quote(null, purchase) }));
});

test("programs: validate, load from text, read back", () => {
  assert.deepEqual(validateProgram(cafe), { name: "Corner Café", currency: "USD" });
  assert.equal(validateProgramJson(cafeText), '{"ok":true,"program":{"name":"Corner Café","currency":"USD"}}');
  assert.equal(Engine.fromJson(cafeText).program().name, "Corner Café");
  assert.equal(engine.program().rewards.length, cafe.rewards.length);
  throwsLoyalty(() => Engine.fromJson("{"), { kind: "invalid_json", code: "invalid_program_json", document: "program" });
  throwsLoyalty(() => new Engine({ ...cafe, currency: 7 }), { code: "invalid_program_json", path: "currency" });
  throwsLoyalty(() => validateProgram({ ...cafe, rules: [{ id: "x", earn: { type: "points_per_amount", rate: "-1" } }] }), {
    kind: "validation",
    document: "program",
  });
  assert.match(validateProgramJson("[]"), /^\{"ok":false,"error":\{"kind":"invalid_json"/);
});

test("check a program", () => {
  const warnings = checkProgram(cafe);
  assert.ok(Array.isArray(warnings));
  for (const w of warnings) for (const key of ["path", "code", "message"]) assert.equal(typeof w[key], "string");
  assert.equal(JSON.stringify({ ok: true, warnings }), checkProgramJson(cafeText));
  throwsLoyalty(() => checkProgram({ ...cafe, currency: 7 }), { code: "invalid_program_json", path: "currency" });
  assert.match(checkProgramJson("{"), /^\{"ok":false,"error":\{"kind":"invalid_json"/);
});

test("errors carry code and path", () => {
  const { account } = engine.apply(null, enrol);
  const bad = structuredClone(purchase);
  bad.lines[1].quantity = 0;
  throwsLoyalty(() => engine.apply(account, bad), { kind: "validation", code: "invalid_event", document: "event", path: "lines[1].quantity" });
  bad.lines[1].quantity = "2";
  throwsLoyalty(() => engine.apply(account, bad), { kind: "invalid_json", code: "invalid_event_json", path: "lines[1].quantity" });
  throwsLoyalty(() => engine.apply(null, purchase), { kind: "rule", code: "not_enrolled", path: "type" });
  throwsLoyalty(() => engine.apply({ ...account, extra: 1 }, purchase), { code: "invalid_account_json", document: "account" });
  throwsLoyalty(() => engine.apply(account, { type: "redeem", id: "r1", time: "2026-03-03T08:00:00-05:00", reward: "five_off", basket: purchase.lines }), {
    kind: "rule",
    path: "reward",
  });
  throwsLoyalty(() => engine.reserve(account, purchase), { code: "invalid_event", path: "type" });
  throwsLoyalty(() => engine.quote(account, enrol), { code: "invalid_event", path: "type" });
  throwsLoyalty(() => engine.applyParts("{}", "[]"), { document: "event" });
});

test("reserve, then commit or release", () => {
  let { account } = engine.apply(null, enrol);
  account = engine.apply(account, { type: "adjust", id: "adj", time: "2026-03-02T09:00:00-05:00", points: 200, staff: "s", reason: "test" }).account;
  const basket = [{ sku: "latte", category: "coffee", quantity: 1, unit_price: "4.75" }];
  const held = engine.reserve(account, { type: "reserve", id: "r1", time: "2026-03-02T09:01:00-05:00", reward: "five_off", basket });
  const reservation = held.outcome.reservation.id;
  assert.equal(held.account.points.reserved, 100);
  const committed = engine.commit(held.account, { type: "commit", id: "c1", time: "2026-03-02T09:02:00-05:00", reservation });
  assert.equal(committed.account.points.reserved ?? 0, 0); // zero counters are left out of the JSON
  assert.equal(committed.account.points.balance, 120);
  const released = engine.release(held.account, { type: "release", id: "c1", time: "2026-03-02T09:02:00-05:00", reservation });
  assert.equal(released.account.points.balance, 220);
  throwsLoyalty(() => engine.commit(held.account, { type: "release", id: "c2", time: "2026-03-02T09:02:00-05:00", reservation }), {
    path: "type",
  });
});

test("inputs JSON cannot express are errors, not traps", () => {
  throwsLoyalty(() => engine.apply(undefined, enrol), { code: "invalid_account_json", document: "account" });
  throwsLoyalty(() => engine.apply(null, undefined), { code: "invalid_event_json" });
  throwsLoyalty(() => engine.apply(null, { ...enrol, n: 1n }), { code: "invalid_event_json" });
  const cyclic = { ...enrol };
  cyclic.self = cyclic;
  throwsLoyalty(() => engine.apply(null, cyclic), { code: "invalid_event_json" });
  throwsLoyalty(() => engine.apply(null, () => 1), { code: "invalid_event_json" });
  throwsLoyalty(() => engine.apply(null, "enrol"), { code: "invalid_event_json" });
  throwsLoyalty(() => new Engine(null), { document: "program" });
});

test("hostile input always answers an envelope", () => {
  const { account } = engine.apply(null, enrol);
  const accountText = JSON.stringify(account);
  const seeds = [JSON.stringify(enrol), JSON.stringify(purchase), accountText, cafeText];
  let state = 12345;
  const rand = (n) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  const junk = ['"', "{", "}", "[", "]", ",", ":", "-", "1e999", "\\u0000", "null", "9".repeat(30), "é", "\u{1F600}"];
  const inputs = [
    "",
    " ",
    "[".repeat(100000),
    "{".repeat(40) + "}".repeat(40),
    `{"a":"${"x".repeat(1 << 21)}"}`,
    '"\\ud800"',
    JSON.stringify({ ...purchase, lines: Array.from({ length: 600 }, () => purchase.lines[0]) }),
    JSON.stringify({ ...purchase, lines: [{ ...purchase.lines[0], quantity: 2 ** 40, unit_price: "999999999999999.99999999" }] }),
  ];
  for (let i = 0; i < 3000; i++) {
    let s = seeds[rand(seeds.length)];
    for (let k = 0; k <= rand(4); k++) {
      const at = rand(s.length + 1);
      const op = rand(3);
      if (op === 0) s = s.slice(0, at) + junk[rand(junk.length)] + s.slice(at);
      else if (op === 1) s = s.slice(0, at) + s.slice(at + 1 + rand(8));
      else s = s.slice(0, at);
    }
    inputs.push(s);
  }
  for (const s of inputs) {
    for (const answer of [
      engine.applyJson(accountText, s),
      engine.applyJson(s, JSON.stringify(purchase)),
      engine.applyJson("null", s),
      engine.quoteJson(accountText, s),
      validateProgramJson(s),
    ]) {
      assert.ok(answer.startsWith('{"ok":'), answer.slice(0, 200));
      JSON.parse(answer);
    }
  }
});
