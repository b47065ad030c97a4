// Open the built report site in headless Chromium and check what a user sees.
//   node tests/reports/browse_site.mjs <build dir> <screenshot.png> [expected text ...]
// Serves the folder with `serve` (reports' devDependency) on 127.0.0.1, waits until the page's
// browser-side queries have rendered (table rows, no "Loading"), clicks the "Needs review"
// filter, writes a full-page screenshot and prints a JSON summary. Exit 1 when a check fails.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const reportsDir = path.resolve(here, '../../reports');
const require = createRequire(path.join(reportsDir, 'package.json'));
const { chromium } = require('playwright-core');

const [buildDir, screenshot, ...expected] = process.argv.slice(2);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const freePort = () =>
	new Promise((resolve) => {
		const server = net.createServer();
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});

const port = await freePort();
const server = spawn(
	path.join(reportsDir, 'node_modules/.bin/serve'),
	['--no-clipboard', '--no-request-logging', '-l', `tcp://127.0.0.1:${port}`, buildDir],
	{ stdio: 'ignore' }
);
const failures = [];
const consoleErrors = [];
let browser;
let page;
try {
	for (let i = 0; i < 50; i++) {
		const up = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
		if (up) break;
		await new Promise((r) => setTimeout(r, 200));
	}
	browser = await chromium.launch({
		executablePath: chromiumPath,
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
	});
	page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
	page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
	page.on('pageerror', (err) => consoleErrors.push(String(err)));
	await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'networkidle' });
	await page.locator('table:visible tr:has(td)').first().waitFor({ timeout: Number(process.env.BROWSE_TIMEOUT_MS ?? 60000) });
	await page.waitForFunction(() => !document.body.innerText.includes('Loading...'), null, { timeout: 60000 });
	await page.waitForTimeout(1500); // charts animate in
	const text = await page.innerText('body');
	for (const want of expected) if (!text.includes(want)) failures.push(`missing text: ${want}`);
	const charts = await page.locator('canvas, svg').count();
	const tableRows = await page.locator('table:visible tr:has(td)').count();
	await page.screenshot({ path: screenshot, fullPage: true });

	// The decision filter narrows the POD table to one decision.
	await page.getByRole('button', { name: 'Needs review' }).click();
	await page.waitForTimeout(1500);
	await page.evaluate(() => window.scrollTo(0, 0)); // the fixed header would be captured mid-page
	const decisions = await page
		.locator('table:visible')
		.last()
		.locator('tr td')
		.allInnerTexts();
	const otherDecisions = decisions.filter((t) => t.includes('Auto-approve') || t.includes('Auto-reject'));
	if (!decisions.some((t) => t.includes('Needs review'))) failures.push('filter shows no "Needs review" rows');
	if (otherDecisions.length) failures.push(`filter left ${otherDecisions.length} other decisions`);
	await page.screenshot({ path: screenshot.replace(/\.png$/, '-needs-review.png'), fullPage: true });

	console.log(JSON.stringify({ port, tableRows, charts, consoleErrors, failures }, null, 1));
} catch (err) {
	failures.push(String(err));
	await page?.screenshot({ path: screenshot.replace(/\.png$/, '-failed.png'), fullPage: true }).catch(() => {});
	console.log(JSON.stringify({ port, consoleErrors, failures }, null, 1));
} finally {
	await browser?.close();
	server.kill();
}
process.exit(failures.length ? 1 : 0);
