// Runs one browser scenario of scenarios/ against a running warden-server, in Debian's
// chromium driven by playwright-core, and prints what it reports as JSON.
//   node web/tests/run.mjs <scenario> [input JSON]
// Environment: WARDEN_URL (the server's HTTP base URL), WARDEN_ADMIN_PASSWORD,
// WARDEN_CHROMIUM (default /usr/bin/chromium), WARDEN_FAILURE_SCREENSHOT (where to leave a
// screenshot of the page when the scenario fails), WARDEN_TRUSTED_SPKI (optional: base64
// SHA-256 hashes of public keys, comma-separated, whose certificates chromium accepts from
// any issuer: the test OIDC provider's, see tests/oidc/README.md).
// Exit 0: passed; 1: the scenario failed (why on stderr). Any uncaught error in the page
// or Content-Security-Policy violation fails the scenario too.
import { chromium } from "playwright-core";

const [name, inputText = "{}"] = process.argv.slice(2);
const url = process.env.WARDEN_URL;
if (!name || !/^[a-z0-9-]+$/.test(name) || !url) {
  console.error("usage: WARDEN_URL=http://host:port node run.mjs <scenario> [input JSON]");
  process.exit(2);
}
const scenario = await import(`./scenarios/${name}.mjs`);
const trusted = process.env.WARDEN_TRUSTED_SPKI;
const browser = await chromium.launch({
  executablePath: process.env.WARDEN_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", ...(trusted ? [`--ignore-certificate-errors-spki-list=${trusted}`] : [])],
});
let page;
let exitCode = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: url });
  // Pages of the scenario: problems in any of them fail it.
  const problems = [];
  context.on("page", (p) => watch(p, problems));
  page = await context.newPage();
  const reported = await scenario.run({
    page,
    context,
    url,
    password: process.env.WARDEN_ADMIN_PASSWORD ?? "",
    input: JSON.parse(inputText),
  });
  if (problems.length > 0) throw new Error(`the page reported:\n  ${problems.join("\n  ")}`);
  process.stdout.write(JSON.stringify(reported ?? {}) + "\n");
} catch (error) {
  exitCode = 1;
  console.error(`scenario ${name} failed: ${error?.stack ?? error}`);
  const shot = process.env.WARDEN_FAILURE_SCREENSHOT;
  if (shot && page) await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}
process.exit(exitCode);

// Uncaught errors and CSP violations; failed requests the scenario provokes on purpose
// (a refused call answers 4xx, which Chromium also logs) are not problems.
function watch(p, problems) {
  p.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  p.on("console", (message) => {
    if (message.type() === "error" && /Content.Security.Policy/i.test(message.text())) {
      problems.push(`CSP: ${message.text()}`);
    }
  });
}
