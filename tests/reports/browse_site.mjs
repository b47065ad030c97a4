// Drive the built report site in headless Debian Chromium (playwright-core, no downloaded browser).
//   node tests/reports/browse_site.mjs <plan.json>
// The plan (written by test_site.py) names the build folder, the screenshot folder, the pages to open and
// the Cost Explorer selections to make. The script serves the folder with `serve` (Range requests) on
// 127.0.0.1, opens every page, waits until its browser-side queries have rendered, saves a full-page
// screenshot, and prints one JSON object with what it saw; the Python test compares it with the marts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launchChromium, openUntilInteractive, serveBuild } from './site_server.mjs';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const timeout = Number(process.env.BROWSE_TIMEOUT_MS ?? 90000);

const site = await serveBuild(plan.buildDir);
const { port, base } = site;
const result = {
	port,
	pages: {},
	explorer: {},
	drilldown: {},
	serviceDrill: {},
	payer: {},
	accountPicker: {},
	missing: {},
	pod: {},
	interactiveMs: {},
	consoleErrors: [],
	failures: []
};
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
			// tables cut off at the window's width: a scroll box around the table wider than its box, or a
			// table reaching past the window's right edge (the test runs at 1366 px, a common laptop width)
			cutTables: [...document.querySelectorAll('table')].filter(visible).flatMap((table) => {
				let box = table.parentElement;
				while (box && box !== document.body) {
					const style = getComputedStyle(box);
					if (style.overflowX !== 'visible' && box.scrollWidth > box.clientWidth + 1) break;
					box = box.parentElement;
				}
				const scrolls = box && box !== document.body;
				const pastEdge = table.getBoundingClientRect().right > window.innerWidth + 1;
				if (!scrolls && !pastEdge) return [];
				const headers = [...table.querySelectorAll('th')].map((h) => h.innerText.trim()).filter(Boolean);
				return [{ headers, tableWidth: Math.round(table.scrollWidth), boxWidth: scrolls ? box.clientWidth : window.innerWidth }];
			}),
			pageWidth: document.documentElement.scrollWidth,
			windowWidth: window.innerWidth,
			downloadButtons: [...document.querySelectorAll('button')].filter((b) => /^Download .*\(CSV\)/.test(b.getAttribute('aria-label') ?? '')).length,
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

/** The Cost Explorer totals once they stop changing (queries rerun in the browser after every pick). */
async function explorerTotals(previous = undefined) {
	await settle();
	const read = async () => ({
		aws_cost: await testid('total-aws-cost'),
		invoiced: await testid('total-invoiced'),
		margin: await testid('total-margin')
	});
	let last = await read();
	// after a pick the numbers must move: wait (up to 30 s) until they differ from the previous view
	for (let i = 0; previous && JSON.stringify(last) === JSON.stringify(previous) && i < 60; i++) {
		await page.waitForTimeout(500);
		last = await read();
	}
	for (let stable = 0, i = 0; stable < 3 && i < 60; i++) {
		await page.waitForTimeout(500);
		const now = await read();
		stable = JSON.stringify(now) === JSON.stringify(last) ? stable + 1 : 0;
		last = now;
	}
	return last;
}

/** Open the multi-select titled `title` and toggle the named options: type into its search box, click the match. */
async function toggleOptions(title, labels) {
	await page.getByRole('combobox').filter({ hasText: title }).first().click();
	const search = page.getByPlaceholder(title);
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

/** Open the single-select titled `title` (its button shows the title) and pick the option labelled exactly `label`. */
async function pickOption(title, label) {
	await page.locator('button[role="combobox"]').filter({ hasText: title }).first().click();
	const search = page.getByPlaceholder(title);
	await search.fill(label);
	const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
	const option = page.locator('[data-cmdk-item]').filter({ hasText: exact }).first();
	await option.waitFor({ timeout });
	await option.click();
	await page.keyboard.press('Escape').catch(() => {});
	await page.waitForTimeout(500);
}

try {
	await site.ready();
	browser = await launchChromium();
	page = await browser.newPage({ viewport: { width: 1366, height: 1000 }, timezoneId: 'UTC' });
	page.setDefaultTimeout(timeout);
	page.on('console', (msg) => msg.type() === 'error' && result.consoleErrors.push(msg.text()));
	page.on('pageerror', (err) => result.consoleErrors.push(String(err)));

	if (!plan.interactiveOnly) await browseAndCheck();

	// Time to interactive of every page, from a local server: navigation until the queries have rendered.
	// Only for the benchmark (tests/reports/benchmark_site_interactive.py): the tests do not time pages.
	if (plan.measureInteractive || plan.interactiveOnly) {
		for (let round = 0; round < (plan.rounds ?? 1); round++) {
			for (const [name, url] of Object.entries(plan.pages)) {
				try {
					const { interactiveMs } = await openUntilInteractive(page, base + url, timeout);
					(result.interactiveMs[name] ??= []).push(interactiveMs);
				} catch (err) {
					// one page that never becomes interactive is reported, the others are still timed
					(result.interactiveMs[name] ??= []).push(null);
					result.failures.push(`${name}: ${String(err?.message ?? err).split('\n')[0]}`);
				}
			}
		}
	}
} catch (err) {
	result.failures.push(String(err?.stack ?? err));
	await page?.screenshot({ path: path.join(plan.artifacts, 'failed.png'), fullPage: true }).catch(() => {});
} finally {
	await browser?.close();
	site.stop();
}
console.log(JSON.stringify(result, null, 1));
process.exit(result.failures.length ? 1 : 0);

/** Every page, the Cost Explorer selections, the drill-down and the POD pages, as the tests check them. */
async function browseAndCheck() {
	for (const [name, url] of Object.entries(plan.pages)) {
		await page.goto(base + url, { waitUntil: 'networkidle' });
		await inspect(name);
	}

	// Cost Explorer, latest month only (from the URL): the open month is marked and has no margin.
	await page.goto(`${base}/cost-explorer/?period=latest_1`, { waitUntil: 'networkidle' });
	await explorerTotals();
	result.explorer.latestHeaders = await page.locator('table:visible').first().locator('th').allInnerTexts();
	result.explorer.latestRows = await page.locator('table:visible').first().locator('tr:has(td)').allInnerTexts();
	result.explorer.latestCells = await page.locator('table:visible').first().locator('tr:has(td)').first().locator('td').allInnerTexts();

	// Cost Explorer: all accounts, then a payer (all its linked accounts) plus one more linked account (picking
	// them clears "All accounts"), then last year from the period picker, then quarters, then group by payer.
	await page.goto(`${base}/cost-explorer/`, { waitUntil: 'networkidle' });
	result.explorer.all = await explorerTotals();
	await toggleOptions('Accounts', [plan.payerOption, plan.accountOption]);
	result.explorer.selection = await explorerTotals(result.explorer.all);
	await pickOption('Period', String(plan.lastYear));
	result.explorer.selectionLastYear = await explorerTotals(result.explorer.selection);
	await page.getByRole('button', { name: 'Quarter', exact: true }).click();
	await settle();
	result.explorer.quarterRows = await page
		.locator('table:visible')
		.first()
		.locator('tr:has(td)')
		.allInnerTexts();
	await page.getByRole('button', { name: 'Payer', exact: true }).click();
	await settle();
	result.explorer.groupRows = await page.locator('[data-testid="groups"] table:visible tr:has(td)').allInnerTexts();
	result.explorer.url = page.url();
	result.explorer.downloadButtons = await page.getByRole('button', { name: /^Download .*\(CSV\)/ }).count();
	await inspect('cost-explorer-selection');

	// The URL is the shared view: open it afresh and get the same numbers.
	await page.goto(result.explorer.url, { waitUntil: 'networkidle' });
	result.explorer.shared = await explorerTotals();
	result.explorer.sharedQuarterRows = await page.locator('table:visible').first().locator('tr:has(td)').allInnerTexts();

	// Drill-down: click the selected linked account's row in the accounts table, land on the one account page
	// with the account and the period in the URL, then pick a service for its month series.
	const firstRow = page.locator('[data-testid="accounts"] table:visible tr:has(td)').filter({ hasText: plan.drillAccount }).first();
	await firstRow.click();
	await page.waitForURL(/\/cost-explorer\/account\/\?/, { timeout });
	result.drilldown.url = page.url();
	const text = await inspect('cost-explorer-account-drilldown');
	result.drilldown.mentionsAccount = text.includes(plan.drillAccount);
	result.drilldown.summary = await testid('account-summary');
	await pickOption('Service', plan.drillService);
	await settle();
	result.drilldown.serviceUrl = page.url();
	result.drilldown.monthRows = await page.locator('[data-testid="month-series"] table:visible').first().locator('tr:has(td)').allInnerTexts();

	// Service rows are clickable: the account's service row opens that service's month series for the account.
	await page.locator('[data-testid="account-services"] table:visible tr:has(td)').first().click();
	await page.waitForURL(/\/cost-explorer\/service\/\?/, { timeout });
	result.drilldown.serviceOfAccountUrl = page.url();
	await inspect('cost-explorer-service-of-account');
	result.drilldown.serviceOfAccountSummary = await testid('service-summary');
	result.drilldown.serviceOfAccountMonthRows = await page.locator('[data-testid="service-month-series"] table:visible tr:has(td)').allInnerTexts();

	// Service -> accounts: the Cost Explorer grouped by service (last year), click the largest service, then an
	// account using it: the account page opens with the service's month series and the year carried.
	await page.goto(`${base}/cost-explorer/?period=Y:${plan.lastYear}`, { waitUntil: 'networkidle' });
	await explorerTotals();
	result.serviceDrill.firstGroupRow = (await page.locator('[data-testid="groups"] table:visible tr:has(td)').first().innerText()).trim();
	await page.locator('[data-testid="groups"] table:visible tr:has(td)').first().click();
	await page.waitForURL(/\/cost-explorer\/service\/\?/, { timeout });
	result.serviceDrill.url = page.url();
	await inspect('cost-explorer-service');
	result.serviceDrill.accountRows = await page.locator('[data-testid="service-accounts"] table:visible tr:has(td)').allInnerTexts();
	await page.locator('[data-testid="service-accounts"] table:visible tr:has(td)').first().click();
	await page.waitForURL(/\/cost-explorer\/account\/\?/, { timeout });
	result.serviceDrill.accountUrl = page.url();
	await settle();
	result.serviceDrill.monthRows = await page.locator('[data-testid="month-series"] table:visible').first().locator('tr:has(td)').allInnerTexts();

	// A payer view: group by payer, click the payer's row, land on the payer page with its linked accounts.
	await page.goto(`${base}/cost-explorer/?groupby=payer`, { waitUntil: 'networkidle' });
	await explorerTotals();
	await page.locator('[data-testid="groups"] table:visible tr:has(td)').filter({ hasText: plan.payer }).first().click();
	await page.waitForURL(/\/cost-explorer\/payer\/\?/, { timeout });
	result.payer.url = page.url();
	await inspect('cost-explorer-payer');
	result.payer.summary = await testid('payer-summary');
	result.payer.accountRows = await page.locator('[data-testid="payer-accounts"] table:visible tr:has(td)').allInnerTexts();

	// The account page's picker is grouped: payer -> its linked accounts; typing a payer id lists that payer's accounts.
	await page.goto(`${base}/cost-explorer/account/?account=${plan.drillAccount}`, { waitUntil: 'networkidle' });
	await settle();
	const pickerTitle = 'Linked account';
	const pickerLabels = async (typed) => {
		await page.locator('button[role="combobox"]').filter({ hasText: pickerTitle }).first().click();
		await page.getByPlaceholder(pickerTitle).fill(typed);
		await page.waitForTimeout(500);
		const labels = (await page.locator('[data-cmdk-item]').allInnerTexts()).map((t) => t.trim()).slice(0, 10);
		await page.keyboard.press('Escape').catch(() => {});
		await page.waitForTimeout(300);
		return labels;
	};
	result.accountPicker = { byPayer: await pickerLabels(plan.payer), all: await pickerLabels('') };

	// An id the site's data does not hold says so (instead of waiting on "Pick ... above").
	await page.goto(`${base}/cost-explorer/account/?account=000000000000`, { waitUntil: 'networkidle' });
	await settle();
	result.missing.account = await page.locator('[data-testid="account-missing"]').innerText().catch(() => '');
	await page.goto(`${base}/pod/opportunity/?opportunity=O-NOT-THERE`, { waitUntil: 'networkidle' });
	await settle();
	result.missing.opportunity = await page.locator('[data-testid="opportunity-missing"]').innerText().catch(() => '');

	// POD: search the opportunities list, click the opportunity, land on the one detail page.
	await page.goto(`${base}/pod/opportunities/`, { waitUntil: 'networkidle' });
	await settle();
	await page.getByPlaceholder('Opportunity id, customer, title, lead or owner').fill(plan.opportunity);
	await settle();
	result.pod.searchRows = await page.locator('table:visible tr:has(td)').allInnerTexts();
	await page.locator('table:visible tr:has(td)').filter({ hasText: plan.opportunity }).first().click();
	await page.waitForURL(/\/pod\/opportunity\/\?opportunity=/, { timeout });
	result.pod.url = page.url();
	const detail = await inspect('pod-opportunity-from-search');
	result.pod.h1 = result.pages['pod-opportunity-from-search'].h1;
	result.pod.summary = await testid('decision-summary');
	result.pod.rules = await page.locator('[data-testid="rules-table"] tbody tr').allInnerTexts();
	result.pod.hasWaterfall = (await page.locator('[data-testid="waterfall"] canvas').count()) > 0;
	result.pod.detailText = detail;
	result.pod.reviewPanel = await testid('review-panel');

	// POD review list: the deciding rule and reason per decision, the rule legend.
	await page.goto(`${base}/pod/`, { waitUntil: 'networkidle' });
	await settle();
	result.pod.legend = await testid('rule-legend');
	result.pod.reviewHeaders = await page.locator('[data-testid="decisions"] table:visible th').allInnerTexts();
	result.pod.reviewRows = await page.locator('[data-testid="decisions"] table:visible tr:has(td)').allInnerTexts();
	await page.getByPlaceholder('Opportunity id, customer or lead').fill(plan.opportunity);
	await settle();
	result.pod.reviewSearchRows = await page.locator('[data-testid="decisions"] table:visible tr:has(td)').allInnerTexts();

	// POD review list: filter by review status (in the URL); the counts follow the warehouse.
	await page.goto(`${base}/pod/`, { waitUntil: 'networkidle' });
	await settle();
	result.pod.countAll = await testid('pod-count');
	await page.locator('button[role="combobox"]').filter({ hasText: 'Review status' }).first().click();
	result.pod.reviewOptions = await page.locator('[data-cmdk-item]:visible').allInnerTexts();
	await page.keyboard.press('Escape');
	await page.waitForTimeout(300);
	await pickOption('Review status', 'Unreviewed');
	await settle();
	result.pod.countUnreviewed = await testid('pod-count');
	result.pod.urlUnreviewed = page.url();
	await pickOption('Review status', 'Reviewed');
	await settle();
	result.pod.countReviewed = await testid('pod-count');
	result.pod.urlReviewed = page.url();
	// the shared URL opens on the same filter
	await page.goto(`${base}/pod/?review=unreviewed`, { waitUntil: 'networkidle' });
	await settle();
	result.pod.countUnreviewedFromUrl = await testid('pod-count');
	result.pod.reviewHeadersFiltered = await page.locator('[data-testid="decisions"] table:visible th').allInnerTexts();
}
