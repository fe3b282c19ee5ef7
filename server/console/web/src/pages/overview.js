// Overview: the authorities, counts by API and status, issuance per hour (7 days), expiry per
// week (next 12 weeks) and a live tile. Everything comes from GET /admin/v1/stats.
import uPlot from 'uplot';
import { useEffect, useRef, useState } from 'preact/hooks';
import { call } from '../api.js';
import { badge, countdown, fmt_time, html, status_of, use_data } from '../ui.js';

const HOUR = 3600;
const WEEK = 7 * 24 * HOUR;

// Buckets {"start","count"} (empty ones omitted by the API) -> dense series of `n` steps ending
// with the newest bucket (or starting at `from` when given).
function dense(buckets, step, n, from) {
    const starts = buckets.map((b) => Date.parse(b.start) / 1000);
    const first = from ?? (starts.length ? Math.max(...starts) : Math.floor(Date.now() / 1000 / step) * step) - (n - 1) * step;
    const xs = [], ys = [];
    for (let i = 0; i < n; i++) {
        xs.push(first + i * step);
        ys.push(0);
    }
    buckets.forEach((b, i) => {
        const k = Math.round((starts[i] - first) / step);
        if (k >= 0 && k < n) ys[k] += b.count;
    });
    return [xs, ys];
}

function Chart({ title, data, bars }) {
    const box = useRef(null);
    useEffect(() => {
        const width = Math.max(280, Math.min(box.current.clientWidth || 600, 900));
        const plot = new uPlot(
            {
                width,
                height: 200,
                legend: { show: false },
                series: [{}, { label: title, stroke: '#1d5fa8', fill: 'rgba(29,95,168,0.25)', paths: bars ? uPlot.paths.bars({ size: [0.7] }) : undefined }],
                axes: [{}, { size: 40 }],
            },
            data,
            box.current,
        );
        return () => plot.destroy();
    }, [data]);
    const total = data[1].reduce((a, b) => a + b, 0);
    return html`<figure class="chart" data-total=${total}>
        <figcaption>${title} (total ${total})</figcaption>
        <div ref=${box} role="img" aria-label=${`${title}: ${total} in all`}></div>
    </figure>`;
}

function LiveTile() {
    const [s, set] = useState({ at: null, counts: null, error: null });
    useEffect(() => {
        const tick = () =>
            call('/admin/v1/stats').then(
                (d) => set({ at: new Date(), counts: totals(d.counts), error: null }),
                (e) => set((o) => ({ ...o, error: e })),
            );
        tick();
        // Refreshes while the page is open: an operator watching a lab run sees it move.
        const id = setInterval(tick, 5000);
        return () => clearInterval(id);
    }, []);
    return html`<section class="tile live" aria-live="polite" aria-label="Live certificate counts">
        <h2>Now</h2>
        ${s.error && html`<p class="error">Refresh failed: ${s.error.message}</p>`}
        ${s.counts
            ? html`<p><strong class="big" data-testid="live-valid">${s.counts.valid}</strong>
                ${` valid · ${s.counts.revoked} revoked · ${s.counts.expired} expired`}</p>
                <p class="muted">updated ${s.at.toLocaleTimeString()}</p>`
            : html`<p>Loading…</p>`}
    </section>`;
}

function totals(counts) {
    const t = { valid: 0, revoked: 0, expired: 0 };
    for (const c of counts || []) t[c.status] = (t[c.status] || 0) + c.count;
    return t;
}

export function Overview() {
    const stats = use_data(() => call('/admin/v1/stats'), []);
    const d = stats.data;
    return html`<h1>Overview</h1>
        ${status_of(stats)}
        ${d &&
        html`<div class="grid">
                <${LiveTile} />
                ${d.authorities.map(
                    (a) => html`<section class="tile authority">
                        <h2>${a.name} authority</h2>
                        <dl>
                            <dt>Subject</dt><dd>${a.subject || '—'}</dd>
                            <dt>Key type</dt><dd>${a.keyType || a.name}</dd>
                            <dt>Not after</dt><dd>${fmt_time(a.notAfter)} (${countdown(a.notAfter)})</dd>
                            <dt>CRL number</dt><dd>${a.crlNumber ?? '—'}</dd>
                            <dt>CRL age</dt><dd>${a.crlAgeSeconds == null ? '—' : `${Math.round(a.crlAgeSeconds / 60)} min`}</dd>
                        </dl>
                    </section>`,
                )}
            </div>
            <h2>Certificates by API and status</h2>
            ${d.counts.length === 0
                ? html`<p class="state">No certificates yet.</p>`
                : html`<div class="scroll"><table>
                      <thead><tr><th scope="col">API</th><th scope="col">Authority</th><th scope="col">Status</th><th scope="col">Count</th></tr></thead>
                      <tbody>${d.counts.map((c) => html`<tr><td>${c.api}</td><td>${c.authority}</td><td>${badge(c.status)}</td><td>${c.count}</td></tr>`)}</tbody>
                  </table></div>`}
            <div class="charts">
                <${Chart} title="Issued per hour, last 7 days" data=${dense(d.issuedPerHour, HOUR, 7 * 24)} />
                <${Chart} title="Expiring per week, next 12 weeks" bars=${true}
                    data=${dense(d.expiringPerWeek, WEEK, 12, d.expiringPerWeek.length ? Date.parse(d.expiringPerWeek[0].start) / 1000 : undefined)} />
            </div>`}`;
}
