// Profile one page of the built report site in headless Chromium: what it fetches and when, and what blocks it.
//   node tests/reports/profile_page.mjs <build dir> <url path> [rounds]
// Prints one JSON object: per round the time to interactive (the benchmark's rule: no "Loading...", and the
// heading names the id of a detail page), the main-thread long tasks, and the network requests (path, bytes,
// start and end in ms from navigation), grouped by kind (scripts, DuckDB wasm, parquet files and their ranges,
// prerendered query results). A profiling aid for issue 16 (benchmark_site_interactive.py measures every page).
import { launchChromium, openUntilInteractive, serveBuild } from './site_server.mjs';

const [buildDir, urlPath, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 2);
const site = await serveBuild(buildDir);
const { base } = site;
await site.ready();
const kind = (p) =>
	p.endsWith('.wasm') ? 'duckdb-wasm'
	: p.endsWith('.parquet') ? 'parquet'
	: p.includes('prerendered_queries') || p.endsWith('all-queries.json') ? 'prerendered'
	: p.endsWith('.js') ? 'script'
	: p.endsWith('.css') ? 'css'
	: 'other';
const browser = await launchChromium();
const out = { url: urlPath, rounds: [] };
try {
	const page = await browser.newPage({ viewport: { width: 1366, height: 1000 }, timezoneId: 'UTC' });
	for (let round = 0; round < rounds; round++) {
		const requests = [];
		const onRequest = (req) => requests.push({ req, at: Date.now() });
		page.on('request', onRequest);
		await page.addInitScript(() => {
			window.__longTasks = [];
			new PerformanceObserver((list) => {
				for (const e of list.getEntries()) window.__longTasks.push([Math.round(e.startTime), Math.round(e.duration)]);
			}).observe({ type: 'longtask', buffered: true });
		});
		const { started, loadMs: loaded, interactiveMs: interactive } = await openUntilInteractive(page, base + urlPath, 90000);
		await page.waitForTimeout(1500);
		page.off('request', onRequest);
		const longTasks = await page.evaluate(() => window.__longTasks);
		const rows = [];
		for (const { req, at } of requests) {
			const start = at - started;
			const res = await req.response().catch(() => null);
			const timing = req.timing();
			const sizes = await req.sizes().catch(() => ({ responseBodySize: 0 }));
			const p = new URL(req.url()).pathname;
			rows.push({
				path: p,
				kind: kind(p),
				status: res?.status(),
				range: (await req.allHeaders())['range'] ?? null,
				bytes: sizes.responseBodySize,
				start,
				end: timing.responseEnd > 0 ? Math.round(start + timing.responseEnd) : null
			});
		}
		const byKind = {};
		for (const r of rows) {
			const k = (byKind[r.kind] ??= { requests: 0, bytes: 0, lastEnd: 0 });
			k.requests++;
			k.bytes += r.bytes;
			k.lastEnd = Math.max(k.lastEnd, r.end ?? 0);
		}
		const parquet = {};
		for (const r of rows.filter((r) => r.kind === 'parquet')) {
			const name = r.path.split('/').at(-1);
			const p = (parquet[name] ??= { requests: 0, bytes: 0, first: r.start, last: 0 });
			p.requests++;
			p.bytes += r.bytes;
			p.last = Math.max(p.last, r.end ?? 0);
		}
		out.rounds.push({ loadMs: loaded, interactiveMs: interactive, longTasks, byKind, parquet, requests: rows });
	}
} finally {
	await browser.close();
	site.stop();
}
console.log(JSON.stringify(out, null, 1));
