// Drive the built report site in headless Debian Chromium (playwright-core, no downloaded browser).
//   node tests/reports/browse_site.mjs <plan.json>
// The plan (written by test_site.py) names the build folder, the screenshot folder, the pages to open and
// the Cost Explorer selections to make. The script serves the folder with `serve` (Range requests) on
// 127.0.0.1, opens every page, waits until its browser-side queries have rendered, saves a full-page
// screenshot, and prints one JSON object with what it saw; the Python test compares it with the marts.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const reportsDir = path.resolve(here, '../../reports');
const require = createRequire(path.join(reportsDir, 'package.json'));
const { chromium } = require('playwright-core');

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const timeout = Number(process.env.BROWSE_TIMEOUT_MS ?? 90000);

const freePort = () =>
	new Promise((resolve) => {
		const server = net.createServer();
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(
	path.join(reportsDir, 'node_modules/.bin/serve'),
	['--no-clipboard', '--no-request-logging', '-l', `tcp://127.0.0.1:${port}`, plan.buildDir],
	{ stdio: 'ignore' }
);
const result = { port, pages: {}, explorer: {}, drilldown: {}, consoleErrors: [], failures: [] };
let browser;
let page;

/** Wait until the page's queries have run: no "Loading", charts drawn, then a moment for animations. */
async function settle() {
	await page.mouse.move(0, 0); // no hover tooltips left over from the last click
	await page.waitForTimeout(500);
	await page.waitForFunction(() => !document.body.innerText.includes('Loading...'), null, { timeout });
	await page.waitForTimeout(2000);
}

/** What a user sees on the current page: error boxes, charts with a size, visible table rows, headings. */
async function inspect(name) {
	await settle();
	await page.evaluate(() => window.scrollTo(0, 0));
	const seen = await page.evaluate(() => {
		const visible = (el) => {
			const box = el.getBoundingClientRect();
			return box.width > 0 && box.height > 0;
		};
		const charts = [...document.querySelectorAll('canvas')].filter(visible);
		return {
			title: document.title,
			h1: [...document.querySelectorAll('h1')].map((h) => h.innerText.trim()),
			errorBoxes: [...document.querySelectorAll('.bg-red-50')].filter(visible).map((e) => e.innerText.slice(0, 300)),
			charts: charts.length,
			emptyCharts: [...document.querySelectorAll('.chart, [class*="chart"]')]
				.filter((e) => visible(e) && /No Results|No records/i.test(e.innerText)).length,
			tableRows: [...document.querySelectorAll('table')]
				.filter(visible)
				.reduce((n, t) => n + t.querySelectorAll('tr:has(td)').length, 0),
			text: document.body.innerText
		};
	});
	await page.screenshot({ path: path.join(plan.artifacts, `${name}.png`), fullPage: true });
	const { text, ...summary } = seen;
	summary.hasErrorText = /\bSQL Error\b|Error in query|is not defined/i.test(text);
	result.pages[name] = summary;
	return text;
}

const testid = async (id) => (await page.locator(`[data-testid="${id}"]`).first().innerText()).trim();

async function explorerTotals() {
	await settle();
	return {
		aws_cost: await testid('total-aws-cost'),
		invoiced: await testid('total-invoiced'),
		margin: await testid('total-margin')
	};
}

/** Open the "Accounts" multi-select and toggle the named options: type into its search box, click the match. */
async function toggleAccounts(labels) {
	await page.getByRole('combobox').filter({ hasText: 'Accounts' }).first().click();
	const search = page.getByPlaceholder('Accounts');
	for (const label of labels) {
		await search.fill(label);
		const option = page.locator('[data-cmdk-item]').filter({ hasText: label }).first();
		await option.waitFor({ timeout });
		await option.click();
		await page.waitForTimeout(500);
	}
	await search.fill('');
	await page.keyboard.press('Escape');
}

try {
	for (let i = 0; i < 100; i++) {
		if (await fetch(`${base}/`).then(() => true, () => false)) break;
		await new Promise((r) => setTimeout(r, 200));
	}
	browser = await chromium.launch({
		executablePath: chromiumPath,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run'
		]
	});
	page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, timezoneId: 'UTC' });
	page.setDefaultTimeout(timeout);
	page.on('console', (msg) => msg.type() === 'error' && result.consoleErrors.push(msg.text()));
	page.on('pageerror', (err) => result.consoleErrors.push(String(err)));

	for (const [name, url] of Object.entries(plan.pages)) {
		await page.goto(base + url, { waitUntil: 'networkidle' });
		await inspect(name);
	}

	// Cost Explorer: all accounts, then a payer (all its linked accounts) plus one more linked account,
	// then the "Last Year" range, then quarters.
	await page.goto(`${base}/cost-explorer`, { waitUntil: 'networkidle' });
	result.explorer.all = await explorerTotals();
	await toggleAccounts(['All accounts', plan.payerOption, plan.accountOption]);
	result.explorer.selection = await explorerTotals();
	await page.getByRole('combobox').filter({ hasText: 'All Time' }).first().click();
	await page.getByRole('option', { name: 'Last Year', exact: true }).click();
	result.explorer.selectionLastYear = await explorerTotals();
	await page.getByRole('button', { name: 'Quarter', exact: true }).click();
	await settle();
	result.explorer.quarterRows = await page
		.locator('table:visible')
		.first()
		.locator('tr:has(td)')
		.allInnerTexts();
	await inspect('cost-explorer-selection');

	// Drill-down: click the selected linked account's row in the accounts table, land on its page.
	const firstRow = page.locator('table:visible tr:has(td)').filter({ hasText: plan.drillAccount }).first();
	await firstRow.click();
	await page.waitForURL(/\/cost-explorer\/accounts\//, { timeout });
	result.drilldown.url = page.url();
	const text = await inspect('cost-explorer-account-drilldown');
	result.drilldown.mentionsAccount = text.includes(plan.drillAccount);
} catch (err) {
	result.failures.push(String(err?.stack ?? err));
	await page?.screenshot({ path: path.join(plan.artifacts, 'failed.png'), fullPage: true }).catch(() => {});
} finally {
	await browser?.close();
	server.kill();
}
console.log(JSON.stringify(result, null, 1));
process.exit(result.failures.length ? 1 : 0);
