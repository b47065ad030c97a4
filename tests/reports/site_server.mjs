// What the browser scripts share: playwright-core from the report project, the built site served on a free
// local port (`serve` answers Range requests, as DuckDB-WASM needs), and Debian's Chromium with the flags this
// machine needs (no downloaded browser, nothing fetched in the background).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const reportsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../reports');
const { chromium } = createRequire(path.join(reportsDir, 'package.json'))('playwright-core');

const freePort = () =>
	new Promise((resolve) => {
		const server = net.createServer();
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});

/** Serve `buildDir` on 127.0.0.1; returns { port, base, ready(), stop() }. `ready()` waits until it answers. */
export async function serveBuild(buildDir) {
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	const server = spawn(
		path.join(reportsDir, 'node_modules/.bin/serve'),
		['--no-clipboard', '--no-request-logging', '-l', `tcp://127.0.0.1:${port}`, buildDir],
		{ stdio: 'ignore' }
	);
	const ready = async () => {
		for (let i = 0; i < 100; i++) {
			if (await fetch(`${base}/`).then(() => true, () => false)) return;
			await new Promise((r) => setTimeout(r, 200));
		}
	};
	return { port, base, ready, stop: () => server.kill() };
}

/** Headless Debian Chromium (CHROMIUM_PATH overrides its path). */
export function launchChromium() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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
}

/** Open `url` and wait until it is interactive, the benchmark's rule: no "Loading...", and a detail page
 * (?account=…, ?service=…) shows a heading naming its id (the prerendered HTML, built without a query string,
 * shows the page's list or hint until the browser has run its queries). Returns { started, loadMs, interactiveMs }. */
export async function openUntilInteractive(page, url, timeout) {
	const id = new URL(url).searchParams.values().next().value ?? null;
	const started = Date.now();
	await page.goto(url, { waitUntil: 'load' });
	const loadMs = Date.now() - started;
	await page.waitForFunction(
		(id) => {
			if (document.body.innerText.includes('Loading...')) return false;
			const main = document.querySelector('#evidence-main-article');
			if (!main) return false;
			if (id) return [...main.querySelectorAll('h1')].some((h) => h.innerText.includes(id));
			return Boolean(main.querySelector('h1, table, canvas'));
		},
		id,
		{ timeout }
	);
	return { started, loadMs, interactiveMs: Date.now() - started };
}
