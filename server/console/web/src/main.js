// The console's shell: sign-in, navigation and the page for the current route.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api_error, call, session } from './api.js';
import { Audit } from './pages/audit.js';
import { CertificateDetail, Certificates } from './pages/certificates.js';
import { Emca } from './pages/emca.js';
import { Enos } from './pages/enos.js';
import { Foundry } from './pages/foundry.js';
import { Lab } from './pages/lab.js';
import { Overview } from './pages/overview.js';
import { navigate, on_link_click, use_location } from './router.js';
import { html } from './ui.js';

function SignIn({ signed_in }) {
    const [state, set] = useState({ busy: false, error: null });
    const submit = async (e) => {
        e.preventDefault();
        const token = new FormData(e.target).get('token').trim();
        set({ busy: true, error: null });
        try {
            const who = await call('/admin/v1/whoami', { token });
            session.save(token, who.role);
            signed_in();
        } catch (err) {
            const text = err instanceof api_error && err.status === 401 ? 'This token was refused.' : err.message;
            set({ busy: false, error: text });
        }
    };
    return html`<main class="signin">
        <h1>LocalCA console</h1>
        <form onSubmit=${submit}>
            <label for="token">Admin token</label>
            <input id="token" name="token" type="password" autocomplete="off" required />
            ${state.error && html`<p class="error" role="alert">${state.error}</p>`}
            <button type="submit" disabled=${state.busy}>Sign in</button>
        </form>
        <p class="muted">Create one with <code>localca admin token create --name NAME --role viewer|operator</code>.
            It is kept for this tab only.</p>
    </main>`;
}

const PAGES = [
    ['/', 'Overview'],
    ['/certificates', 'Certificates'],
    ['/audit', 'Audit'],
    ['/enos', 'EnOS'],
    ['/foundry', 'Foundry'],
    ['/emca', 'emCA'],
    ['/lab', 'Lab', (h) => h.lab],
];

function page_for({ path, params }) {
    const m = path.match(/^\/certificates\/([0-9]+)\/?$/);
    if (m) return html`<${CertificateDetail} sn=${m[1]} />`;
    switch (path.replace(/\/$/, '') || '/') {
        case '/': return html`<${Overview} />`;
        case '/certificates': return html`<${Certificates} params=${params} />`;
        case '/audit': return html`<${Audit} params=${params} />`;
        case '/enos': return html`<${Enos} params=${params} />`;
        case '/foundry': return html`<${Foundry} params=${params} />`;
        case '/emca': return html`<${Emca} params=${params} />`;
        case '/lab': return html`<${Lab} />`;
        default: return html`<h1>Not found</h1><p class="state">No console page at ${path}. <a href="/console/">Overview</a></p>`;
    }
}

function App() {
    const loc = use_location();
    const [signed, set_signed] = useState(!!session.token());
    const [health, set_health] = useState({});
    useEffect(() => {
        fetch('/healthz', { cache: 'no-store' }).then((r) => r.json()).then(set_health, () => set_health({}));
    }, []);
    useEffect(() => {
        const title = PAGES.find(([p]) => p === loc.path);
        document.title = (title ? title[1] + ' · ' : '') + 'LocalCA console';
    }, [loc.path]);
    if (!signed) return html`<${SignIn} signed_in=${() => set_signed(true)} />`;
    const sign_out = () => {
        session.clear();
        set_signed(false);
        navigate('/');
    };
    const section = '/' + (loc.path.split('/')[1] || '');
    return html`<div onClick=${on_link_click}>
        <header class="top">
            <a class="brand" href="/console/">LocalCA</a>
            <nav aria-label="Pages"><ul>
                ${PAGES.filter(([, , when]) => !when || when(health)).map(
                    ([p, name]) => html`<li><a href=${'/console' + (p === '/' ? '/' : p)} aria-current=${section === p ? 'page' : undefined}>${name}</a></li>`,
                )}
            </ul></nav>
            <span class="who">${session.role()} <button type="button" onClick=${sign_out}>Sign out</button></span>
        </header>
        <main id="main">${page_for(loc)}</main>
    </div>`;
}

// The static "Loading…" line is replaced, not kept beside the app (render() diffs, it does not clear).
const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
