// EnOS: orgs -> products -> devices -> a device's certificates. The level is the URL's filters
// (?org=&product=&device=), so each level is a shareable link and back goes up.
import { call, query } from '../api.js';
import { enc, ListTable, Pager, PAGE_SIZE, Trail, use_list, yes_no } from '../browse.js';
import { badge, fmt_time, html, use_data } from '../ui.js';

const here = (p) => '/console/enos' + query(p);

function DeviceCertificates({ org, product, device, params }) {
    const filter = { api: 'enos', org, product, device };
    const q = query({ ...filter, limit: PAGE_SIZE, cursor: params.get('cursor') || undefined });
    const list = use_data(() => call('/admin/v1/certificates' + q), [q]);
    return html`<h2>Certificates of device ${device}</h2>
        <${ListTable} list=${list} label=${'Certificates of device ' + device} testid="enos-certificates"
            empty="This device holds no certificate."
            columns=${[
                ['certSN', (c) => html`<a href=${'/console/certificates/' + c.certSN}>${c.certSN}</a>`],
                ['Subject', (c) => c.subject],
                ['Authority', (c) => c.authority],
                ['Status', (c) => badge(c.status)],
                ['notAfter', (c) => fmt_time(c.notAfter)],
            ]} />
        <${Pager} list=${list} page="/enos" params=${params} label="Certificate pages" />`;
}

export function Enos({ params }) {
    const org = params.get('org') || undefined;
    const product = org && (params.get('product') || undefined);
    const device = product && (params.get('device') || undefined);
    const cursor = params.get('cursor') || undefined;
    const path = !org
        ? '/admin/v1/enos/orgs'
        : !product
          ? `/admin/v1/enos/orgs/${enc(org)}/products`
          : `/admin/v1/enos/orgs/${enc(org)}/products/${enc(product)}/devices`;
    // The device level lists certificates, not devices: its cursor is theirs.
    const list = use_list(path, device ? undefined : cursor);
    const trail = [['Orgs', here({})]];
    if (org) trail.push([`Org ${org}`, here({ org })]);
    if (product) trail.push([`Product ${product}`, here({ org, product })]);
    if (device) trail.push([`Device ${device}`, '']);
    let body;
    if (device) {
        body = html`<${DeviceCertificates} org=${org} product=${product} device=${device} params=${params} />
            <p><a href=${'/console/certificates' + query({ api: 'enos', org, product, device })}>Open in Certificates</a></p>`;
    } else if (product) {
        body = html`<h2>Devices of product ${product}</h2>
            <${ListTable} list=${list} label=${'Devices of product ' + product} testid="enos-devices" empty="This product has no device."
                columns=${[
                    ['Device key', (d) => html`<a href=${here({ org, product, device: d.deviceKey })}>${d.deviceKey}</a>`],
                    ['Asset ID', (d) => d.assetId],
                    ['Name', (d) => d.name || '—'],
                    ['Disabled', (d) => yes_no(d.disabled)],
                    ['Certificates', (d) => d.certificates],
                ]} />`;
    } else if (org) {
        body = html`<h2>Products of org ${org}</h2>
            <${ListTable} list=${list} label=${'Products of org ' + org} testid="enos-products" empty="This org has no product."
                columns=${[
                    ['Product key', (p) => html`<a href=${here({ org, product: p.productKey })}>${p.productKey}</a>`],
                    ['Bi-directional auth', (p) => yes_no(p.biDirectionalAuth)],
                    ['Max valid days', (p) => p.maxValidDay],
                    ['Devices', (p) => p.devices],
                ]} />`;
    } else {
        body = html`<${ListTable} list=${list} label="EnOS orgs" testid="enos-orgs" empty="No EnOS org is seeded (localca seed)."
            columns=${[
                ['Org', (o) => html`<a href=${here({ org: o.orgId })}>${o.orgId}</a>`],
                ['Products', (o) => o.products],
                ['Devices', (o) => o.devices],
            ]} />`;
    }
    return html`<h1>EnOS</h1>
        <${Trail} items=${trail} />
        ${body}
        ${!device && html`<${Pager} list=${list} page="/enos" params=${params} label="List pages" />`}`;
}
