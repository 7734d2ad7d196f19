// The chat widget's loader (SPEC CHT-1): the one script a site adds,
//   <script src="https://<parley>/widget.js" data-inbox="<key>" async></script>
// It asks Parley whether the chat shows on this page, draws the launcher
// in a shadow root (the page's CSS cannot reach it, it cannot reach
// the page), and opens the chat itself in an iframe of Parley's on demand:
// nothing more loads until the visitor asks. #parley-chat-open in the
// address opens it on load (CHT-9).
(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  const key = script?.dataset.inbox;
  if (!script || !key || document.querySelector('parley-chat')) return;
  const base = new URL(script.src).origin;
  const q = `inbox=${encodeURIComponent(key)}`;

  fetch(`${base}/widget/v1/config?${q}&url=${encodeURIComponent(location.href)}`)
    .then((r) => (r.ok ? r.json() : null))
    .then((config: { name: string } | null) => {
      if (!config) return;
      const host = document.createElement('parley-chat');
      const root = host.attachShadow({ mode: 'open' });
      root.innerHTML =
        '<style>' +
        ':host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483000!important;right:20px!important;bottom:20px!important;visibility:visible!important;opacity:1!important}' +
        'button{all:initial;box-sizing:border-box;width:56px;height:56px;border-radius:50%;background:#3b5bdb;color:#fff;display:flex;align-items:center;justify-content:center;cursor:pointer;box-shadow:0 4px 12px rgba(0,0,0,.25)}' +
        'button:focus-visible{outline:3px solid #91a7ff;outline-offset:2px}' +
        'iframe{all:initial;display:none;position:fixed;right:20px;bottom:88px;width:370px;height:560px;max-width:calc(100vw - 40px);max-height:calc(100vh - 108px);border:0;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);background:#fff}' +
        '.open iframe{display:block}' +
        '@media (max-width:480px){.open iframe{right:0;bottom:0;width:100vw;height:100vh;max-width:none;max-height:none;border-radius:0}.open button{display:none}}' +
        '</style><div><button type="button" aria-expanded="false"><svg width="28" height="28" viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M4 4h16v12H8l-4 4z"/></svg></button></div>';
      const wrap = root.querySelector('div')!;
      const button = root.querySelector('button')!;
      button.setAttribute('aria-label', config.name);
      let frame: HTMLIFrameElement | null = null;
      let loaded = false;
      const page = () => loaded && frame?.contentWindow?.postMessage({ type: 'parley:page', url: location.href }, base);
      // The visitor's identity is kept here, on the site: a browser may
      // deny the chat's frame, a third party, storage of its own.
      const stored = `parley.visitor.${key}`;
      const storage = (token?: string): string => {
        try {
          if (token) localStorage.setItem(stored, token);
          return localStorage.getItem(stored) ?? '';
        } catch {
          return '';
        }
      };
      const toggle = (open: boolean) => {
        if (open && !frame) {
          frame = document.createElement('iframe');
          frame.title = config.name;
          frame.src = `${base}/widget/frame?${q}#${encodeURIComponent(storage())}`;
          frame.addEventListener('load', () => ((loaded = true), page()));
          wrap.appendChild(frame);
        }
        wrap.className = open ? 'open' : '';
        button.setAttribute('aria-expanded', String(open));
        if (open) page();
      };
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
