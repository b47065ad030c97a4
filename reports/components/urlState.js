// Page state in the URL's query string, so a view can be shared and lists can link to the one detail page
// (`/pod/opportunity/?opportunity=O123`) instead of the build prerendering one page per id.
// Evidence 39 inputs do not read the query string themselves: a page passes `urlParam(...)` as an
// input's defaultValue (read once, in the browser, before the input is created) and writes its inputs
// back with `setUrlParams(...)`. During the prerender there is no query string: the defaults apply.
import { browser } from '$app/environment';
import { getInputContext } from '@evidence-dev/sdk/utils/svelte';

/** The query-string value of `name` in the browser, else `fallback` (also when it is missing or empty). */
export function urlParam(name, fallback = undefined) {
	if (!browser) return fallback;
	const value = new URL(window.location.href).searchParams.get(name);
	return value === null || value === '' ? fallback : value;
}

/** Every value of `name` (`?account=a&account=b` or `?account=a,b`), else `fallback`. */
export function urlParams(name, fallback = []) {
	if (!browser) return fallback;
	const values = new URL(window.location.href).searchParams
		.getAll(name)
		.flatMap((v) => v.split(','))
		.filter((v) => v !== '');
	return values.length ? values : fallback;
}

/** Replace the query-string values (null/undefined/empty removes one), without a navigation. */
export function setUrlParams(values) {
	if (!browser) return;
	const url = new URL(window.location.href);
	for (const [name, value] of Object.entries(values)) {
		url.searchParams.delete(name);
		if (value === null || value === undefined || value === '') continue;
		if (Array.isArray(value)) {
			if (value.length) url.searchParams.set(name, value.join(','));
		} else url.searchParams.set(name, String(value));
	}
	if (url.href !== window.location.href) history.replaceState(history.state, '', url);
}

/** The selected values of a Dropdown input (single or multiple), as plain strings. */
export function selectedValues(input) {
	const raw = input?.rawValues;
	const values = [];
	// an input not set yet is a placeholder proxy (any property of it is another proxy), not an array
	if (!Array.isArray(raw)) return values;
	for (const option of raw) if (option && option.selected !== false) values.push(String(option.value));
	return values;
}

/** `urlParam` quoted for a SQL string literal. Usable inside a page's SQL as `'${urlSql('from', '1900-01-01')}'`
 * (an import, so it exists before the page's queries are created). */
export function urlSql(name, fallback = '') {
	return String(urlParam(name, fallback)).replaceAll("'", "''");
}

/**
 * Call at the top of a page's script, before its inputs are created: forget the prerendered state of the
 * inputs whose value the URL sets (`{ inputName: 'urlName' }`), so they start from the URL instead.
 * The prerendered page carries its inputs as the build left them (a Dropdown's first option), and a
 * Dropdown ignores its defaultValue once it has such a state.
 */
export function preferUrl(names) {
	if (!browser) return;
	const params = new URL(window.location.href).searchParams;
	const overridden = Object.entries(names)
		.filter(([, urlName]) => params.has(urlName) && params.get(urlName) !== '')
		.map(([inputName]) => inputName);
	if (!overridden.length) return;
	getInputContext().update((values) => {
		for (const name of overridden) delete values[name];
		return values;
	});
}
