// Differential driver: replays event streams through the npm package
// (its JSON-string calls) and writes one envelope per event, for
// scripts/test-differential.sh to compare byte for byte with the Rust and C
// answers.
//
// Usage: node differential.mjs PROGRAMS_DIR STREAMS_DIR OUT_DIR
// Each stream's first line names the program file; each further line is an
// event. The account of each success is carried to the next event.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "loyalty-wasm";

const [programs, streams, out] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
let count = 0;
for (const name of readdirSync(streams).filter((n) => n.endsWith(".jsonl")).sort()) {
  const lines = readFileSync(join(streams, name), "utf8").split("\n");
  if (lines.at(-1) === "") lines.pop();
  const engine = Engine.fromJson(readFileSync(join(programs, lines[0]), "utf8"));
  let account = "null";
  const answers = [];
  for (const event of lines.slice(1)) {
    const answer = engine.applyJson(account, event);
    if (answer.startsWith('{"ok":true,')) {
      // The exact bytes of the envelope's last member, as the C and Rust drivers do.
      account = answer.slice(answer.lastIndexOf(',"account":') + ',"account":'.length, -1);
    }
    answers.push(answer);
    count++;
  }
  writeFileSync(join(out, name.replace(/\.jsonl$/, ".out")), answers.join("\n") + "\n");
}
console.log(`differential (npm): ${count} answers written`);
