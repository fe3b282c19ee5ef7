// Audit: the searchable log (filters in the URL) and the hash chain's verification status.
import { call, query } from '../api.js';
import { navigate } from '../router.js';
import { fmt_time, html, status_of, use_data } from '../ui.js';

const FILTERS = ['actor', 'action', 'certSN', 'outcome'];

export function Audit({ params }) {
    const key = params.toString();
    const log = use_data(() => call('/admin/v1/audit' + query({ sort: '-id', limit: 50, ...Object.fromEntries(params) })), [key]);
    const submit = (e) => {
        e.preventDefault();
        const f = new FormData(e.target);
        navigate('/audit' + query(Object.fromEntries(FILTERS.map((k) => [k, f.get(k)]))));
    };
    const d = log.data;
    return html`<h1>Audit</h1>
        ${d &&
        html`<p class=${'chain ' + (d.chain.ok ? 'ok' : 'broken')} data-testid="chain">
            ${d.chain.ok ? `Hash chain verified: ${d.chain.entries} entries intact.` : `Hash chain BROKEN at entry ${d.chain.firstBroken}: ${d.chain.reason}`}
        </p>`}
        <form class="filters" role="search" onSubmit=${submit} key=${key}>
            ${FILTERS.map((k) => html`<label>${k} <input name=${k} value=${params.get(k) || ''} /></label>`)}
            <button type="submit">Search audit</button>
        </form>
        ${status_of(log, d && d.items.length === 0 && 'No audit entry matches.')}
        ${d && d.items.length > 0 &&
        html`<div class="scroll"><table>
            <thead><tr><th scope="col">#</th><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Action</th>
                <th scope="col">certSN</th><th scope="col">Outcome</th><th scope="col">Subject</th></tr></thead>
            <tbody>${d.items.map(
                (a) => html`<tr><td>${a.id}</td><td>${fmt_time(a.at)}</td><td>${a.actor}</td><td>${a.action}</td>
                    <td>${a.certSN ? html`<a href=${'/console/certificates/' + a.certSN}>${a.certSN}</a>` : '—'}</td>
                    <td>${a.outcome}</td><td>${a.subject}</td></tr>`,
            )}</tbody>
        </table></div>`}
        <nav class="pager" aria-label="Pages">
            ${params.get('cursor') && html`<button type="button" onClick=${() => history.back()}>Previous page</button>`}
            ${d && d.nextCursor && html`<button type="button" onClick=${() => navigate('/audit' + query({ ...Object.fromEntries(params), cursor: d.nextCursor }))}>Next page</button>`}
        </nav>`;
}
