// Drives Debian's Chromium through the LocalCA console (run by tests/browser/test_console.py,
// which starts the server and checks the results against it). Environment: BASE, OPERATOR,
// VIEWER, VICTIM (certSN to revoke), SHORT (certSN that expires within days), PENDING (emCA
// request id), LISTED_PREFIX / LISTED_COUNT (the CN prefix and count of the listed
// certificates), ENOS_ORG / ENOS_PRODUCT / ENOS_DEVICE / ENOS_SN (an EnOS device and its
// certificate), FOUNDRY_ACCOUNT / FOUNDRY_DEVICE / FOUNDRY_SN / FOUNDRY_TOPICS (a Foundry
// certificate and its topic policy, JSON), SHOTS (screenshot dir), CHROMIUM, WEB
// (server/console/web, for node_modules).
// Prints one JSON line of results last; exits non-zero on the first failed check.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const env = process.env;
const require = createRequire(path.join(env.WEB, 'package.json'));
const { chromium } = require('playwright-core');
const axe_source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

function check(ok, what) {
    if (!ok) throw new Error('check failed: ' + what);
    console.log('ok - ' + what);
}

const problems = [];
const user_data = fs.mkdtempSync(path.join(os.tmpdir(), 'localca-chromium-'));
const context = await chromium.launchPersistentContext(user_data, {
    executablePath: env.CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
});

async function open_page() {
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && problems.push('console error: ' + m.text()));
    page.on('pageerror', (e) => problems.push('page error: ' + e.message));
    // Runs before the page's own script, outside its CSP: records every violation.
    await page.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) =>
            window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    return page;
}

// Per page: no CSP violation so far, no console error, axe-core without serious/critical
// findings, and a screenshot.
async function audit_page(page, name) {
    await page.waitForTimeout(300);
    const csp = await page.evaluate(() => window.__csp);
    check(csp.length === 0, `${name}: no CSP violation ${JSON.stringify(csp)}`);
    check(problems.length === 0, `${name}: no console error ${JSON.stringify(problems)}`);
    await page.evaluate(axe_source);
    const found = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
    check(found.length === 0, `${name}: axe-core finds no serious or critical violation ${JSON.stringify(found)}`);
    await page.screenshot({ path: path.join(env.SHOTS, name + '.png'), fullPage: true });
}

async function sign_in(page, token) {
    await page.goto(env.BASE + '/console/');
    await page.getByLabel('Admin token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
}

const rows = (page) => page.locator('table.certs tbody tr').evaluateAll((trs) => trs.map((t) => t.dataset.sn));

const result = {};
const page = await open_page();

// The server's headers, as the browser received them.
const resp = await page.goto(env.BASE + '/console');
check(resp.url().endsWith('/console/'), '/console redirects to /console/');
check(/frame-ancestors 'none'/.test(resp.headers()['content-security-policy']), 'CSP header present');

// Sign-in: a bad token is refused and stored nowhere.
await page.getByLabel('Admin token').fill('not-a-token');
await page.getByRole('button', { name: 'Sign in' }).click();
await page.getByRole('alert').filter({ hasText: 'refused' }).waitFor();
check(await page.evaluate(() => sessionStorage.length === 0), 'bad token refused and not kept');
// Chromium logs the refused request itself as an error: the one expected error of the run.
check(problems.length === 1 && problems[0].includes('401'), 'the only error so far is the refusal');
problems.length = 0;
await audit_page(page, 'signin');
await page.getByLabel('Admin token').fill(env.OPERATOR);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.getByRole('heading', { name: 'Overview' }).waitFor();
check(!page.url().includes(env.OPERATOR), 'the token is not in the URL');
check(await page.evaluate(() => document.cookie === ''), 'no cookie');

// Overview: both charts drawn on canvases, the issuance chart with this test's certificates.
await page.locator('figure.chart canvas').nth(1).waitFor();
const issued = Number(await page.locator('figure.chart').first().getAttribute('data-total'));
check(issued >= Number(env.LISTED_COUNT) + 1, `issuance chart holds the issued certificates (${issued})`);
const expiring = Number(await page.locator('figure.chart').nth(1).getAttribute('data-total'));
check(expiring >= Number(env.LISTED_COUNT), `expiry chart holds the certificates expiring in 12 weeks (${expiring})`);
await page.getByTestId('live-valid').waitFor();
await audit_page(page, 'overview');

// Certificates: filter by CN prefix, 5 a page, walk every page, back button returns.
await page.getByRole('link', { name: 'Certificates' }).click();
await page.getByRole('heading', { name: 'Certificates' }).waitFor();
await page.getByLabel('Search').fill(env.LISTED_PREFIX);
await page.getByLabel('Per page').fill('5');
await page.getByRole('button', { name: 'Apply filters' }).click();
await page.waitForURL(/q=console-/);
await page.locator('table.certs tbody tr').first().waitFor();
const seen = [];
let first_page = null;
for (;;) {
    const sns = await rows(page);
    first_page = first_page || sns;
    check(sns.length <= 5, `page of ${sns.length} rows`);
    seen.push(...sns);
    const next = page.getByRole('button', { name: 'Next page' });
    if (!(await next.count())) break;
    const before = page.url();
    await next.click();
    await page.waitForURL((u) => u.toString() !== before);
    await page.waitForFunction((old) => {
        const first = document.querySelector('table.certs tbody tr');
        return first && first.dataset.sn !== old;
    }, sns[0]);
}
check(seen.length === Number(env.LISTED_COUNT) && new Set(seen).size === seen.length,
    `paging lists every matching certificate once (${seen.length})`);
await page.goBack();
await page.waitForFunction(() => document.querySelector('table.certs tbody tr'));
check(page.url().includes('cursor='), 'back button returns to the previous page');
await audit_page(page, 'certificates');

// Detail and revocation through the confirmation dialog.
await page.getByLabel('Search').fill(env.VICTIM);
await page.getByRole('button', { name: 'Apply filters' }).click();
await page.getByRole('link', { name: env.VICTIM, exact: true }).click();
await page.getByRole('heading', { name: `Certificate ${env.VICTIM}` }).waitFor();
await page.getByText('SHA-256').waitFor();
check((await page.getByRole('link', { name: 'Download PEM' }).getAttribute('href')).includes('BEGIN%20CERTIFICATE'),
    'PEM download link holds the certificate');
check(/^\d{4}-\d\d-\d\d /.test(await page.locator('table tbody tr td').first().textContent()),
    'the audit entries of the detail show their time');
await audit_page(page, 'detail');
await page.getByLabel('Reason').selectOption({ label: 'keyCompromise' });
await page.getByRole('button', { name: 'Revoke', exact: true }).click();
await page.getByRole('dialog').waitFor();
await page.getByRole('button', { name: 'Confirm revoke' }).click();
await page.getByTestId('detail-status').filter({ hasText: 'revoked' }).waitFor();
await page.getByRole('link', { name: '← All certificates' }).click();
await page.getByLabel('Search').fill(env.VICTIM);
await page.getByRole('button', { name: 'Apply filters' }).click();
await page.locator(`tr[data-sn="${env.VICTIM}"] .badge.revoked`).waitFor();
check(true, 'revoked certificate shows revoked in the table');

// emCA: the users and profiles beside the pending requests; approve one and open its certificate.
await page.getByRole('link', { name: 'emCA' }).click();
await page.getByTestId('emca-pending').getByRole('cell', { name: env.PENDING, exact: true }).waitFor();
await page.getByTestId('emca-users').getByRole('rowheader', { name: 'app1', exact: true }).waitFor();
const manual = page.getByTestId('emca-profiles').locator('tr', { has: page.getByRole('rowheader', { name: '9', exact: true }) });
check((await manual.locator('td').last().textContent()) === 'yes', 'emCA profile 9 is listed as needing an officer');
await page.getByRole('button', { name: 'Approve ' + env.PENDING }).click();
const opened = page.getByRole('link', { name: /Open certificate/ });
await opened.waitFor();
result.approvedSN = (await opened.textContent()).match(/([0-9]+)/)[1];
const app1 = page.getByTestId('emca-users').locator('tr', { has: page.getByRole('rowheader', { name: 'app1', exact: true }) });
await app1.getByRole('link', { name: /^1 certificates of app1$/ }).waitFor();
check((await app1.locator('td').nth(3).textContent()) === '0', "the approval updates the user's pending and certificate counts");
await audit_page(page, 'emca');
await opened.click();
await page.getByText('console-pending').first().waitFor();
check(true, 'approved emCA request opens its certificate');
// The user's certificate count links to the inventory filtered by that user.
await page.getByRole('link', { name: 'emCA' }).click();
await page.getByRole('link', { name: /certificates of app1$/ }).click();
await page.getByTestId('owner-filter').filter({ hasText: 'user app1' }).waitFor();
await page.locator(`tr[data-sn="${result.approvedSN}"]`).waitFor();
check(true, "an emCA user's certificates open in the inventory, filtered by the user");

// EnOS: org -> product -> device -> its certificate; every level is a URL, back goes up.
await page.getByRole('link', { name: 'EnOS', exact: true }).click();
await page.getByTestId('enos-orgs').waitFor();
await page.getByRole('link', { name: env.ENOS_ORG, exact: true }).click();
await page.getByTestId('enos-products').waitFor();
check(new URL(page.url()).searchParams.get('org') === env.ENOS_ORG, 'the org is in the URL');
await page.getByRole('link', { name: env.ENOS_PRODUCT, exact: true }).click();
const enos_devices = page.getByTestId('enos-devices');
await enos_devices.waitFor();
const enos_row = enos_devices.locator('tr', { has: page.getByRole('link', { name: env.ENOS_DEVICE, exact: true }) });
check((await enos_row.locator('td').last().textContent()) === '1', 'the device row counts its certificate');
await enos_row.getByRole('link', { name: env.ENOS_DEVICE, exact: true }).click();
const enos_cert = page.getByTestId('enos-certificates').getByRole('link', { name: env.ENOS_SN, exact: true });
await enos_cert.waitFor();
await audit_page(page, 'enos');
await page.goBack();
await enos_devices.waitFor();
check(new URL(page.url()).searchParams.get('device') === null, 'back returns from the device to its product');
await page.goForward();
await enos_cert.click();
await page.getByRole('heading', { name: `Certificate ${env.ENOS_SN}` }).waitFor();
check(true, "an EnOS device's certificate opens its detail");

// Foundry: account -> device -> its certificate with the topic policy, in order.
await page.getByRole('link', { name: 'Foundry', exact: true }).click();
await page.getByTestId('foundry-accounts').waitFor();
await page.getByRole('link', { name: env.FOUNDRY_ACCOUNT, exact: true }).click();
await page.getByTestId('foundry-devices').getByRole('link', { name: env.FOUNDRY_DEVICE, exact: true }).click();
await page.waitForURL((u) => new URL(u).searchParams.get('device') === env.FOUNDRY_DEVICE);
await page.getByRole('heading', { name: `Certificates and topic policies of device ${env.FOUNDRY_DEVICE}` }).waitFor();
const foundry_row = page.getByTestId('foundry-certificates')
    .locator('tr', { has: page.getByRole('link', { name: env.FOUNDRY_SN, exact: true }) });
const topics = await foundry_row.locator('ul.topics code').allTextContents();
check(JSON.stringify(topics) === JSON.stringify(JSON.parse(env.FOUNDRY_TOPICS)), `the certificate's topic policy is listed in order ${JSON.stringify(topics)}`);
await audit_page(page, 'foundry');
await foundry_row.getByRole('link', { name: env.FOUNDRY_SN, exact: true }).click();
await page.getByRole('heading', { name: `Certificate ${env.FOUNDRY_SN}` }).waitFor();
check(true, "a Foundry device's certificate opens its detail");

// Audit: the chain is verified.
await page.getByRole('link', { name: 'Audit' }).click();
await page.getByTestId('chain').filter({ hasText: 'verified' }).waitFor();
await page.locator('table tbody tr').first().waitFor();
await audit_page(page, 'audit');

// Lab: advance the CA clock past the short certificate's notAfter; the console shows it expired.
await page.getByRole('link', { name: 'Lab' }).click();
await page.getByTestId('lab-now').waitFor();
await page.getByLabel('Advance by').fill('3d');
await page.getByRole('button', { name: 'Advance clock' }).click();
await page.getByText('offset 259200 s').waitFor();
// Fault rules: add one, see it listed with its counter, clear them.
await page.getByLabel('Rule (JSON, docs/lab.md)').fill('{"api":"enos","operation":"apply","effect":{"httpStatus":503},"times":1}');
await page.getByRole('button', { name: 'Add rule' }).click();
await page.locator('ul.rules li').filter({ hasText: '"fired":0' }).waitFor();
check(true, 'a fault rule added in the console is listed with its counter');
await audit_page(page, 'lab');
await page.goto(`${env.BASE}/console/certificates?q=${env.SHORT}`);
await page.locator(`tr[data-sn="${env.SHORT}"] .badge.expired`).waitFor();
check(true, 'lab clock advance turns the short certificate expired');
await page.goto(`${env.BASE}/console/lab`);
await page.getByRole('button', { name: 'Reset clock' }).click();
await page.getByText('offset 0 s').waitFor();
await page.getByRole('button', { name: 'Clear all rules' }).click();
await page.getByText('No fault rule.').waitFor();
check(true, 'clock reset and fault rules cleared from the console');

// Snapshots: take one, reset to the baseline (this run's certificates are gone), restore the
// snapshot (they are back, the revocation too), then delete it. Each asks in a dialog first.
await page.getByLabel('Snapshot name').fill('before-reset');
await page.getByRole('button', { name: 'Take snapshot' }).click();
await page.locator('tr[data-snapshot="before-reset"]').waitFor();
const ask = async (button, confirm) => {
    await page.getByRole('button', { name: button, exact: true }).click();
    await page.getByRole('dialog').waitFor();
    await page.getByRole('button', { name: confirm }).click();
};
await ask('Reset to baseline', 'Confirm reset');
await page.getByRole('status').filter({ hasText: 'Restored _baseline' }).waitFor();
await page.goto(`${env.BASE}/console/certificates?q=${env.LISTED_PREFIX}`);
await page.getByText('No certificate matches these filters.').waitFor();
check(true, 'reset to the baseline removes the certificates issued since');
await page.goto(`${env.BASE}/console/lab`);
await ask('Restore before-reset', 'Confirm restore');
await page.getByRole('status').filter({ hasText: 'Restored before-reset' }).waitFor();
await audit_page(page, 'snapshots');
await page.goto(`${env.BASE}/console/certificates?q=${env.VICTIM}`);
await page.locator(`tr[data-sn="${env.VICTIM}"] .badge.revoked`).waitFor();
check(true, 'restoring the snapshot brings back the certificates and the revocation');
await page.goto(`${env.BASE}/console/lab`);
await ask('Delete before-reset', 'Confirm delete');
await page.getByRole('status').filter({ hasText: 'Snapshot before-reset deleted' }).waitFor();
await page.locator('tr[data-snapshot="before-reset"]').waitFor({ state: 'detached' });
check(true, 'a deleted snapshot leaves the list');

// 360 px wide: the certificates page still fits.
await page.setViewportSize({ width: 360, height: 800 });
await page.goto(`${env.BASE}/console/certificates?q=${env.LISTED_PREFIX}&limit=5`);
await page.locator('table.certs tbody tr').first().waitFor();
const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
check(overflow <= 0, `no horizontal page overflow at 360 px (${overflow})`);
await audit_page(page, 'mobile');
await page.goto(`${env.BASE}/console/enos?org=${env.ENOS_ORG}&product=${env.ENOS_PRODUCT}`);
await page.getByTestId('enos-devices').waitFor();
const enos_overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
check(enos_overflow <= 0, `no horizontal page overflow of the EnOS devices at 360 px (${enos_overflow})`);
await audit_page(page, 'mobile-enos');

// A viewer sees no Revoke button.
await page.evaluate(() => sessionStorage.clear());
await page.setViewportSize({ width: 1280, height: 900 });
await sign_in(page, env.VIEWER);
await page.getByRole('heading', { name: 'Overview' }).waitFor();
await page.goto(`${env.BASE}/console/certificates/${env.SHORT}`);
await page.getByText('SHA-256').waitFor();
check(await page.getByRole('button', { name: 'Revoke' }).count() === 0, 'viewer sees no Revoke button');
await audit_page(page, 'viewer-detail');
// A viewer browses (read-only lists) but gets no lab action; the API refuses them anyway.
await page.goto(`${env.BASE}/console/foundry?account=${env.FOUNDRY_ACCOUNT}`);
await page.getByTestId('foundry-devices').waitFor();
await page.goto(`${env.BASE}/console/lab`);
await page.getByText('The lab routes need an operator token').waitFor();
check(await page.getByRole('button', { name: /Take snapshot|Reset|Restore|Delete/ }).count() === 0,
    'viewer sees no snapshot, restore or reset action');
await audit_page(page, 'viewer-lab');

await context.close();
fs.rmSync(user_data, { recursive: true, force: true });
console.log(JSON.stringify(result));
