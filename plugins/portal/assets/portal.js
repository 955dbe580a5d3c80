// The members' pages' own script: reads the logged-in consumer's data from the consumer API
// (/portal/api/v1/, scoped by the host to this consumer) and shows it. No library, nothing
// fetched from anywhere else; every string comes from the page's message catalogue.
(function () {
  'use strict';

  const site = JSON.parse(document.getElementById('portal-data').textContent);
  const M = site.messages;
  const content = document.getElementById('content');
  const status = document.getElementById('status');
  const api = '/portal/api/v1/';
  let csrf = '';
  let zone = 'UTC';

  // ---- Text and formatting -------------------------------------------------------------

  function t(key, values) {
    let s = M[key] === undefined ? key : M[key];
    for (const name in values || {}) s = s.split('{' + name + '}').join(String(values[name]));
    return s;
  }

  const numbers = new Intl.NumberFormat(site.lang, { maximumFractionDigits: 1 });
  const money = new Intl.NumberFormat(site.lang, {
    style: 'currency', currency: 'JPY', minimumFractionDigits: 0, maximumFractionDigits: 2
  });

  function bytes(n) {
    const units = [[1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']];
    for (const [size, unit] of units) if (Math.abs(n) >= size) return numbers.format(n / size) + ' ' + unit;
    return numbers.format(n) + ' B';
  }

  function when(iso, withTime) {
    if (!iso) return '';
    const options = withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' };
    return new Intl.DateTimeFormat(site.lang, Object.assign({ timeZone: zone }, options)).format(new Date(iso));
  }

  function duration(seconds) {
    const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    const pad = (v) => String(v).padStart(2, '0');
    return (h > 0 ? h + ':' + pad(m) : m) + ':' + pad(s);
  }

  // "2026-12" -> "December 2026" / "2026年12月"
  function monthName(month) {
    const [y, m] = month.split('-').map(Number);
    return new Intl.DateTimeFormat(site.lang, { year: 'numeric', month: 'long', timeZone: 'UTC' })
      .format(new Date(Date.UTC(y, m - 1, 1)));
  }

  function previousMonth(month) {
    const [y, m] = month.split('-').map(Number);
    return m === 1 ? (y - 1) + '-12' : y + '-' + String(m - 1).padStart(2, '0');
  }

  // ---- DOM -----------------------------------------------------------------------------

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const name in attrs || {}) {
      if (name === 'text') node.textContent = attrs[name];
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), attrs[name]);
      else node.setAttribute(name, attrs[name]);
    }
    for (const child of children || []) if (child) node.append(child);
    return node;
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const name in attrs) node.setAttribute(name, attrs[name]);
    return node;
  }

  function section(id, title, children) {
    return el('section', { 'aria-labelledby': id }, [el('h2', { id: id, text: title })].concat(children));
  }

  function table(caption, headers, rows) {
    if (rows.length === 0) return el('p', { class: 'empty', text: caption + ': ' + t('table.none') });
    // On a narrow screen the table scrolls: the region takes the keyboard focus to scroll.
    return el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption }, [el('table', {}, [
      el('caption', { text: caption }),
      el('thead', {}, [el('tr', {}, headers.map((h) => el('th', { scope: 'col', text: h })))]),
      el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c, i) =>
        el(i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row', text: c } : { text: c })))))
    ])]);
  }

  function say(text, kind) {
    status.textContent = text;
    status.className = kind || '';
  }

  function show(nodes) {
    content.replaceChildren(...nodes);
  }

  function go(path) {
    window.location.assign(site.base + path + site.query);
  }

  // ---- The API -------------------------------------------------------------------------

  class Refused extends Error {
    constructor(reply) { super(reply.status); this.reply = reply; }
  }

  async function call(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
    const response = await fetch(path.startsWith('/') ? path : api + path, {
      method: method, headers: headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    const reply = { status: response.status, data: data, retry: Number(response.headers.get('Retry-After') || 0) };
    if (response.status === 401 && site.page !== 'login') { go('login'); throw new Refused(reply); }
    if (!response.ok) throw new Refused(reply);
    return data;
  }

  function failed(error) {
    const reply = error instanceof Refused ? error.reply : null;
    if (reply && reply.status === 401) return;
    const loading = content.querySelector('.loading');
    if (loading) loading.remove();
    if (reply && (reply.status === 503 || reply.status === 429)) say(t('site.busy', { seconds: reply.retry || 5 }), 'error');
    else say(t('site.error'), 'error');
  }

  // A CSV file of `path` (the API's ?format=csv), saved under `name`.
  function csvLink(label, path, name) {
    const sep = path.includes('?') ? '&' : '?';
    return el('a', { class: 'button', href: api + path + sep + 'format=csv', download: name, text: label });
  }

  // ---- Pages ---------------------------------------------------------------------------

  function balance(usage) {
    const total = usage.quota_bytes + usage.carried_over_bytes;
    const used = Math.min(usage.used_bytes, total);
    const figure = (label, value) => el('div', {}, [el('dt', { text: label }), el('dd', { text: bytes(value) })]);
    const bar = el('div', { class: 'bar', role: 'img',
      'aria-label': t('dashboard.bar', { used: bytes(usage.used_bytes), total: bytes(total) }) },
    [el('div', { class: 'bar-used' })]);
    bar.firstChild.style.width = (total > 0 ? (100 * used) / total : 0).toFixed(1) + '%';
    return section('balance-h', t('dashboard.balance'), [
      el('dl', { class: 'figures' }, [
        figure(t('dashboard.quota'), usage.quota_bytes),
        figure(t('dashboard.carried'), usage.carried_over_bytes),
        figure(t('dashboard.used'), usage.used_bytes),
        figure(t('dashboard.left'), usage.left_bytes)]),
      bar,
      el('p', { class: 'as-of', text: t('dashboard.as_of', { time: when(usage.as_of, true) }) })]);
  }

  // One month's daily use as stacked bars (high speed below, low speed above) and a table.
  function dailyChart(title, usage) {
    const [y, m] = usage.month.split('-').map(Number);
    const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const byDay = {};
    let total = 0;
    for (const d of usage.days) {
      byDay[Number(d.date.slice(8, 10))] = d;
      total += d.high_speed_bytes + d.low_speed_bytes;
    }
    const name = monthName(usage.month);
    if (usage.days.length === 0) {
      return el('figure', { class: 'chart' }, [el('figcaption', { text: title + ' (' + name + ')' }),
        el('p', { class: 'empty', text: t('dashboard.no_use', { month: name }) })]);
    }
    const peak = Math.max(1, ...usage.days.map((d) => d.high_speed_bytes + d.low_speed_bytes));
    const w = 12, h = 120;
    const chart = svg('svg', { viewBox: '0 0 ' + days * w + ' ' + (h + 14), role: 'img',
      'aria-label': t('dashboard.chart', { month: name, days: usage.days.length, total: bytes(total) }) });
    for (let day = 1; day <= days; ++day) {
      const d = byDay[day];
      const x = (day - 1) * w + 2;
      if (d) {
        const hi = (h * d.high_speed_bytes) / peak, lo = (h * d.low_speed_bytes) / peak;
        chart.append(svg('rect', { class: 'hi', x: x, y: h - hi, width: w - 4, height: hi }));
        chart.append(svg('rect', { class: 'lo', x: x, y: h - hi - lo, width: w - 4, height: lo }));
      }
      if (day === 1 || day % 5 === 0) {
        const label = svg('text', { x: x + (w - 4) / 2, y: h + 12, 'text-anchor': 'middle' });
        label.textContent = day;
        chart.append(label);
      }
    }
    const rows = usage.days.map((d) => [when(d.date + 'T12:00:00Z'), bytes(d.high_speed_bytes), bytes(d.low_speed_bytes)]);
    return el('figure', { class: 'chart' }, [
      el('figcaption', { text: title + ' (' + name + ')' }), chart,
      el('p', { class: 'legend' }, [el('span', { class: 'key hi', text: t('dashboard.high') }),
        el('span', { class: 'key lo', text: t('dashboard.low') })]),
      el('details', {}, [el('summary', { text: t('dashboard.daily') + ': ' + name }),
        table(t('dashboard.daily') + ' (' + name + ')', [t('table.date'), t('dashboard.high'), t('dashboard.low')], rows)])]);
  }

  function speedSwitch(state) {
    const label = (on) => t(on ? 'dashboard.speed_on' : 'dashboard.speed_off');
    const button = el('button', { type: 'button', class: 'switch', id: 'speed-switch',
      'aria-pressed': String(state.high_speed), 'aria-describedby': 'speed-explain', text: label(state.high_speed) });
    button.addEventListener('click', async () => {
      const on = button.getAttribute('aria-pressed') !== 'true';
      try {
        const after = await call('POST', 'speed', { high_speed: on ? 'on' : 'off' });
        button.setAttribute('aria-pressed', String(after.high_speed));
        button.textContent = label(after.high_speed);
        say(t('dashboard.speed_changed', { state: label(after.high_speed) }));
      } catch (e) { failed(e); }
    });
    return section('speed-h', t('dashboard.speed'), [
      el('p', {}, [el('span', { id: 'speed-label', text: t('dashboard.speed') + ': ' }), button]),
      el('p', { id: 'speed-explain', class: 'hint', text: t('dashboard.speed_explain') })]);
  }

  // A bill line's name in the page's language: the plan's own name, else the catalogue's
  // name for the item ("voice_cdr cdr" -> item.voice_cdr cdr), late and corrected ones marked.
  function itemLabel(line) {
    if (line.kind === 'plan') return line.label;
    for (const [prefix, key] of [['late ', 'item.late'], ['corrected ', 'item.corrected']]) {
      if (line.label.startsWith(prefix)) return t(key, { item: itemLabel({ kind: '', label: line.label.slice(prefix.length) }) });
    }
    if (line.label.startsWith('data')) return t('item.data');
    return M['item.' + line.label] === undefined ? line.label : M['item.' + line.label];
  }

  // A bill line's quantity: bytes for data lines, a count otherwise.
  function quantity(line) {
    return line.kind === 'data' || line.label.startsWith('late data') ? bytes(line.quantity) : numbers.format(line.quantity);
  }

  function charges(bill) {
    const rows = bill.lines.map((l) => [itemLabel(l), quantity(l), money.format(l.amount)]);
    rows.push([t('dashboard.charges_total'), '', money.format(bill.total)]);
    return section('charges-h', t('dashboard.charges'), [
      table(t('dashboard.charges') + ' (' + monthName(bill.month) + ')',
        [t('table.item'), t('table.quantity'), t('table.amount')], rows),
      el('p', { class: 'hint', text: t('dashboard.charges_note') })]);
  }

  const pages = {
    async dashboard() {
      const usage = await call('GET', 'usage');
      const [last, speed, current] = await Promise.all([
        call('GET', 'usage?month=' + previousMonth(usage.month)), call('GET', 'speed'),
        call('GET', 'bills/current')]);
      const zoneNote = zone === 'Asia/Tokyo' ? t('dashboard.days_tz') : t('dashboard.days_other_tz', { zone: zone });
      show([balance(usage), speedSwitch(speed), charges(current),
        section('daily-h', t('dashboard.daily'), [el('p', { class: 'hint', text: zoneNote }),
          dailyChart(t('dashboard.this_month'), usage), dailyChart(t('dashboard.last_month'), last)])]);
    },

    async history() {
      const params = new URLSearchParams(window.location.search);
      const now = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit' }).format(new Date());
      const month = /^\d{4}-\d{2}$/.test(params.get('month') || '') ? params.get('month') : now.slice(0, 7);
      const data = await call('GET', 'data/sessions?month=' + month);
      const rows = data.sessions.map((s) => [when(s.start, true), s.end ? when(s.end, true) : t('table.ongoing'),
        duration(s.duration_s), bytes(s.bytes_up + s.bytes_down)]);
      const picker = el('form', { class: 'inline', method: 'get' }, [
        el('label', { for: 'month', text: t('history.month') }),
        el('input', { id: 'month', name: 'month', type: 'month', value: month }),
        site.query ? el('input', { type: 'hidden', name: 'lang', value: site.lang }) : null,
        el('button', { type: 'submit', text: t('history.show') })]);
      show([picker, paged(t('page.history') + ' (' + monthName(month) + ')',
        [t('table.start'), t('table.end'), t('table.duration'), t('table.volume')], rows),
      el('p', {}, [csvLink(t('history.csv'), 'data/sessions?month=' + month, 'connections-' + month + '.csv')])]);
    },

    async calls() {
      // A list whose plugin the MVNO has not enabled (404) is left out.
      const optional = (list) => list.catch((e) => {
        if (e instanceof Refused && e.reply.status === 404) return null;
        throw e;
      });
      show([await optional(cursorTable('calls', 'cdrs', t('calls.calls'),
        [t('table.start'), t('table.other_party'), t('table.direction'), t('table.duration'), t('table.charge')],
        (c) => [when(c.call_start, true), c.call_type === 'incoming' ? c.calling_number : c.called_number,
          t(c.call_type === 'incoming' ? 'calls.incoming' : 'calls.outgoing'), duration(c.billable_s || c.duration_s || 0),
          money.format(c.charge || 0)], t('calls.csv_calls'))),
      await optional(cursorTable('messages', 'records', t('calls.messages'),
        [t('table.start'), t('table.other_party'), t('table.direction'), t('table.charge')],
        (r) => [when(r.sent_at, true), r.direction === 'MT' ? r.sender : r.recipient,
          t(r.direction === 'MT' ? 'calls.mt' : 'calls.mo'), money.format(r.charge || 0)], t('calls.csv_messages')))]
        .filter((node) => node));
    },

    async bills() {
      const data = await call('GET', 'bills');
      if (data.bills.length === 0) return show([el('p', { class: 'empty', text: t('bills.none') })]);
      show(data.bills.map((b, i) => {
        const rows = b.lines.map((l) => [itemLabel(l), quantity(l), money.format(l.amount)]);
        rows.push([t('table.total'), '', money.format(b.total)]);
        return section('bill-' + i, t('bills.month', { month: monthName(b.month) }), [
          el('p', { text: t('bills.closed', { date: when(b.closed) }) }),
          table(t('bills.month', { month: monthName(b.month) }), [t('table.item'), t('table.quantity'), t('table.amount')], rows),
          el('p', { class: 'actions' }, [
            el('button', { type: 'button', text: t('bills.print'), onclick: () => window.print() }),
            csvLink(t('bills.csv'), 'bills?month=' + b.month, 'bill-' + b.month + '.csv')])]);
      }));
    },

    async contract(me) {
      const figure = (label, value) => el('div', {}, [el('dt', { text: label }), el('dd', { text: value })]);
      show([el('dl', { class: 'figures' }, [figure(t('contract.account'), me.account_id),
        figure(t('contract.service_code'), me.service_code), figure(t('contract.plan'), me.plan)]),
      table(t('contract.lines'), [t('table.number'), t('contract.plan'), t('contract.since'), t('contract.until')],
        me.lines.map((l) => [l.number, l.plan, when(l.from), l.to ? when(l.to) : '–']))]);
    },

    async account() {
      const form = document.getElementById('password-form');
      const error = document.getElementById('form-error');
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        error.textContent = '';
        try {
          await call('POST', 'password', { current_password: form.current_password.value, new_password: form.new_password.value });
          form.reset();
          say(t('account.changed'));
        } catch (e) {
          const reply = e instanceof Refused ? e.reply : null;
          if (reply && reply.status === 403) error.textContent = t('account.wrong');
          else if (reply && reply.status === 400) error.textContent = t('account.rejected', { reason: reply.data.error.message });
          else failed(e);
        }
      });
      document.getElementById('logout-everywhere').addEventListener('click', async () => {
        try { await call('POST', 'logout-everywhere'); go('login'); } catch (e) { failed(e); }
      });
    },

    not_found() {}
  };

  // Rows shown 20 at a time, with previous and next.
  function paged(caption, headers, rows) {
    const size = 20, box = el('div', {});
    let page = 0;
    const draw = () => {
      const pages = Math.max(1, Math.ceil(rows.length / size));
      const nav = rows.length <= size ? null : el('p', { class: 'pager' }, [
        el('button', { type: 'button', text: t('paging.previous'), onclick: () => { page -= 1; draw(); } }),
        el('span', { text: t('paging.position', { page: page + 1, pages: pages }) }),
        el('button', { type: 'button', text: t('paging.next'), onclick: () => { page += 1; draw(); } })]);
      if (nav && page + 1 >= pages) nav.lastChild.disabled = true;
      if (nav) nav.firstChild.disabled = page === 0;
      box.replaceChildren(table(caption, headers, rows.slice(page * size, (page + 1) * size)), nav || '');
    };
    draw();
    return box;
  }

  // A list the API pages with next_cursor: 20 rows at a time, the cursors kept for going back.
  async function cursorTable(path, key, caption, headers, toRow, csvLabel) {
    const box = el('section', { 'aria-label': caption });
    const cursors = [''];
    const load = async (at) => {
      const cursor = cursors[at];
      const data = await call('GET', path + '?limit=20' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      if (data.next_cursor && cursors.length === at + 1) cursors.push(data.next_cursor);
      const pager = el('p', { class: 'pager' }, [
        el('button', { type: 'button', text: t('paging.previous'), onclick: () => load(at - 1).catch(failed) }),
        el('button', { type: 'button', text: t('paging.next'), onclick: () => load(at + 1).catch(failed) })]);
      pager.firstChild.disabled = at === 0;
      pager.lastChild.disabled = !data.next_cursor;
      box.replaceChildren(el('h2', { text: caption }), table(caption, headers, data[key].map(toRow)), pager,
        el('p', {}, [csvLink(csvLabel, path + '?limit=1000', path + '.csv')]));
    };
    await load(0);
    return box;
  }

  // ---- Logging in and out --------------------------------------------------------------

  function login() {
    const form = document.getElementById('login-form');
    const error = document.getElementById('form-error');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      if (!form.account.value || !form.password.value) { error.textContent = t('login.missing'); return; }
      try {
        await call('POST', '/portal/login', { tenant: form.tenant.value, account: form.account.value, password: form.password.value });
        go('');
      } catch (e) {
        const reply = e instanceof Refused ? e.reply : null;
        const code = reply && reply.data && reply.data.error ? reply.data.error.code : '';
        form.password.value = '';
        if (reply && reply.status === 401) error.textContent = t('login.failed');
        else if (code === 'account_locked') error.textContent = t('login.locked', { minutes: Math.max(1, Math.ceil(reply.retry / 60)) });
        else if (code === 'too_many_attempts') error.textContent = t('login.throttled', { seconds: reply.retry || 1 });
        else failed(e);
      }
    });
  }

  async function start() {
    if (site.page === 'login') return login();
    const logout = document.getElementById('logout');
    try {
      const me = await call('GET', 'me');
      if (me.tenant !== site.tenant) { go('login'); return; }
      csrf = me.csrf_token || '';
      zone = me.time_zone || 'UTC';
      if (logout) logout.addEventListener('click', async () => {
        try { await call('POST', 'logout'); go('login'); } catch (e) { failed(e); }
      });
      await pages[site.page](me);
    } catch (e) {
      failed(e);
    }
  }

  start();
})();
