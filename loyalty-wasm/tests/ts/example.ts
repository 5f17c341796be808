// A TypeScript usage example, type-checked against the package's shipped
// .d.ts by `tsc --noEmit` (scripts/test-wasm.sh runs it in the repository and
// again in an empty project that installed the packed tarball).
import {
  Engine,
  validateProgram,
  type Account,
  type Applied,
  type Event as LoyaltyEvent,
  type LoyaltyError,
  type Outcome,
  type Program,
  type PurchaseEvent,
  type Quote,
} from "loyalty-wasm";

const program: Program = {
  name: "Corner Café",
  currency: "USD",
  rules: [
    { id: "base", earn: { type: "points_per_amount", rate: "1" } },
    { id: "coffee", earn: { type: "stamps_per_unit", stamps: 1, matching: { categories: ["coffee"] } } },
  ],
  stamps: { card_size: 10, reward: "free_coffee" },
  rewards: [
    {
      id: "free_coffee",
      cost: { type: "voucher" },
      benefit: { type: "free_item", matching: { categories: ["coffee"] } },
    },
  ],
};

const summary: { name: string; currency: string } = validateProgram(program);
const engine = new Engine(program);

const enrol: LoyaltyEvent = { type: "enrol", id: "e1", member: "m-1", time: "2026-03-02T08:00:00-05:00" };
const latte: PurchaseEvent = {
  type: "purchase",
  id: "p1",
  time: "2026-03-02T08:01:00-05:00",
  lines: [{ sku: "latte", category: "coffee", quantity: 2, unit_price: "4.75" }],
};

let account: Account | null = null;
const joined: Applied = engine.apply(account, enrol);
account = joined.account;
const quote: Quote = engine.quote(account, latte);
const { account: next, outcome }: { account: Account; outcome: Outcome } = engine.apply(account, latte);
// Fields with a default are optional in the (input) schema the types come from.
const points: number = (next.points?.balance ?? 0) + quote.points;
const stamps: number = next.stamps?.count ?? 0;
const status: "applied" | "duplicate" | string = outcome.status;

try {
  engine.apply(next, { ...latte, id: "p2", lines: [] });
} catch (e) {
  const err = e as LoyaltyError;
  const where: string = `${err.document} ${err.path}: ${err.code} (${err.kind}) ${err.message}`;
  console.log(where);
}

// The JSON-string door: envelopes, byte for byte.
const envelope: string = engine.applyJson(JSON.stringify(next), JSON.stringify({ ...latte, id: "p3" }));
const parts: { account: string; outcome: string } = engine.applyParts("null", JSON.stringify(enrol));

// The types are real, not `any`.
// @ts-expect-error quantity is a number
const badLine: PurchaseEvent = { ...latte, lines: [{ sku: "x", quantity: "2", unit_price: "1" }] };
// @ts-expect-error no such event type
const badEvent: LoyaltyEvent = { type: "refund", id: "x", time: "2026-03-02T08:00:00Z" };
// @ts-expect-error unknown field in a program
const badProgram: Program = { ...program, colour: "red" };
// @ts-expect-error quote takes a purchase
engine.quote(account, enrol);
// @ts-expect-error reserve takes a reserve event
engine.reserve(account, latte);

console.log(summary, points, stamps, status, envelope.length, parts.account.length, badLine, badEvent, badProgram);
