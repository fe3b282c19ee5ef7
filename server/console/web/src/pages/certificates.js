// Certificates: the inventory's filters as a form kept in the URL, a keyset-paginated table and
// a detail view (decoded fields, audit entries, PEM download, Revoke for operators).
import { useRef, useState } from 'preact/hooks';
import { call, query, session } from '../api.js';
import { navigate } from '../router.js';
import { badge, fmt_time, html, status_of, use_data } from '../ui.js';

const FILTERS = ['q', 'status', 'api', 'authority', 'sort', 'limit'];
// Owner filters come from the browse pages' links (an EnOS device, an emCA user): kept as hidden
// fields, so that changing another filter keeps them, and shown with a link that drops them.
const OWNER = ['org', 'product', 'device', 'account', 'user'];
const REASONS = [
    ['unspecified', 0], ['keyCompromise', 1], ['affiliationChanged', 3], ['superseded', 4],
    ['cessationOfOperation', 5], ['certificateHold', 6], ['privilegeWithdrawn', 9],
];

// The console's "Search" box is one field for a CN prefix or a serial: digits only is a serial.
function api_params(params) {
    const p = {};
    for (const k of [...FILTERS, ...OWNER]) if (k !== 'q' && params.get(k)) p[k] = params.get(k);
    const q = (params.get('q') || '').trim();
    if (/^[0-9]+$/.test(q)) p.serial = q;
    else if (q) p.cn = q;
    if (params.get('cursor')) p.cursor = params.get('cursor');
    p.limit = p.limit || '20';
    return p;
}

function select(name, label, options, value) {
    return html`<label>${label}
        <select name=${name} value=${value || ''}>
            <option value="">any</option>
            ${options.map((o) => html`<option value=${o}>${o}</option>`)}
        </select></label>`;
}

export function Certificates({ params }) {
    const key = params.toString();
    const list = use_data(() => call('/admin/v1/certificates' + query(api_params(params))), [key]);
    const submit = (e) => {
        e.preventDefault();
        const f = new FormData(e.target);
        const p = {};
        for (const k of [...FILTERS, ...OWNER]) p[k] = f.get(k);
        navigate('/certificates' + query(p));
    };
    const next = () => {
        const p = Object.fromEntries(params);
        navigate('/certificates' + query({ ...p, cursor: list.data.nextCursor }));
    };
    const items = list.data ? list.data.items : [];
    const owner = OWNER.filter((k) => params.get(k));
    const without_owner = Object.fromEntries([...params].filter(([k]) => !OWNER.includes(k) && k !== 'cursor'));
    return html`<h1>Certificates</h1>
        ${owner.length > 0 &&
        html`<p data-testid="owner-filter">Owner: ${owner.map((k) => `${k} ${params.get(k)}`).join(', ')}.
            <a href=${'/console/certificates' + query(without_owner)}>Show every owner</a></p>`}
        <form class="filters" onSubmit=${submit} role="search" key=${key}>
            ${owner.map((k) => html`<input type="hidden" name=${k} value=${params.get(k)} />`)}
            <label>Search <input name="q" type="search" placeholder="CN prefix or serial" value=${params.get('q') || ''} /></label>
            ${select('status', 'Status', ['valid', 'revoked', 'expired'], params.get('status'))}
            ${select('api', 'API', ['enos', 'foundry', 'emca', 'pki', 'server'], params.get('api'))}
            ${select('authority', 'Authority', ['RSA', 'ECC'], params.get('authority'))}
            ${select('sort', 'Sort', ['issued', '-issued', 'notAfter', '-notAfter'], params.get('sort'))}
            <label>Per page <input name="limit" type="number" min="1" max="1000" value=${params.get('limit') || '20'} /></label>
            <button type="submit">Apply filters</button>
        </form>
        ${status_of(list, list.data && items.length === 0 && 'No certificate matches these filters.')}
        ${items.length > 0 &&
        html`<div class="scroll"><table class="certs">
                <thead><tr><th scope="col">certSN</th><th scope="col">Subject</th><th scope="col">API</th>
                    <th scope="col">Authority</th><th scope="col">Status</th><th scope="col">notAfter</th></tr></thead>
                <tbody>
                    ${items.map(
                        (c) => html`<tr data-sn=${c.certSN}>
                            <td><a href=${'/console/certificates/' + c.certSN}>${c.certSN}</a></td>
                            <td>${c.subject}</td><td>${c.api}</td><td>${c.authority}</td>
                            <td>${badge(c.status)}</td><td>${fmt_time(c.notAfter)}</td></tr>`,
                    )}
                </tbody>
            </table></div>`}
        <nav class="pager" aria-label="Pages">
            ${params.get('cursor') && html`<button type="button" onClick=${() => history.back()}>Previous page</button>`}
            ${list.data && list.data.nextCursor && html`<button type="button" onClick=${next}>Next page</button>`}
        </nav>`;
}

function RevokeForm({ sn, done }) {
    const dialog = useRef(null);
    const [reason, set_reason] = useState('1');
    const [state, set] = useState({ busy: false, error: null });
    const confirm = async () => {
        set({ busy: true, error: null });
        try {
            await call(`/admin/v1/certificates/${sn}/revoke`, { method: 'POST', body: { reason: Number(reason) } });
            dialog.current.close();
            done();
        } catch (e) {
            set({ busy: false, error: e });
        }
    };
    return html`<section class="revoke">
        <h2>Revoke</h2>
        <label>Reason
            <select value=${reason} onChange=${(e) => set_reason(e.target.value)}>
                ${REASONS.map(([n, v]) => html`<option value=${v}>${n}</option>`)}
            </select></label>
        <button type="button" class="danger" onClick=${() => dialog.current.showModal()}>Revoke</button>
        <dialog ref=${dialog} aria-labelledby="revoke-title">
            <h2 id="revoke-title">Revoke certificate ${sn}?</h2>
            <p>Revocation is final: the certificate goes into the next CRL and OCSP answers revoked.</p>
            ${state.error && html`<p class="error" role="alert">${state.error.message}</p>`}
            <div class="actions">
                <button type="button" onClick=${() => dialog.current.close()}>Cancel</button>
                <button type="button" class="danger" disabled=${state.busy} onClick=${confirm}>Confirm revoke</button>
            </div>
        </dialog>
    </section>`;
}

export function CertificateDetail({ sn }) {
    const one = use_data(() => call('/admin/v1/certificates/' + encodeURIComponent(sn)), [sn]);
    const c = one.data;
    const pem_href = c && 'data:application/x-pem-file;charset=utf-8,' + encodeURIComponent(c.pem);
    return html`<p><a href="/console/certificates">← All certificates</a></p>
        <h1>Certificate ${sn}</h1>
        ${status_of(one)}
        ${c &&
        html`<dl class="fields">
                <dt>Status</dt><dd data-testid="detail-status">${badge(c.status)}</dd>
                <dt>Subject</dt><dd>${c.subject}</dd>
                <dt>Issuer</dt><dd>${c.issuer}</dd>
                <dt>API / profile</dt><dd>${c.api} / ${c.profile}</dd>
                <dt>Authority</dt><dd>${c.authority}</dd>
                <dt>Not before</dt><dd>${fmt_time(c.notBefore)}</dd>
                <dt>Not after</dt><dd>${fmt_time(c.notAfter)}</dd>
                <dt>Key</dt><dd>${c.keyType} ${c.keySize || ''}</dd>
                <dt>SANs</dt><dd>${(c.sans || []).join(', ') || '—'}</dd>
                <dt>SHA-256</dt><dd class="mono">${c.sha256}</dd>
                ${c.revokedAt && html`<dt>Revoked</dt><dd>${fmt_time(c.revokedAt)} (${c.reason})</dd>`}
            </dl>
            <p><a href=${pem_href} download=${`certificate-${sn}.pem`}>Download PEM</a></p>
            <h2>Extensions</h2>
            <ul>${(c.extensions || []).map((e) => html`<li>${e.name || e.oid}${e.critical ? ' (critical)' : ''}</li>`)}</ul>
            ${c.status !== 'revoked' && session.role() === 'operator' && html`<${RevokeForm} sn=${sn} done=${one.reload} />`}
            <h2>Audit entries</h2>
            ${(c.audit || []).length === 0
                ? html`<p class="state">No audit entry.</p>`
                : html`<div class="scroll"><table>
                      <thead><tr><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Outcome</th></tr></thead>
                      <tbody>${c.audit.map((a) => html`<tr><td>${fmt_time(a.at)}</td><td>${a.actor}</td><td>${a.action}</td><td>${a.outcome}</td></tr>`)}</tbody>
                  </table></div>`}`}`;
}
