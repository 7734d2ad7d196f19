// Where the thread opens: at the newest message's start, so a long email
// is read from its first line, not its last.

/**
 * newestInView is a Svelte action for the timeline: whenever key changes
 * (entries arrive, another conversation opens) it scrolls the newest
 * message card to the top of the timeline — or as far as the timeline goes,
 * so a short one sits at the bottom. It keeps it there while cards resize
 * (an email frame fitting its content, an image loading) until the reader
 * scrolls.
 */
export function newestInView(node: HTMLElement, key: unknown) {
  let pinned = false;
  const place = () => {
    const cards = node.querySelectorAll<HTMLElement>(':scope > .entry:not(.event)');
    const target = cards[cards.length - 1];
    if (!target) {
      node.scrollTop = node.scrollHeight;
      return;
    }
    const gap = parseFloat(getComputedStyle(node).paddingTop) || 0;
    node.scrollTop += target.getBoundingClientRect().top - node.getBoundingClientRect().top - gap;
  };
  const sizes = new ResizeObserver(() => pinned && place());
  const pin = () => {
    pinned = true;
    sizes.disconnect();
    for (const c of node.children) sizes.observe(c);
    requestAnimationFrame(() => pinned && place());
  };
  const unpin = () => (pinned = false);
  const reader = ['wheel', 'touchstart', 'keydown', 'pointerdown'] as const;
  for (const e of reader) node.addEventListener(e, unpin, { passive: true });
  pin();
  return {
    update(next: unknown) {
      if (next !== key) {
        key = next;
        pin();
      }
    },
    destroy() {
      sizes.disconnect();
      for (const e of reader) node.removeEventListener(e, unpin);
    },
  };
}
