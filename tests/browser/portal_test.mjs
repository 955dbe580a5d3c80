// The members' pages in a real browser: headless Debian Chromium driven by playwright-core.
// Run by tests/portal/portal_browser_test.cpp, which starts the host with its data and writes
// the spec this reads (argv[2]):
//   { "base": "http://127.0.0.1:PORT", "other_origin": "http://localhost:PORT",
//     "artefacts": "DIR", "consumers": [{ "name", "tenant", "account", "password", "brand",
//       "expect": { "<page>": ["text", ...] }, "foreign": ["canary", ...] }, ...] }
// Every consumer logs in in its own browser context, side by side with the others; every
// page is opened in Japanese and in English, must show the consumer's own expected text and
// none of the other consumers' canaries, and must have no serious or critical axe-core
// violation. Screenshots go to DIR. Then: CSRF from another site, the high-speed switch,
// logging out. Prints one line per check; exits 1 on the first failure.
import { readFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
mkdirSync(spec.artefacts, { recursive: true });
const pages = ['', 'history', 'calls', 'bills', 'contract', 'account'];
let checks = 0;

function check(ok, what) {
  if (!ok) throw new Error('FAILED: ' + what);
  checks += 1;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync']
});

// A page of another site (another host name, so another site for SameSite) that tries to
// change the consumer's line with the consumer's cookie: a form posted to the host.
const attacker = createServer((req, res) => {
  res.setHeader('Content-Type', 'text/html');
  res.end(`<!DOCTYPE html><html><body>
    <form id="f" method="post" action="${spec.base}/portal/api/v1/speed">
      <input name="high_speed" value="off"></form>
    <form id="g" method="post" action="${spec.base}/portal/api/v1/logout-everywhere"></form>
    <script>
      fetch('${spec.base}/portal/api/v1/speed', { method: 'POST', credentials: 'include', mode: 'no-cors',
        headers: { 'Content-Type': 'text/plain' }, body: '{"high_speed":"off"}' })
        .finally(() => document.getElementById('f').submit());
    </script></body></html>`);
});
await new Promise((resolve) => attacker.listen(Number(new URL(spec.other_origin).port), '127.0.0.1', resolve));

async function login(page, c, lang) {
  await page.goto(`${spec.base}/portal/my/${c.tenant}/login?lang=${lang}`);
  await page.getByLabel(lang === 'ja' ? 'アカウント ID' : 'Account ID').fill(c.account);
  await page.getByLabel(lang === 'ja' ? 'パスワード' : 'Password', { exact: true }).fill(c.password);
  await Promise.all([page.waitForURL(`${spec.base}/portal/my/${c.tenant}/?lang=${lang}`),
    page.getByRole('button', { name: lang === 'ja' ? 'ログイン' : 'Log in' }).click()]);
}

// Opens the page, waits for its data, checks what it shows and its accessibility.
async function visit(page, c, path, lang) {
  const month = path === 'history' ? `&month=${spec.month}` : '';
  const url = `${spec.base}/portal/my/${c.tenant}/${path}?lang=${lang}${month}`;
  await page.goto(url);
  await page.waitForFunction(() => !document.querySelector('#content .loading') ||
    document.getElementById('status').className === 'error', null, { timeout: 15000 });
  const status = await page.locator('#status').textContent();
  check(!/error/.test(await page.locator('#status').getAttribute('class') || ''), `${c.name} ${path || 'overview'} (${lang}) loaded: ${status}`);
  const text = await page.locator('body').innerText();
  const html = await page.content();
  check(text.includes(c.brand), `${c.name} ${path || 'overview'} (${lang}) carries the brand ${c.brand}`);
  for (const wanted of (c.expect[path || 'overview'] || [])) {
    check(text.includes(wanted), `${c.name} ${path || 'overview'} (${lang}) shows "${wanted}"`);
  }
  for (const canary of c.foreign) {
    check(!html.includes(canary), `${c.name} ${path || 'overview'} (${lang}) shows nothing of another consumer ("${canary}")`);
  }
  check((await page.locator('html').getAttribute('lang')) === lang, `${c.name} ${path || 'overview'} is in ${lang}`);
  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(serious.length === 0, `${c.name} ${path || 'overview'} (${lang}): no serious accessibility violation` +
    serious.map((v) => `\n  ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join(''));
  await page.screenshot({ path: `${spec.artefacts}/${c.name}-${path || 'overview'}-${lang}.png`, fullPage: true });
}

try {
  // Side by side: each consumer in its own context (its own cookies), logged in at once.
  const sessions = [];
  for (const c of spec.consumers) {
    const context = await browser.newContext({ locale: c.locale, viewport: c.phone ? { width: 375, height: 740 } : undefined });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log(`${c.name}: script error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') console.log(`${c.name}: console: ${m.text()}`); });
    await login(page, c, c.locale.slice(0, 2));
    sessions.push({ c, context, page });
  }
  console.log(`logged in: ${sessions.map((s) => s.c.name).join(', ')}`);

  for (const lang of ['ja', 'en']) {
    for (const path of pages) {
      for (const { c, page } of sessions) await visit(page, c, path, lang);
    }
  }
  console.log(`every page in both languages: ${checks} checks`);

  // The login page is accessible too, and a wrong password says nothing about the account.
  {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const c = spec.consumers[0];
    for (const account of [c.account, 'no-such-account']) {
      await page.goto(`${spec.base}/portal/my/${c.tenant}/login?lang=en`);
      await page.getByLabel('Account ID').fill(account);
      await page.getByLabel('Password', { exact: true }).fill('not the password');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.locator('#form-error:not(:empty)').waitFor();
      check((await page.locator('#form-error').textContent()) === 'The account ID or the password is not right.',
        `a wrong password for ${account === c.account ? 'an account' : 'no account'} gets the same answer`);
    }
    const axe = await new AxeBuilder({ page }).analyze();
    check(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').length === 0,
      'the login page: no serious accessibility violation');
    await page.screenshot({ path: `${spec.artefacts}/login-en.png` });
    await context.close();
  }

  // The high-speed switch: pressed, it changes, and stays changed after a reload.
  {
    const { c, page } = sessions[0];
    await page.goto(`${spec.base}/portal/my/${c.tenant}/?lang=en`);
    const button = page.locator('#speed-switch');
    await button.waitFor();
    check((await button.getAttribute('aria-pressed')) === 'true', 'high speed is on at first');
    await button.click();
    await page.locator('#status', { hasText: 'High-speed data is now Off' }).waitFor();
    await page.reload();
    await page.locator('#speed-switch').waitFor();
    check((await page.locator('#speed-switch').getAttribute('aria-pressed')) === 'false', 'the switch stays off after a reload');
    await page.locator('#speed-switch').click();
    await page.locator('#status', { hasText: 'High-speed data is now On' }).waitFor();
  }

  // CSRF: another site's page posts forms and a no-cors fetch to the host with the consumer's
  // browser. The session cookie is not sent cross-site, so nothing changes and the session lives.
  {
    const { c, context, page } = sessions[0];
    const evil = await context.newPage();
    const refused = [];
    evil.on('response', (r) => { if (r.url().startsWith(spec.base)) refused.push(r.status()); });
    await evil.goto(`${spec.other_origin}/`);
    await evil.waitForURL(`${spec.base}/portal/api/v1/speed`);
    check(refused.length > 0 && refused.every((s) => s === 401 || s === 403),
      `the other site's posts are refused (${refused.join(', ')})`);
    const state = await page.evaluate(async () => (await fetch('/portal/api/v1/speed')).json());
    check(state.high_speed === true, 'the other site did not switch high speed off');
    const me = await page.evaluate(async () => (await fetch('/portal/api/v1/me')).status);
    check(me === 200, `${c.name}'s session survives the other site`);
    const cookies = await context.cookies(spec.base);
    const session = cookies.find((k) => k.name.endsWith('mvne_session'));
    check(session && session.sameSite === 'Strict' && session.httpOnly && session.path === '/',
      'the session cookie is HttpOnly, SameSite=Strict, Path=/');
    await evil.close();
  }

  // Logging out ends the session: the pages then ask to log in again.
  {
    const { c, page } = sessions[sessions.length - 1];
    await page.goto(`${spec.base}/portal/my/${c.tenant}/contract?lang=en`);
    await Promise.all([page.waitForURL(/\/login/), page.getByRole('button', { name: 'Log out' }).click()]);
    await page.goto(`${spec.base}/portal/my/${c.tenant}/contract?lang=en`);
    await page.waitForURL(/\/login/);
    check(true, `${c.name} logged out: the contract page sends to the login page`);
  }
  console.log(`PASSED: ${checks} checks; screenshots in ${spec.artefacts}`);
} catch (error) {
  console.log(error.message);
  process.exitCode = 1;
} finally {
  await browser.close();
  attacker.close();
}
