// tessera Studio's one script. Every page works without it; it adds copy buttons, live statuses and
// the live audit log. It only reads JSON from Studio's own pages and writes text, never markup.

(() => {
  const announce = (text) => {
    let region = document.getElementById('studio-live');
    if (!region) {
      region = document.createElement('p');
      region.id = 'studio-live';
      region.className = 'sr-only';
      region.setAttribute('aria-live', 'polite');
      document.body.appendChild(region);
    }
    region.textContent = text;
  };

  // <button data-copy="#element-id">: copies that element's text.
  for (const button of document.querySelectorAll('button[data-copy]')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      const source = document.querySelector(button.getAttribute('data-copy'));
      if (!source) return;
      try {
        await navigator.clipboard.writeText(source.textContent.trim());
        announce('Copied');
        button.textContent = 'Copied';
      } catch {
        announce('Copy failed: select the text and copy it');
      }
    });
  }

  // <span data-live-status="/studio/....json" data-while="pending">: polls {"status"} until it changes.
  for (const element of document.querySelectorAll('[data-live-status]')) {
    const url = element.getAttribute('data-live-status');
    const waiting = element.getAttribute('data-while') || 'pending';
    const poll = async () => {
      try {
        const response = await fetch(url, {
          headers: { accept: 'application/json' },
          credentials: 'same-origin',
        });
        if (response.ok) {
          const { status } = await response.json();
          if (typeof status === 'string' && status !== element.textContent) {
            element.textContent = status;
            element.className = `badge ${status}`;
            announce(`Status: ${status}`);
          }
          if (status !== waiting) return;
        }
      } catch {
        // The server may be restarting: keep polling.
      }
      setTimeout(poll, 1000);
    };
    setTimeout(poll, 1000);
  }

  // <tbody data-live-audit="/studio/audit/events.json?..." data-after="<ms>">: new events on top.
  // Polls from one millisecond before the newest event seen (the API's created_after is strict, and
  // two events can share a millisecond) and skips the events already shown, by id.
  for (const body of document.querySelectorAll('tbody[data-live-audit]')) {
    let after = Number(body.getAttribute('data-after') || '0');
    const seen = new Set(
      Array.from(body.querySelectorAll('tr[data-event-id]'), (row) => row.getAttribute('data-event-id')),
    );
    const base = body.getAttribute('data-live-audit');
    const poll = async () => {
      try {
        const separator = base.includes('?') ? '&' : '?';
        const response = await fetch(`${base}${separator}after=${Math.max(0, after - 1)}`, {
          credentials: 'same-origin',
        });
        if (response.ok) {
          const { events } = await response.json();
          const fresh = events.filter((event) => !seen.has(event.id));
          for (const event of fresh.slice().reverse()) {
            seen.add(event.id);
            const row = document.createElement('tr');
            row.setAttribute('data-event-id', event.id);
            for (const text of event.cells) {
              const cell = document.createElement('td');
              cell.textContent = text;
              row.appendChild(cell);
            }
            body.querySelector('tr.empty')?.remove();
            body.insertBefore(row, body.firstChild);
            after = Math.max(after, event.created_at);
          }
          if (fresh.length > 0) announce(`${fresh.length} new audit event${fresh.length === 1 ? '' : 's'}`);
        }
      } catch {
        // Keep polling.
      }
      setTimeout(poll, 2000);
    };
    setTimeout(poll, 2000);
  }
})();
