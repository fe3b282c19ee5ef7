// Lab (lab mode only): the CA clock (advance / set / reset) and the fault rules.
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { fmt_time, html, status_of, use_data } from '../ui.js';

export function Lab() {
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
        </section>`;
}
