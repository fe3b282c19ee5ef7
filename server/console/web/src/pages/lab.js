// Lab (lab mode only): the CA clock (advance / set / reset), the fault rules, and the data
// dir's snapshots (take, restore, delete) with reset to the baseline. Every lab route needs an
// operator token: a viewer sees a note instead of the forms.
import { useRef, useState } from 'preact/hooks';
import { call, session } from '../api.js';
import { fmt_time, html, status_of, use_data } from '../ui.js';

const BASELINE = '_baseline';
// docs/lab.md's snapshot names. Interpolated: in the template literal itself '\-' would be cooked
// to '-', which Chromium's unicode-sets pattern syntax (the `v` flag) refuses in a class.
const NAME_PATTERN = '[A-Za-z0-9._\\-]{1,64}';
const restored_text = (r) =>
    `Restored ${r.name}: certificates ${r.certificatesBefore} → ${r.certificatesAfter}, next serial ${r.nextSerial}.`;

// Restore, reset and delete replace or lose state: each asks first, in a modal dialog (focus
// moves into it; Escape cancels).
function Confirmed({ label, title, text, button, danger, run }) {
    const dialog = useRef(null);
    const [state, set] = useState({ busy: false, error: null });
    const go = async () => {
        set({ busy: true, error: null });
        try {
            await run();
            dialog.current.close();
            set({ busy: false, error: null });
        } catch (e) {
            set({ busy: false, error: e });
        }
    };
    return html`<button type="button" class=${danger ? 'danger' : ''} aria-label=${label} onClick=${() => dialog.current.showModal()}>${button}</button>
        <dialog ref=${dialog} aria-label=${title}>
            <h2>${title}</h2>
            <p>${text}</p>
            ${state.error && html`<p class="error" role="alert">${state.error.message}</p>`}
            <div class="actions">
                <button type="button" onClick=${() => dialog.current.close()}>Cancel</button>
                <button type="button" class="danger" disabled=${state.busy} onClick=${go}>Confirm ${button.toLowerCase()}</button>
            </div>
        </dialog>`;
}

function Snapshots({ say }) {
    const list = use_data(() => call('/lab/v1/snapshots'), []);
    const take = async (e) => {
        e.preventDefault();
        const name = new FormData(e.target).get('name').trim();
        try {
            const r = await call('/lab/v1/snapshots', { method: 'POST', body: { name } });
            say({ ok: true, text: `Snapshot ${r.name} taken: ${r.certificates} certificates.` });
            e.target.reset();
        } catch (err) {
            say({ ok: false, text: err.message });
        }
        list.reload();
    };
    const restore = async (name) => {
        const path = name === BASELINE ? '/lab/v1/reset' : `/lab/v1/snapshots/${encodeURIComponent(name)}/restore`;
        const r = await call(path, { method: 'POST', body: {} });
        say({ ok: true, text: restored_text(r) });
        list.reload();
    };
    const remove = async (name) => {
        await call(`/lab/v1/snapshots/${encodeURIComponent(name)}`, { method: 'DELETE' });
        say({ ok: true, text: `Snapshot ${name} deleted.` });
        list.reload();
    };
    const snaps = list.data ? list.data.snapshots : [];
    return html`<section class="tile">
        <h2>Reset and snapshots</h2>
        <p class="muted">Reset restores <code>${BASELINE}</code>, the state when this lab server first started
            (after init and seed). A restore brings back the admin tokens of its time too.</p>
        <${Confirmed} label="Reset to baseline" title="Reset the lab to its baseline?" button="Reset to baseline" danger
            text="Every certificate, request and audit entry made since the baseline is replaced by the baseline's state."
            run=${() => restore(BASELINE)} />
        ${status_of(list, list.data && snaps.length === 0 && 'No snapshot yet.')}
        ${snaps.length > 0 &&
        html`<div class="scroll"><table aria-label="Snapshots" data-testid="snapshots">
            <thead><tr><th scope="col">Name</th><th scope="col">Certificates</th><th scope="col">Actions</th></tr></thead>
            <tbody>${snaps.map(
                (s) => html`<tr data-snapshot=${s.name}><th scope="row">${s.name}</th><td>${s.certificates}</td>
                    <td class="actions">
                        <${Confirmed} label=${'Restore ' + s.name} title=${`Restore snapshot ${s.name}?`} button="Restore"
                            text="The database goes back to this snapshot; what was made since is replaced." run=${() => restore(s.name)} />
                        ${s.name !== BASELINE &&
                        html`<${Confirmed} label=${'Delete ' + s.name} title=${`Delete snapshot ${s.name}?`} button="Delete" danger
                            text="The snapshot's files are removed; the live database does not change." run=${() => remove(s.name)} />`}
                    </td></tr>`,
            )}</tbody>
        </table></div>`}
        <form onSubmit=${take}>
            <label>Snapshot name <input name="name" required pattern=${NAME_PATTERN} placeholder="before-renewal" /></label>
            <button type="submit">Take snapshot</button>
        </form>
    </section>`;
}

export function Lab() {
    if (session.role() !== 'operator') {
        return html`<h1>Lab</h1><p class="state">The lab routes need an operator token: sign in with one to move the clock,
            add fault rules or take and restore snapshots.</p>`;
    }
    return html`<${LabControls} />`;
}

function LabControls() {
    const clock = use_data(() => call('/lab/v1/clock'), []);
    const faults = use_data(() => call('/lab/v1/faults'), []);
    const [msg, set_msg] = useState(null);
    const act = (p, after) => async (e) => {
        e.preventDefault();
        try {
            await p(new FormData(e.target));
            set_msg({ ok: true, text: 'Done.' });
        } catch (err) {
            set_msg({ ok: false, text: err.message });
        }
        after.reload();
    };
    const post_clock = (body) => call('/lab/v1/clock', { method: 'POST', body });
    return html`<h1>Lab</h1>
        ${msg && html`<p class=${msg.ok ? 'notice' : 'error'} role="status">${msg.text}</p>`}
        <section class="tile">
            <h2>Clock</h2>
            ${status_of(clock)}
            ${clock.data && html`<p>CA time <strong data-testid="lab-now">${fmt_time(clock.data.now)}</strong>, offset ${clock.data.offsetSeconds} s</p>`}
            <form onSubmit=${act((f) => post_clock({ advance: f.get('advance') }), clock)}>
                <label>Advance by <input name="advance" placeholder="30d, 12h, -1h" required /></label>
                <button type="submit">Advance clock</button>
            </form>
            <form onSubmit=${act((f) => post_clock({ set: f.get('set') }), clock)}>
                <label>Set to <input name="set" placeholder="2027-01-01T00:00:00Z" required /></label>
                <button type="submit">Set clock</button>
            </form>
            <form onSubmit=${act(() => post_clock({ reset: true }), clock)}><button type="submit">Reset clock</button></form>
        </section>
        <section class="tile">
            <h2>Fault rules</h2>
            ${status_of(faults, faults.data && faults.data.rules.length === 0 && 'No fault rule.')}
            ${faults.data && faults.data.rules.length > 0 &&
            html`<ul class="rules">${faults.data.rules.map((r) => html`<li><code>${JSON.stringify(r)}</code></li>`)}</ul>`}
            <form onSubmit=${act((f) => call('/lab/v1/faults', { method: 'POST', body: JSON.parse(f.get('rule')) }), faults)}>
                <label>Rule (JSON, docs/lab.md) <textarea name="rule" rows="3" required placeholder='{"api":"enos","operation":"apply","effect":{"httpStatus":503},"times":1}'></textarea></label>
                <button type="submit">Add rule</button>
            </form>
            <form onSubmit=${act(() => call('/lab/v1/faults', { method: 'DELETE' }), faults)}><button type="submit" class="danger">Clear all rules</button></form>
        </section>
        <${Snapshots} say=${(m) => {
            set_msg(m);
            clock.reload();
        }} />`;
}
