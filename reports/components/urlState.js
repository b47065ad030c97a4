// Page state in the URL's query string, so a view can be shared and lists can link to the one detail page
// (`/pod/opportunity/?opportunity=O123`) instead of the build prerendering one page per id.
// Evidence 39 inputs do not read the query string themselves: a page passes `urlParam(...)` as an
// input's defaultValue (read once, in the browser, before the input is created) and writes its inputs
// back with `setUrlParams(...)`. During the prerender there is no query string: the defaults apply.
import { browser } from '$app/environment';

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

const quote = (v) => `'${String(v).replaceAll("'", "''")}'`;

/**
 * SQL condition for a multi-select whose "all" option applies only while nothing else is picked: picking a
 * payer or an account clears "All". `pairs` are option prefix, SQL expression, ...: e.g.
 * `'account', 'costs.aws_account_id', 'payer', 'costs.payer_aws_account_id'` for options 'account:123';
 * `'', 'costs.service_code'` for plain values. Use inside a page's SQL as `${pickedOrAll(inputs.scope, ...)}`
 * (no braces inside: Evidence reads `${...}` in SQL up to the first closing brace).
 * While the input is not set yet it returns it as is, so the query waits for it.
 */
export function pickedOrAll(input, ...pairs) {
	if (!Array.isArray(input?.rawValues)) return input;
	const picked = selectedValues(input).filter((v) => v !== 'all');
	if (!picked.length) return selectedValues(input).includes('all') ? 'true' : 'false';
	const columns = [];
	for (let i = 0; i + 1 < pairs.length; i += 2) columns.push([pairs[i], pairs[i + 1]]);
	const conditions = columns.map(([prefix, column]) => {
		const values = picked
			.filter((v) => (prefix ? v.startsWith(prefix + ':') : true))
			.map((v) => (prefix ? v.slice(prefix.length + 1) : v));
		return values.length ? `${column} in (${values.map(quote).join(', ')})` : 'false';
	});
	return `(${conditions.join(' or ')})`;
}

/** The date range carried from page to page: `&from=…&to=…` (only the parts in the URL; empty without them).
 * Usable in a page's SQL as `'${carriedRange()}'` (an import, like `urlSql`), or in its markup. */
export function carriedRange() {
	const parts = ['from', 'to'].filter((name) => urlParam(name)).map((name) => `&${name}=${encodeURIComponent(urlParam(name))}`);
	return parts.join('').replaceAll("'", "''");
}
