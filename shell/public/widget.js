/*!
 * Atrium website chat widget.
 * <script src="https://console.example.com/widget.js" data-tenant="acme" data-key="atr_…" data-api="https://api.example.com"
 *         data-theme="light|dark" data-color="#3b55e6" data-title="Help" async></script>
 * The key is a tenant API key limited to the `chat:create` scope (it is visible to every visitor, so give it nothing else).
 * Plain ES2019, no dependencies; everything lives in a shadow root so the host page's CSS cannot break it.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.__atriumWidget) return;
  window.__atriumWidget = true;
  var cfg = {
    tenant: script.getAttribute('data-tenant'),
    key: script.getAttribute('data-key'),
    api: (script.getAttribute('data-api') || new URL(script.src).origin).replace(/\/$/, ''),
    theme: script.getAttribute('data-theme') === 'dark' ? 'dark' : 'light',
    color: /^#[0-9a-f]{3,8}$/i.test(script.getAttribute('data-color') || '') ? script.getAttribute('data-color') : '#3b55e6',
    title: script.getAttribute('data-title') || 'Ask us anything',
  };
  if (!cfg.tenant || !cfg.key) {
    console.error('[atrium] widget needs data-tenant and data-key');
    return;
  }
  var dark = cfg.theme === 'dark';
  var host = document.createElement('div');
  host.setAttribute('data-atrium-widget', '');
  document.body.appendChild(host);
  var root = host.attachShadow({ mode: 'open' });
  root.innerHTML =
    '<style>' +
    ':host{all:initial}*{box-sizing:border-box;font-family:ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}' +
    '.btn{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:28px;border:0;display:grid;place-items:center;background:' +
    cfg.color +
    ';color:#fff;font-size:24px;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.25);z-index:2147483000}' +
    '.panel{position:fixed;right:20px;bottom:88px;width:min(380px,calc(100vw - 40px));height:min(560px,calc(100vh - 120px));display:none;flex-direction:column;border-radius:16px;overflow:hidden;box-shadow:0 12px 40px rgba(0,0,0,.3);z-index:2147483000;background:' +
    (dark ? '#141922' : '#fff') +
    ';color:' +
    (dark ? '#e5e7eb' : '#111827') +
    '}' +
    '.panel.open{display:flex}.head{padding:14px 16px;background:' +
    cfg.color +
    ';color:#fff;font-weight:600;display:flex;justify-content:space-between;align-items:center}' +
    '.head button{background:none;border:0;color:#fff;font-size:20px;cursor:pointer}.log{flex:1;overflow:auto;padding:12px;display:flex;flex-direction:column;gap:8px;font-size:14px;line-height:1.45}' +
    '.msg{max-width:85%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;word-wrap:break-word}.me{align-self:flex-end;background:' +
    cfg.color +
    ';color:#fff}' +
    '.bot{align-self:flex-start;background:' +
    (dark ? '#1f2633' : '#f1f5f9') +
    '}.cites{font-size:12px;margin-top:6px;opacity:.85}.cites a{color:inherit}' +
    'form{display:flex;gap:8px;padding:10px;border-top:1px solid ' +
    (dark ? '#262d3a' : '#e5e7eb') +
    '}input{flex:1;padding:9px 12px;border-radius:10px;border:1px solid ' +
    (dark ? '#334155' : '#cbd5e1') +
    ';background:transparent;color:inherit;font-size:14px}' +
    'form button{border:0;border-radius:10px;padding:0 14px;background:' +
    cfg.color +
    ';color:#fff;cursor:pointer}form button:disabled{opacity:.5}' +
    ':focus-visible{outline:2px solid ' +
    cfg.color +
    ';outline-offset:2px}' +
    '</style>' +
    '<button class="btn" aria-label="Open chat" aria-expanded="false"><svg width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg></button>' +
    '<section class="panel" role="dialog" aria-label="Chat"><div class="head"><span></span><button aria-label="Close chat">\u00D7</button></div>' +
    '<div class="log" aria-live="polite"></div><form><input aria-label="Your message" placeholder="Type your question…" maxlength="4000"><button type="submit">Send</button></form></section>';
  var q = function (s) {
    return root.querySelector(s);
  };
  var toggle = q('.btn'),
    panel = q('.panel'),
    log = q('.log'),
    form = q('form'),
    input = q('input'),
    send = q('form button');
  q('.head span').textContent = cfg.title;
  var conversationId = null;
  var busy = false;

  function setOpen(open) {
    panel.classList.toggle('open', open);
    toggle.setAttribute('aria-expanded', String(open));
    if (open) input.focus();
  }
  toggle.addEventListener('click', function () {
    setOpen(!panel.classList.contains('open'));
  });
  q('.head button').addEventListener('click', function () {
    setOpen(false);
    toggle.focus();
  });
  root.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') setOpen(false);
  });

  function bubble(cls, text) {
    var el = document.createElement('div');
    el.className = 'msg ' + cls;
    el.textContent = text;
    log.appendChild(el);
    log.scrollTop = log.scrollHeight;
    return el;
  }
  function addCitation(el, c) {
    var box = el.querySelector('.cites') || el.appendChild(Object.assign(document.createElement('div'), { className: 'cites' }));
    var line = document.createElement('div');
    if (c.url && /^https?:\/\//.test(c.url)) {
      var a = document.createElement('a');
      a.href = c.url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      a.textContent = c.title || c.url;
      line.appendChild(document.createTextNode('[' + (c.index || box.children.length + 1) + '] '));
      line.appendChild(a);
    } else line.textContent = '[' + (c.index || box.children.length + 1) + '] ' + (c.title || 'source');
    box.appendChild(line);
  }

  // Minimal SSE reader: events separated by a blank line, "event:" and "data:" fields.
  function handle(block, el, textNode) {
    var event = 'message',
      data = '';
    block.split('\n').forEach(function (line) {
      if (line.indexOf('event:') === 0) event = line.slice(6).trim();
      else if (line.indexOf('data:') === 0) data += line.slice(5).replace(/^ /, '');
    });
    if (!data || data === '[DONE]') return;
    var json;
    try {
      json = JSON.parse(data);
    } catch (e) {
      return;
    }
    if (event === 'citation') return addCitation(el, (json.atrium && json.atrium.citation) || json.citation || json);
    if (json.conversation_id) conversationId = json.conversation_id;
    var delta = json.choices && json.choices[0] && json.choices[0].delta && json.choices[0].delta.content;
    if (delta) {
      textNode.textContent += delta;
      log.scrollTop = log.scrollHeight;
    }
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text || busy) return;
    busy = true;
    send.disabled = true;
    input.value = '';
    bubble('me', text);
    var el = bubble('bot', '');
    var textNode = el.appendChild(document.createElement('span'));
    textNode.textContent = '';
    var body = { model: 'atrium', stream: true, messages: [{ role: 'user', content: text }], user: visitorId() };
    if (conversationId) body.conversation_id = conversationId;
    fetch(cfg.api + '/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: 'Bearer ' + cfg.key, 'x-tenant-id': cfg.tenant },
      body: JSON.stringify(body),
    })
      .then(function (res) {
        if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
        var reader = res.body.getReader(),
          decoder = new TextDecoder(),
          buffer = '';
        function pump() {
          return reader.read().then(function (r) {
            if (r.done) return;
            buffer += decoder.decode(r.value, { stream: true }).replace(/\r\n/g, '\n');
            var parts = buffer.split('\n\n');
            buffer = parts.pop();
            parts.forEach(function (p) {
              handle(p, el, textNode);
            });
            return pump();
          });
        }
        return pump();
      })
      .catch(function () {
        textNode.textContent = 'Sorry, the assistant is unavailable right now. Please try again later.';
      })
      .then(function () {
        if (!textNode.textContent) textNode.textContent = '…';
        busy = false;
        send.disabled = false;
        input.focus();
      });
  });

  // A random, per-browser visitor id (no personal data), so the conversation continues across page loads.
  function visitorId() {
    try {
      var id = localStorage.getItem('atrium-visitor');
      if (!id) {
        id = 'v_' + Math.random().toString(36).slice(2) + Date.now().toString(36);
        localStorage.setItem('atrium-visitor', id);
      }
      return id;
    } catch (e) {
      return undefined;
    }
  }
})();
