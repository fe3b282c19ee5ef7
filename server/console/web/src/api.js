// The console's only way to the server: the admin token as a Bearer header (never in a URL),
// kept in sessionStorage so that it dies with the tab. No cookies: no CSRF surface.
const KEY = 'localca.console.token';

export const session = {
    token: () => sessionStorage.getItem(KEY),
    role: () => sessionStorage.getItem(KEY + '.role'),
    save(token, role) {
        sessionStorage.setItem(KEY, token);
        sessionStorage.setItem(KEY + '.role', role);
    },
    clear() {
        sessionStorage.removeItem(KEY);
        sessionStorage.removeItem(KEY + '.role');
    },
};

export class api_error extends Error {
    constructor(status, message) {
        super(message);
        this.status = status;
    }
}

// fetch() with the token; JSON in and out. Throws api_error with the server's message.
export async function call(path, { method = 'GET', body, token = session.token() } = {}) {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
    });
    const text = await res.text();
    let data = null;
    try {
        data = text ? JSON.parse(text) : null;
    } catch {
        data = { message: text };
    }
    if (!res.ok) throw new api_error(res.status, (data && data.message) || res.statusText);
    return data;
}

export const query = (params) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
    const s = q.toString();
    return s ? '?' + s : '';
};
