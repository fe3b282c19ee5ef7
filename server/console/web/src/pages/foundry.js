// Foundry: accounts -> an account's devices -> the managed certificates with their topic
// policies (the MQTT topic filters each certificate may use). Level in the URL:
// ?account=&device=; the devices and certificates lists page separately (cursor, ccursor).
import { query } from '../api.js';
import { enc, ListTable, Pager, Trail, use_list, yes_no } from '../browse.js';
import { html } from '../ui.js';

const here = (p) => '/console/foundry' + query(p);

function Topics({ topics }) {
    if (!topics.length) return html`<span class="muted">none</span>`;
    return html`<ul class="topics">${topics.map((t) => html`<li><code>${t}</code></li>`)}</ul>`;
}

function AccountCertificates({ account, device, params }) {
    const list = use_list(`/admin/v1/foundry/accounts/${enc(account)}/certificates`, params.get('ccursor') || undefined, { device });
    return html`<h2>${device ? `Certificates and topic policies of device ${device}` : 'Certificates and topic policies'}</h2>
        <${ListTable} list=${list} label="Certificates and topic policies" testid="foundry-certificates"
            empty=${device ? 'This device holds no certificate.' : 'This account has no managed certificate.'}
            columns=${[
                ['certSN', (c) => html`<a href=${'/console/certificates/' + c.certSN}>${c.certSN}</a>`],
                ['Certificate ID', (c) => html`<span class="mono" title=${c.certificateId}>${c.certificateId.slice(0, 16)}…</span>`],
                ['Device', (c) => (c.deviceId ? html`<a href=${here({ account, device: c.deviceId })}>${c.deviceId}</a>` : '—')],
                ['Active', (c) => yes_no(c.active)],
                ['Topic policy', (c) => html`<${Topics} topics=${c.topics} />`],
            ]} />
        <${Pager} list=${list} page="/foundry" params=${params} cursor_key="ccursor" label="Certificate pages" />`;
}

export function Foundry({ params }) {
    const account = params.get('account') || undefined;
    const device = account && (params.get('device') || undefined);
    const path = account ? `/admin/v1/foundry/accounts/${enc(account)}/devices` : '/admin/v1/foundry/accounts';
    const list = use_list(path, params.get('cursor') || undefined);
    const trail = [['Accounts', here({})]];
    if (account) trail.push([`Account ${account}`, here({ account })]);
    if (device) trail.push([`Device ${device}`, '']);
    if (!account) {
        return html`<h1>Foundry</h1>
            <${Trail} items=${trail} />
            <${ListTable} list=${list} label="Foundry accounts" testid="foundry-accounts" empty="No Foundry account is seeded (localca seed)."
                columns=${[
                    ['Account', (a) => html`<a href=${here({ account: a.accountId })}>${a.accountId}</a>`],
                    ['Region', (a) => a.region || 'default'],
                    ['Devices', (a) => a.devices],
                    ['Certificates', (a) => a.certificates],
                ]} />
            <${Pager} list=${list} page="/foundry" params=${params} label="Account pages" />`;
    }
    return html`<h1>Foundry</h1>
        <${Trail} items=${trail} />
        ${!device &&
        html`<h2>Devices of account ${account}</h2>
            <${ListTable} list=${list} label=${'Devices of account ' + account} testid="foundry-devices" empty="This account has no device."
                columns=${[
                    ['Device', (d) => html`<a href=${here({ account, device: d.deviceId })}>${d.deviceId}</a>`],
                    ['Certificates', (d) => d.certificates],
                    ['Active', (d) => d.activeCertificates],
                ]} />
            <${Pager} list=${list} page="/foundry" params=${params} label="Device pages" />`}
        <${AccountCertificates} account=${account} device=${device} params=${params} />`;
}
