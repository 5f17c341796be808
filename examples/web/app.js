// The member card demo: the café program running in the page through the
// `loyalty-wasm` package (its `web` build). Every number on the card comes
// from the engine's account; the page only draws it.
import init, { Engine, version } from "loyalty-wasm/web";

const MENU = [
  { sku: "latte", name: "Latte", category: "coffee", unit_price: "4.75" },
  { sku: "cappuccino", name: "Cappuccino", category: "coffee", unit_price: "4.50" },
  { sku: "croissant", name: "Croissant", category: "pastry", unit_price: "3.50" },
  { sku: "muffin", name: "Muffin", category: "pastry", unit_price: "3.25" },
  { sku: "green_tea", name: "Green tea", category: "tea", unit_price: "3.00" },
  { sku: "mug", name: "Café mug", category: "merch", unit_price: "12.00" },
];
const STORAGE_KEY = "loyalty-demo-account";
const MEMBER = "demo-member";

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

let engine;
let program;
let account = null;
let basket = new Map(); // sku -> quantity
let eventNo = 0;

/** RFC 3339 time for the next event: now, but never before the account's last event. */
function nextTime() {
  const last = account?.last_event_at ? Date.parse(account.last_event_at) : 0;
  const t = Math.max(Math.floor(Date.now() / 1000) * 1000, last + 1000);
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
}
const eventId = (kind) => `${kind}-${Date.now().toString(36)}-${++eventNo}`;

function apply(event) {
  const { account: next, outcome } = engine.apply(account, event);
  account = next;
  localStorage.setItem(STORAGE_KEY, JSON.stringify(account));
  return outcome;
}

function showError(e) {
  const box = $("error");
  box.hidden = false;
  box.textContent = e.code ? `${e.code} at ${e.document} ${e.path || "."}: ${e.message}` : String(e);
}

function enrol() {
  account = null;
  localStorage.removeItem(STORAGE_KEY);
  apply({ type: "enrol", id: eventId("enrol"), member: MEMBER, time: nextTime() });
}

function purchaseEvent() {
  const lines = [...basket].map(([sku, quantity]) => {
    const item = MENU.find((m) => m.sku === sku);
    return { sku, category: item.category, quantity, unit_price: item.unit_price };
  });
  return { type: "purchase", id: eventId("purchase"), time: nextTime(), lines };
}

const rewardName = (id) => program.rewards?.find((r) => r.id === id)?.name ?? id;

function renderCard() {
  $("program-name").textContent = program.name;
  $("member").textContent = account.member;
  const p = account.points;
  $("points-balance").textContent = String(p.balance);
  const detail = [];
  if (p.pending) detail.push(`${p.pending} pending`);
  if (p.reserved) detail.push(`${p.reserved} reserved`);
  if (p.debt) detail.push(`${p.debt} owed`);
  $("points-detail").textContent = detail.join(" · ");

  const size = program.stamps?.card_size ?? 0;
  const count = account.stamps.count;
  $("stamp-count").textContent = size ? `${count} / ${size}` : String(count);
  $("stamp-grid").replaceChildren(
    ...Array.from({ length: size }, (_, i) => el("li", { className: i < count ? "filled" : "", textContent: i < count ? "✓" : "" })),
  );
  const done = account.stamps.cards_completed ?? 0; // left out of the JSON while zero
  $("stamp-note").textContent = program.stamps
    ? `${done} card${done === 1 ? "" : "s"} completed · a full card gives: ${rewardName(program.stamps.reward)}`
    : "";

  // Tiers: drawn from the program when it has them; the core has none yet.
  const tiers = Array.isArray(program.tiers) ? program.tiers : [];
  $("tiers").replaceChildren(
    tiers.length
      ? el("ul", { className: "list" }, ...tiers.map((t) => el("li", { textContent: t.name ?? t.id ?? JSON.stringify(t) })))
      : el("p", { className: "placeholder", id: "tiers-placeholder", textContent: "This program has no tiers yet." }),
  );

  $("vouchers").replaceChildren(
    ...(account.vouchers ?? []).map((v) =>
      el("li", {
        className: "voucher",
        textContent: `${rewardName(v.reward)}${v.expires_at ? ` (until ${v.expires_at.slice(0, 10)})` : ""}`,
      }),
    ),
  );
  $("rewards").replaceChildren(
    ...(program.rewards ?? [])
      .filter((r) => r.cost.type === "points")
      .map((r) => {
        const short = r.cost.points - p.balance;
        return el("li", {
          className: short <= 0 ? "ok" : "locked",
          textContent: `${r.name ?? r.id}: ${r.cost.points} pts${short > 0 ? ` (${short} to go)` : ""}`,
        });
      }),
  );
}

function renderBasket() {
  const items = [...basket];
  $("basket").replaceChildren(
    ...(items.length
      ? items.map(([sku, q]) => {
          const item = MENU.find((m) => m.sku === sku);
          return el("li", { textContent: `${q} × ${item.name}` });
        })
      : [el("li", { className: "empty", textContent: "Empty: add something above." })]),
  );
  const cents = items.reduce((sum, [sku, q]) => sum + q * Math.round(Number(MENU.find((m) => m.sku === sku).unit_price) * 100), 0);
  $("total").textContent = (cents / 100).toFixed(2);
  $("pay").disabled = items.length === 0;
  if (items.length === 0) {
    $("quote").textContent = "";
    return;
  }
  try {
    const q = engine.quote(account, purchaseEvent());
    const parts = [`${q.points} points`];
    if (q.stamps) parts.push(`${q.stamps} stamp${q.stamps === 1 ? "" : "s"}`);
    if (q.vouchers) parts.push(`${q.vouchers} voucher${q.vouchers === 1 ? "" : "s"}`);
    $("quote").textContent = `Paying earns ${parts.join(", ")}.`;
  } catch (e) {
    showError(e);
  }
}

function pay() {
  $("error").hidden = true;
  try {
    const outcome = apply(purchaseEvent());
    const points = outcome.awards.reduce((s, a) => s + (a.points ?? 0), 0);
    const stamps = outcome.awards.reduce((s, a) => s + (a.stamps ?? 0), 0);
    const vouchers = outcome.vouchers?.length ?? 0;
    $("last").textContent =
      `Paid: +${points} points, +${stamps} stamps` + (vouchers ? `, ${vouchers} new voucher${vouchers === 1 ? "" : "s"}!` : ".");
    basket = new Map();
  } catch (e) {
    showError(e);
  }
  renderBasket();
  renderCard();
}

async function main() {
  await init();
  $("version").textContent = version();
  program = await (await fetch("../programs/cafe.json")).json();
  engine = new Engine(program);
  program = engine.program(); // with every default filled in

  const saved = localStorage.getItem(STORAGE_KEY);
  try {
    account = saved ? JSON.parse(saved) : null;
    if (account === null) enrol();
  } catch {
    enrol();
  }

  $("menu").replaceChildren(
    ...MENU.map((item) => {
      const button = el("button", { type: "button" }, item.name, el("small", { textContent: `$${item.unit_price} · ${item.category}` }));
      button.dataset.sku = item.sku;
      button.onclick = () => {
        basket.set(item.sku, (basket.get(item.sku) ?? 0) + 1);
        renderBasket();
      };
      return el("li", {}, button);
    }),
  );
  $("pay").onclick = pay;
  $("clear").onclick = () => {
    basket = new Map();
    renderBasket();
  };
  $("reset").onclick = () => {
    enrol();
    $("last").textContent = "Welcome! A new member card.";
    renderCard();
  };
  renderCard();
  renderBasket();
  document.body.dataset.ready = "true";
}

main().catch(showError);
