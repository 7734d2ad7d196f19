// The chat widget's loader (SPEC CHT-1): the one script a site adds,
//   <script src="https://<parley>/widget.js" data-inbox="<key>" async></script>
// It asks Parley whether the chat shows on this page and how (the first
// matching chat flow), draws the launcher in a shadow root (the page's CSS
// cannot reach it, it cannot reach the page), and opens the chat itself in
// an iframe of Parley's on demand: nothing more loads until the visitor
// asks. #parley-chat-open in the address opens it on load (CHT-9).
type Shown = {
  show: boolean;
  title: string;
  welcome?: string;
  popup?: boolean;
  small_screens?: 'prompt' | 'hidden';
  appearance: { accent: string; position: 'right' | 'left'; launcher_text?: string };
  picture?: string;
};

(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  const key = script?.dataset.inbox;
  if (!script || !key || document.querySelector('parley-chat')) return;
  const base = new URL(script.src).origin;
  const q = `inbox=${encodeURIComponent(key)}`;
  // The visitor's identity is kept here, on the site: a browser may deny
  // the chat's frame, a third party, storage of its own.
  const stored = `parley.visitor.${key}`;
  const storage = (token?: string): string => {
    try {
      if (token) localStorage.setItem(stored, token);
      return localStorage.getItem(stored) ?? '';
    } catch {
      return '';
    }
  };

  // A site's signed-in user, as its server signed them (data-identity).
  const identity = script.dataset.identity ?? '';
  const headers: Record<string, string> = { 'X-Parley-Visitor': storage() };
  if (identity) headers['X-Parley-Identity'] = identity;
  fetch(`${base}/widget/v1/config?${q}&url=${encodeURIComponent(location.href)}`, { headers })
    .then((r) => (r.ok ? r.json() : null))
    .then((c: Shown | null) => {
      if (!c?.show) return;
      const { accent, position, launcher_text: label } = c.appearance;
      const side = position === 'left' ? 'left' : 'right';
      const host = document.createElement('parley-chat');
      const root = host.attachShadow({ mode: 'open' });
      root.innerHTML =
        '<style>' +
        `:host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483000!important;${side}:20px!important;bottom:20px!important;visibility:visible!important;opacity:1!important;font:15px/1.4 system-ui,sans-serif!important}` +
        `button{all:initial;box-sizing:border-box;min-width:56px;height:56px;padding:0 14px;gap:8px;border-radius:28px;background:${accent};color:#fff;display:flex;align-items:center;justify-content:center;cursor:pointer;box-shadow:0 4px 12px rgba(0,0,0,.25);font:600 15px system-ui,sans-serif}` +
        'button:focus-visible{outline:3px solid #91a7ff;outline-offset:2px}' +
        'img{all:initial;width:40px;height:40px;border-radius:50%;object-fit:cover}' +
        `iframe{all:initial;display:none;position:fixed;${side}:20px;bottom:88px;width:370px;height:560px;max-width:calc(100vw - 40px);max-height:calc(100vh - 108px);border:0;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);background:#fff}` +
        `p{all:initial;display:none;position:absolute;${side}:0;bottom:68px;width:max-content;max-width:260px;padding:12px 32px 12px 14px;border-radius:12px;background:#fff;color:#1c1e21;box-shadow:0 4px 16px rgba(0,0,0,.2);font:inherit;cursor:pointer}` +
        'p i{all:initial;position:absolute;top:4px;right:10px;font:18px system-ui,sans-serif;color:#65676b;cursor:pointer}' +
        '.open iframe{display:block}.welcome p{display:block}.open p{display:none}' +
        `@media (max-width:480px){.open iframe{${side}:0;bottom:0;width:100vw;height:100vh;max-width:none;max-height:none;border-radius:0}.open button{display:none}${c.small_screens === 'hidden' ? 'div{display:none}' : ''}}` +
        '</style><div><p role="status"></p><button type="button" aria-expanded="false"><svg width="28" height="28" viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M4 4h16v12H8l-4 4z"/></svg></button></div>';
      const wrap = root.querySelector('div')!;
      const button = root.querySelector('button')!;
      const bubble = root.querySelector('p')!;
      button.setAttribute('aria-label', c.title);
      if (c.picture) {
        // The flow's own picture in place of the icon.
        const img = document.createElement('img');
        img.src = base + c.picture;
        img.alt = '';
        button.firstChild!.replaceWith(img);
      }
      if (label) button.append(label);
      let frame: HTMLIFrameElement | null = null;
      let loaded = false;
      const page = () => loaded && frame?.contentWindow?.postMessage({ type: 'parley:page', url: location.href }, base);
      const toggle = (open: boolean) => {
        if (open && !frame) {
          frame = document.createElement('iframe');
          frame.title = c.title;
          frame.src = `${base}/widget/frame?${q}&page=${encodeURIComponent(location.href)}#${new URLSearchParams({ v: storage(), i: identity })}`;
          frame.addEventListener('load', () => ((loaded = true), page()));
          wrap.appendChild(frame);
        }
        wrap.className = open ? 'open' : '';
        button.setAttribute('aria-expanded', String(open));
        if (open) page();
      };
      // The welcome pops up beside the launcher: on large screens when the
      // flow says so, on small ones as a prompt unless the launcher hides.
      if (c.welcome && (matchMedia('(max-width:480px)').matches ? c.small_screens !== 'hidden' : c.popup)) {
        bubble.textContent = c.welcome;
        const x = document.createElement('i');
        x.textContent = '×';
        x.setAttribute('aria-hidden', 'true');
        bubble.append(x);
        wrap.className = 'welcome';
        bubble.addEventListener('click', (e) => (e.target === x ? (wrap.className = '') : toggle(true)));
      }
      button.addEventListener('click', () => toggle(wrap.className !== 'open'));
      addEventListener('message', (e) => {
        if (e.origin !== base || e.source !== frame?.contentWindow) return;
        if (e.data?.type === 'parley:close') {
          toggle(false);
          button.focus();
        }
        if (e.data?.type === 'parley:token') storage(String(e.data.token));
      });
      addEventListener('hashchange', () => location.hash === '#parley-chat-open' && toggle(true));
      (document.body ?? document.documentElement).appendChild(host);
      if (location.hash === '#parley-chat-open') toggle(true);
    })
    .catch(() => {});
})();
