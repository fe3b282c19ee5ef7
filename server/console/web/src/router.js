// History API routes under /console/: the page and its filters live in the URL, so a link can be
// shared and the back button works. The server answers index.html for every such path.
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/console';

export function current() {
    const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '/';
    return { path: path || '/', params: new URLSearchParams(location.search) };
}

export function navigate(to, { replace = false } = {}) {
    const url = to.startsWith(BASE) ? to : BASE + to;
    if (url === location.pathname + location.search) return;
    history[replace ? 'replaceState' : 'pushState'](null, '', url);
    dispatchEvent(new PopStateEvent('popstate'));
}

export function use_location() {
    const [loc, set] = useState(current);
    useEffect(() => {
        const on = () => set(current());
        addEventListener('popstate', on);
        return () => removeEventListener('popstate', on);
    }, []);
    return loc;
}

// <a> clicks inside the app become navigate() calls (modifier clicks keep the browser's way).
export function on_link_click(e) {
    const a = e.target.closest && e.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download') || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const href = a.getAttribute('href');
    if (!href.startsWith(BASE + '/') && href !== BASE) return;
    e.preventDefault();
    navigate(href);
}
