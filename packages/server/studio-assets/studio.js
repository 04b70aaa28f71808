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
  for (const body of document.querySelectorAll('tbody[data-live-audit]')) {
    let after = Number(body.getAttribute('data-after') || '0');
    const base = body.getAttribute('data-live-audit');
    const poll = async () => {
      try {
        const separator = base.includes('?') ? '&' : '?';
        const response = await fetch(`${base}${separator}after=${after}`, { credentials: 'same-origin' });
        if (response.ok) {
          const { events } = await response.json();
          for (const event of events.slice().reverse()) {
            const row = document.createElement('tr');
            for (const text of event.cells) {
              const cell = document.createElement('td');
              cell.textContent = text;
              row.appendChild(cell);
            }
            body.insertBefore(row, body.firstChild);
            after = Math.max(after, event.created_at);
          }
          if (events.length > 0)
            announce(`${events.length} new audit event${events.length === 1 ? '' : 's'}`);
        }
      } catch {
        // Keep polling.
      }
      setTimeout(poll, 2000);
    };
    setTimeout(poll, 2000);
  }
})();
