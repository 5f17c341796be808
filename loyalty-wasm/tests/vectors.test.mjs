// Replays every conformance vector of tests/vectors/ through the npm package
// (its JSON-string calls) and compares each answer byte for byte with
// expected.jsonl, exactly as loyalty-core/tests/vectors.rs does. It also
// checks that the typed calls (plain objects in and out) give the same
// answers as the JSON-string calls for the same bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Engine, validateProgramJson } from "loyalty-wasm";

const vectorsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "tests", "vectors");
const read = (path, fallback) => (existsSync(path) ? readFileSync(path, "utf8") : fallback);

/** The steps of events.jsonl, split like Rust's `str::lines` and filtered like the Rust runner. */
function steps(text) {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  if (lines.at(-1) === "") lines.pop();
  return lines.filter((l) => l.trim() !== "");
}

/** Run one vector folder; returns the lines of its expected file. */
function run(dir) {
  const program = readFileSync(join(dir, "program.json"), "utf8");
  let account = read(join(dir, "account.json"), "null").trim();
  const lines = [validateProgramJson(program)];
  let engine = null;
  try {
    engine = Engine.fromJson(program);
  } catch (e) {
    assert.equal(e.name, "LoyaltyError");
  }
  for (const step of steps(read(join(dir, "events.jsonl"), ""))) {
    if (engine === null) break;
    if (step.startsWith('{"quote": ')) {
      const rest = step.slice('{"quote": '.length);
      assert.ok(rest.endsWith("}"), "a quote line ends with }");
      const purchase = rest.slice(0, -1);
      const answer = engine.quoteJson(account, purchase);
      checkTypedQuote(engine, account, purchase, answer);
      lines.push(answer);
      continue;
    }
    const answer = engine.applyJson(account, step);
    checkTypedApply(engine, account, step);
    let parts = null;
    try {
      parts = engine.applyParts(account, step);
    } catch (e) {
      assert.equal(e.name, "LoyaltyError");
      assert.ok(answer.startsWith('{"ok":false,"error":'), answer);
      assert.deepEqual(fields(e), JSON.parse(answer).error);
    }
    if (parts !== null) {
      assert.ok(answer.endsWith(`,"account":${parts.account}}`));
      assert.equal(answer, `{"ok":true,"outcome":${parts.outcome},"account":${parts.account}}`);
      account = parts.account;
    }
    lines.push(answer);
  }
  lines.push(account);
  return lines;
}

/** The envelope fields of a thrown LoyaltyError. */
const fields = (e) => ({ kind: e.kind, code: e.code, document: e.document, path: e.path, message: e.message });

/** `JSON.stringify(JSON.parse(text))`, or null if the text is not JSON. */
function normalize(text) {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return null;
  }
}

/** The typed `apply` answers what `applyJson` answers for the same (normalized) bytes. */
function checkTypedApply(engine, account, step) {
  const [a, e] = [normalize(account), normalize(step)];
  if (a === null || e === null) return;
  const want = JSON.parse(engine.applyJson(a, e));
  try {
    const got = engine.apply(JSON.parse(a), JSON.parse(e));
    assert.ok(want.ok, "typed apply succeeded where applyJson failed");
    assert.equal(JSON.stringify(got.outcome), JSON.stringify(want.outcome));
    assert.equal(JSON.stringify(got.account), JSON.stringify(want.account));
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    assert.equal(want.ok, false, `typed apply threw ${err}`);
    assert.ok(err instanceof Error);
    assert.deepEqual(fields(err), want.error);
  }
}

function checkTypedQuote(engine, account, purchase, answer) {
  const [a, p] = [normalize(account), normalize(purchase)];
  if (a === null || p === null) return;
  const want = JSON.parse(engine.quoteJson(a, p));
  try {
    const got = engine.quote(JSON.parse(a), JSON.parse(p));
    assert.ok(want.ok);
    assert.equal(JSON.stringify(got), JSON.stringify(want.quote));
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    assert.equal(want.ok, false, `typed quote threw ${err}`);
    assert.deepEqual(fields(err), want.error);
  }
  if (a === account && p === purchase) assert.equal(JSON.stringify(want), answer);
}

const dirs = existsSync(vectorsDir)
  ? readdirSync(vectorsDir)
      .map((name) => join(vectorsDir, name))
      .filter((p) => statSync(p).isDirectory())
      .sort()
  : [];

test("conformance vectors exist", { skip: dirs.length === 0 && "no vector folders yet" }, () => {
  assert.ok(dirs.length > 0);
});

for (const dir of dirs) {
  test(`vector ${dir.split(/[\\/]/).at(-1)}`, () => {
    const got = run(dir).join("\n") + "\n";
    const want = read(join(dir, "expected.jsonl"), "");
    if (got !== want) {
      const [w, g] = [want.split("\n"), got.split("\n")];
      const line = w.findIndex((l, i) => l !== g[i]);
      assert.fail(`line ${line + 1}\n  want: ${w[line] ?? "<missing>"}\n  got:  ${g[line] ?? "<missing>"}`);
    }
  });
}
