/**
 * browserName says a session's browser and system in a few words, from
 * its User-Agent: "Firefox · Linux", "Chrome · Android". An agent that
 * names nothing known is shown as it is, shortened.
 */
export function browserName(ua: string): string {
  if (!ua) return '?';
  const browser = /Edg\//.test(ua) ? 'Edge'
    : /Firefox\//.test(ua) ? 'Firefox'
    : /(Chrome|Chromium)\//.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) ? 'Safari'
    : /curl\//.test(ua) ? 'curl'
    : '';
  const system = /Android/.test(ua) ? 'Android'
    : /iPhone|iPad/.test(ua) ? 'iOS'
    : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X/.test(ua) ? 'macOS'
    : /Linux/.test(ua) ? 'Linux'
    : '';
  if (!browser) return ua.length > 40 ? `${ua.slice(0, 40)}…` : ua;
  return system ? `${browser} · ${system}` : browser;
}
