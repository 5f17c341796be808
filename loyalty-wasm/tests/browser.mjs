// Browser test of the demo page (examples/web/) in headless Chromium, driven
// by playwright-core: load the page, add items, pay, read the new balance
// from the page, save a screenshot.
//
//   node loyalty-wasm/tests/browser.mjs [screenshot.png]
// CHROMIUM overrides the browser binary (default /usr/bin/chromium).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { repoRoot, serve } from "../../examples/web/serve.mjs";

const screenshot = resolve(process.argv[2] ?? join(repoRoot, "target", "loyalty-wasm-demo.png"));
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const profile = mkdtempSync(join(tmpdir(), "loyalty-chromium-"));
const server = await serve(0);
const url = `http://127.0.0.1:${server.address().port}/examples/web/`;
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1000, height: 720 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));

  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 15000 });
  const text = async (sel) => (await page.textContent(sel)).trim();

  assert.equal(await text("#program-name"), "Corner Café");
  assert.equal(await text("#points-balance"), "20", "welcome points after enrolment");
  assert.equal(await text("#stamp-count"), "0 / 10");
  assert.equal(await text("#tiers-placeholder"), "This program has no tiers yet.");

  // 2 lattes + 1 croissant = $13.00: 13 base points + 5 pastry points; 2 coffee stamps.
  await page.click('button[data-sku="latte"]');
  await page.click('button[data-sku="latte"]');
  await page.click('button[data-sku="croissant"]');
  assert.equal(await text("#total"), "13.00");
  assert.equal(await text("#quote"), "Paying earns 18 points, 2 stamps.");
  await page.click("#pay");
  await page.waitForFunction(() => document.getElementById("points-balance").textContent === "38");
  assert.equal(await text("#points-balance"), "38");
  assert.equal(await text("#stamp-count"), "2 / 10");
  assert.equal(await page.locator("#stamp-grid li.filled").count(), 2);
  assert.equal(await text("#last"), "Paid: +18 points, +2 stamps.");

  // A second, bigger basket: 8 coffees complete the card and earn a voucher; $36.00 >= $25 adds 50.
  for (let i = 0; i < 8; i++) await page.click('button[data-sku="cappuccino"]');
  await page.click("#pay");
  await page.waitForFunction(() => document.getElementById("points-balance").textContent !== "38");
  const balance = Number(await text("#points-balance"));
  assert.equal(balance, 38 + 36 + 50);
  assert.equal(await text("#stamp-count"), "0 / 10");
  assert.match(await text("#vouchers"), /A free coffee/);
  assert.match(await text("#rewards"), /A free pastry: 60 pts/);
  assert.equal(await page.isHidden("#error"), true, await text("#error"));

  // One more visit, and a basket waiting, for the picture.
  for (const sku of ["latte", "latte", "cappuccino", "muffin"]) await page.click(`button[data-sku="${sku}"]`);
  await page.click("#pay");
  await page.waitForFunction((before) => document.getElementById("points-balance").textContent !== before, String(balance));
  assert.equal(await text("#stamp-count"), "3 / 10");
  await page.click('button[data-sku="latte"]');
  await page.click('button[data-sku="croissant"]');
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  assert.deepEqual(problems, []);
  console.log(`browser test passed: balance ${balance} read from the page; screenshot ${screenshot}`);
} finally {
  await context?.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
