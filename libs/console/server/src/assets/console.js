// @ts-check
// The console's only client code: keyboard shortcuts and the live page's server-sent events.
// Every page works without it (plain links and forms); this only makes them faster to use.
(() => {
  'use strict';

  const typing = (/** @type {EventTarget | null} */ target) =>
    target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

  /** Rows of a queue, moved through with j / k; Enter follows the row's first link. */
  const moveRow = (/** @type {number} */ step) => {
    const rows = /** @type {HTMLElement[]} */ ([...document.querySelectorAll('tr[data-row]')]);
    if (rows.length === 0) return;
    const current = rows.findIndex((row) => row.classList.contains('current'));
    const next = rows[Math.min(rows.length - 1, Math.max(0, current + step))];
    rows.forEach((row) => row.classList.remove('current'));
    if (!next) return;
    next.classList.add('current');
    const link = next.querySelector('a');
    (link ?? next).focus();
  };

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && event.target instanceof HTMLElement) {
      const form = event.target.closest('form');
      if (form) {
        event.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (event.key === 'j') return moveRow(1);
    if (event.key === 'k') return moveRow(-1);
    if (event.key === '/') {
      const search = /** @type {HTMLElement | null} */ (document.querySelector('[data-search]'));
      if (search) {
        event.preventDefault();
        search.focus();
      }
      return;
    }
    const target = /** @type {HTMLElement | null} */ (document.querySelector(`[data-key="${CSS.escape(event.key)}"]`));
    if (!target) return;
    event.preventDefault();
    if (target instanceof HTMLInputElement && (target.type === 'radio' || target.type === 'checkbox')) {
      // A decision key chooses the decision and moves to the note; Ctrl+Enter submits.
      target.checked = true;
      target.dispatchEvent(new Event('change', { bubbles: true }));
      const note = target.form?.querySelector('textarea');
      (note ?? target).focus();
    } else {
      target.click();
    }
  });

  // Live page: rows replaced in place as the server pushes livestream snapshots.
  const live = document.querySelector('[data-live-stream]');
  if (live instanceof HTMLElement) {
    const body = live.querySelector('tbody');
    const status = document.getElementById('live-status');
    const template = document.getElementById('live-row');
    const empty = document.getElementById('live-empty');
    const source = new EventSource(live.dataset['liveStream'] ?? '');
    source.addEventListener('open', () => {
      if (status) status.textContent = status.dataset['connected'] ?? '';
    });
    source.addEventListener('error', () => {
      if (status) status.textContent = status.dataset['disconnected'] ?? '';
    });
    source.addEventListener('session-ended', () => {
      source.close();
      window.location.reload();
    });
    source.addEventListener('livestream', (event) => {
      if (!body || !(template instanceof HTMLTemplateElement)) return;
      /** @type {{ id: string, cells: Record<string, string>, level: string, live: boolean }} */
      const data = JSON.parse(/** @type {MessageEvent} */ (event).data);
      let row = /** @type {HTMLElement | null} */ (body.querySelector(`tr[data-livestream="${CSS.escape(data.id)}"]`));
      if (!data.live) {
        row?.remove();
      } else {
        if (!row) {
          row = /** @type {HTMLElement} */ (template.content.firstElementChild?.cloneNode(true));
          row.dataset['livestream'] = data.id;
          body.prepend(row);
        }
        row.dataset['level'] = data.level;
        for (const [name, text] of Object.entries(data.cells)) {
          const cell = row.querySelector(`[data-cell="${CSS.escape(name)}"]`);
          if (cell) cell.textContent = text;
        }
        const level = row.querySelector('[data-cell="level"]');
        if (level) level.className = `level-${data.level}`;
        const anchor = row.querySelector('a[data-cell="id"]');
        if (anchor instanceof HTMLAnchorElement) anchor.href = `/live?watch=${encodeURIComponent(data.id)}`;
      }
      if (empty) empty.hidden = body.querySelector('tr') !== null;
    });
  }
})();
