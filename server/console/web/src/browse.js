// Shared by the browse pages (EnOS, Foundry, emCA users and profiles): one paged list of the
// operator API's browse routes (docs/admin-api.md, "Browse"), its cursor kept in the URL under
// `cursor_key`, so a page of a list is shareable and the back button is "Previous page".
import { call, query } from './api.js';
import { navigate } from './router.js';
import { html, status_of, use_data } from './ui.js';

export const PAGE_SIZE = 20;
export const enc = encodeURIComponent;
export const yes_no = (b) => (b ? 'yes' : 'no');

export function use_list(path, cursor, extra = {}) {
    const q = query({ limit: PAGE_SIZE, cursor, ...extra });
    return use_data(() => call(path + q), [path + q]);
}

// columns: [[header, item => cell]]; the first column is the row's header cell.
export function ListTable({ list, columns, empty, label, testid }) {
    const items = list.data ? list.data.items : [];
    return html`${status_of(list, list.data && items.length === 0 && empty)}
        ${items.length > 0 &&
        html`<div class="scroll"><table aria-label=${label} data-testid=${testid}>
            <thead><tr>${columns.map(([h]) => html`<th scope="col">${h}</th>`)}</tr></thead>
            <tbody>${items.map(
                (item) => html`<tr>${columns.map(([, cell], i) =>
                    i === 0 ? html`<th scope="row">${cell(item)}</th>` : html`<td>${cell(item)}</td>`)}</tr>`,
            )}</tbody>
        </table></div>`}`;
}

// "Next page" follows nextCursor (pushed into the URL); "Previous page" is the browser's back.
export function Pager({ list, page, params, cursor_key = 'cursor', label }) {
    const next = () => navigate(page + query({ ...Object.fromEntries(params), [cursor_key]: list.data.nextCursor }));
    return html`<nav class="pager" aria-label=${label}>
        ${params.get(cursor_key) && html`<button type="button" onClick=${() => history.back()}>Previous page</button>`}
        ${list.data && list.data.nextCursor && html`<button type="button" onClick=${next}>Next page</button>`}
    </nav>`;
}

// Where this list sits: [[text, href]], the last one the current level (no link).
export function Trail({ items }) {
    return html`<nav aria-label="Breadcrumb"><ol class="trail">
        ${items.map(([text, href], i) =>
            i === items.length - 1 ? html`<li aria-current="page">${text}</li>` : html`<li><a href=${href}>${text}</a></li>`)}
    </ol></nav>`;
}
