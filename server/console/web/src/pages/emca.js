// emCA: the requests waiting for an officer, with Approve / Reject for operators, then the API
// users and the issuing profiles (read-only; each list's cursor in the URL: ucursor, pcursor).
import { useState } from 'preact/hooks';
import { call, query, session } from '../api.js';
import { ListTable, Pager, use_list, yes_no } from '../browse.js';
import { html, status_of, use_data } from '../ui.js';

const days = (seconds) => `${Math.round((seconds / 86400) * 100) / 100} d`;

function Users({ params }) {
    const list = use_list('/admin/v1/emca/users', params.get('ucursor') || undefined);
    return html`<h2>Users</h2>
        <${ListTable} list=${list} label="emCA users" testid="emca-users" empty="No emCA user is seeded (localca seed)."
            columns=${[
                ['User', (u) => u.userName],
                ['AES mode', (u) => u.aesMode],
                ['Allowed addresses', (u) => u.allowedIps],
                ['Requests', (u) => u.requests],
                ['Pending', (u) => u.pending],
                ['Certificates', (u) => html`<a href=${'/console/certificates' + query({ api: 'emca', user: u.userName })}
                    aria-label=${`${u.certificates} certificates of ${u.userName}`}>${u.certificates}</a>`],
            ]} />
        <${Pager} list=${list} page="/emca" params=${params} cursor_key="ucursor" label="User pages" />`;
}

function Profiles({ params }) {
    const list = use_list('/admin/v1/emca/profiles', params.get('pcursor') || undefined);
    return html`<h2>Profiles</h2>
        <${ListTable} list=${list} label="emCA profiles" testid="emca-profiles" empty="No emCA profile is seeded (localca seed)."
            columns=${[
                ['Profile', (p) => p.profileId],
                ['Authority', (p) => p.authority],
                ['Key types', (p) => p.keyTypes || 'any'],
                ['Default validity', (p) => days(p.defaultValiditySeconds)],
                ['Max validity', (p) => days(p.maxValiditySeconds)],
                ['Required subject', (p) => p.requiredSubject],
                ['Key usage', (p) => p.keyUsage || '—'],
                ['Extended key usage', (p) => p.extendedKeyUsage || '—'],
                ['Officer approval', (p) => yes_no(p.manualAuthorization)],
            ]} />
        <${Pager} list=${list} page="/emca" params=${params} cursor_key="pcursor" label="Profile pages" />`;
}

export function Emca({ params }) {
    const pending = use_data(() => call('/admin/v1/emca/pending'), []);
    const [outcome, set] = useState(null);
    // A decision changes the users' counts too: bumped, it remounts (reloads) the users list.
    const [decided, set_decided] = useState(0);
    const decide = async (id, verb) => {
        try {
            const r = await call(`/admin/v1/emca/requests/${encodeURIComponent(id)}/${verb}`, { method: 'POST', body: {} });
            set({ ok: true, text: r.certSN ? `Request ${id} approved: certificate ${r.certSN}.` : `Request ${id} ${r.status}.`, sn: r.certSN });
        } catch (e) {
            set({ ok: false, text: e.message });
        }
        pending.reload();
        set_decided((n) => n + 1);
    };
    const items = pending.data ? pending.data.items : [];
    const operator = session.role() === 'operator';
    return html`<h1>emCA</h1>
        <h2>Pending requests</h2>
        ${outcome && html`<p class=${outcome.ok ? 'notice' : 'error'} role="status">${outcome.text}
            ${outcome.sn && html` <a href=${'/console/certificates/' + outcome.sn}>Open certificate ${outcome.sn}</a>`}</p>`}
        ${status_of(pending, pending.data && items.length === 0 && 'No request is waiting for an officer.')}
        ${items.length > 0 &&
        html`<div class="scroll"><table aria-label="Pending requests" data-testid="emca-pending">
            <thead><tr><th scope="col">Request</th><th scope="col">User</th><th scope="col">Profile</th><th scope="col">Subject</th>
                ${operator && html`<th scope="col">Decision</th>`}</tr></thead>
            <tbody>${items.map(
                (r) => html`<tr><td>${r.requestId}</td><td>${r.user}</td><td>${r.profile}</td><td>${r.subject}</td>
                    ${operator && html`<td class="actions">
                        <button type="button" onClick=${() => decide(r.requestId, 'approve')} aria-label=${'Approve ' + r.requestId}>Approve</button>
                        <button type="button" class="danger" onClick=${() => decide(r.requestId, 'reject')} aria-label=${'Reject ' + r.requestId}>Reject</button>
                    </td>`}</tr>`,
            )}</tbody>
        </table></div>`}
        <${Users} params=${params} key=${decided} />
        <${Profiles} params=${params} />`;
}
