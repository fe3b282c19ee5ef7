// Shared pieces: loading, error and empty states (a page is never blank), and data loading.
import { html } from 'htm/preact';
import { useCallback, useEffect, useState } from 'preact/hooks';

export { html };

export function use_data(load, deps) {
    const [state, set] = useState({ loading: true, data: null, error: null });
    const reload = useCallback(() => {
        let live = true;
        set((s) => ({ ...s, loading: true }));
        load().then(
            (data) => live && set({ loading: false, data, error: null }),
            (error) => live && set({ loading: false, data: null, error }),
        );
        return () => (live = false);
    }, deps);
    useEffect(reload, [reload]);
    return { ...state, reload };
}

export function status_of({ loading, error, data }, empty) {
    if (error) return html`<p class="state error" role="alert">Error: ${error.message}</p>`;
    if (loading && !data) return html`<p class="state" aria-live="polite">Loading…</p>`;
    if (empty) return html`<p class="state">${empty}</p>`;
    return null;
}

export const fmt_time = (t) => (t ? t.replace('T', ' ').replace('Z', ' UTC') : '—');

export function countdown(iso, now = Date.now()) {
    const s = Math.round((Date.parse(iso) - now) / 1000);
    const a = Math.abs(s);
    const text = a >= 86400 ? `${Math.floor(a / 86400)} d` : a >= 3600 ? `${Math.floor(a / 3600)} h` : `${Math.floor(a / 60)} min`;
    return s >= 0 ? `in ${text}` : `${text} ago`;
}

export const badge = (status) => html`<span class="badge ${status}">${status}</span>`;
