// emCA: the requests waiting for an officer, with Approve / Reject for operators.
import { useState } from 'preact/hooks';
import { call, session } from '../api.js';
import { html, status_of, use_data } from '../ui.js';

export function Emca() {
    const pending = use_data(() => call('/admin/v1/emca/pending'), []);
    const [outcome, set] = useState(null);
    const decide = async (id, verb) => {
        try {
            const r = await call(`/admin/v1/emca/requests/${encodeURIComponent(id)}/${verb}`, { method: 'POST', body: {} });
            set({ ok: true, text: r.certSN ? `Request ${id} approved: certificate ${r.certSN}.` : `Request ${id} ${r.status}.`, sn: r.certSN });
        } catch (e) {
            set({ ok: false, text: e.message });
        }
        pending.reload();
    };
    const items = pending.data ? pending.data.items : [];
    const operator = session.role() === 'operator';
    return html`<h1>emCA pending requests</h1>
        ${outcome && html`<p class=${outcome.ok ? 'notice' : 'error'} role="status">${outcome.text}
            ${outcome.sn && html` <a href=${'/console/certificates/' + outcome.sn}>Open certificate ${outcome.sn}</a>`}</p>`}
        ${status_of(pending, pending.data && items.length === 0 && 'No request is waiting for an officer.')}
        ${items.length > 0 &&
        html`<div class="scroll"><table>
            <thead><tr><th scope="col">Request</th><th scope="col">User</th><th scope="col">Profile</th><th scope="col">Subject</th>
                ${operator && html`<th scope="col">Decision</th>`}</tr></thead>
            <tbody>${items.map(
                (r) => html`<tr><td>${r.requestId}</td><td>${r.user}</td><td>${r.profile}</td><td>${r.subject}</td>
                    ${operator && html`<td class="actions">
                        <button type="button" onClick=${() => decide(r.requestId, 'approve')} aria-label=${'Approve ' + r.requestId}>Approve</button>
                        <button type="button" class="danger" onClick=${() => decide(r.requestId, 'reject')} aria-label=${'Reject ' + r.requestId}>Reject</button>
                    </td>`}</tr>`,
            )}</tbody>
        </table></div>`}`;
}
