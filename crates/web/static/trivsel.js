// Trivsel – progressive enhancement only; every page works without it.

// A notice that answers what was just done (e.g. «Gemt») takes the focus, so a screen reader
// reads it and the keyboard continues from there.
document.addEventListener('DOMContentLoaded', () => {
  document.querySelector('[data-focus]')?.focus();
});

// Roll call (fremmøde): the letter shown at a code (T, S, L, U, F, G) sets the focused pupil's
// code and moves to the next pupil; arrow up and down move between pupils (left and right still
// change the code). Enter on a code does not send the form: only the button saves the class.
document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('form.roll-call');
  if (!form) return;
  const rows = [...form.querySelectorAll('fieldset.pupil')];
  const focusRow = (i) => {
    if (i >= rows.length) {
      form.querySelector('button[type=submit]').focus();
      return;
    }
    const row = rows[Math.max(0, i)];
    (row.querySelector('input:checked') || row.querySelector('input')).focus();
  };
  form.addEventListener('keydown', (event) => {
    const row = event.target.closest('fieldset.pupil');
    if (!row || event.ctrlKey || event.altKey || event.metaKey) return;
    const i = rows.indexOf(row);
    const key = event.key.length === 1 ? event.key.toUpperCase() : event.key;
    const input = key.length === 1 ? row.querySelector(`input[data-key="${key}"]`) : null;
    if (input) {
      event.preventDefault();
      input.checked = true;
      focusRow(i + 1);
    } else if (key === 'Enter') {
      event.preventDefault();
    } else if (key === 'ArrowDown') {
      event.preventDefault();
      focusRow(i + 1);
    } else if (key === 'ArrowUp') {
      event.preventDefault();
      focusRow(i - 1);
    }
  });
});

// Print buttons (plans, chronology, PKU bundle): shown only when the script runs; without it
// the browser's own print command gives the same print layout.
document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('button.print')) {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  }
});

// Tables on a phone: each row becomes a block of «Header: value» lines (CSS below 40rem), so
// no page scrolls sideways. The headers are copied to the cells here; the roles keep the
// table's meaning for screen readers once CSS no longer lays it out as a table. Without the
// script a wide table scrolls inside itself instead.
document.addEventListener('DOMContentLoaded', () => {
  for (const table of document.querySelectorAll('main table')) {
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    if (headers.length === 0) continue;
    table.setAttribute('role', 'table');
    for (const group of table.querySelectorAll('thead, tbody')) group.setAttribute('role', 'rowgroup');
    for (const row of table.querySelectorAll('tr')) {
      row.setAttribute('role', 'row');
      [...row.children].forEach((cell, i) => {
        const header = cell.closest('thead') !== null;
        cell.setAttribute('role', header ? 'columnheader' : (cell.tagName === 'TH' ? 'rowheader' : 'cell'));
        if (!header && headers[i]) cell.dataset.label = headers[i];
      });
    }
    table.classList.add('stacked');
  }
});

// The main menu on a phone: folded behind a «Menu» button (aria-expanded), so the page starts
// with its content. Without the script, or on a wider screen, the menu wraps instead.
document.addEventListener('DOMContentLoaded', () => {
  const nav = document.querySelector('header.top nav');
  const list = nav?.querySelector('ul');
  if (!list || list.children.length < 4) return;
  list.id = 'hovedmenu';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'menu-toggle';
  button.textContent = 'Menu';
  button.setAttribute('aria-controls', list.id);
  nav.insertBefore(button, list);
  const phone = window.matchMedia('(max-width: 40rem)');
  const show = (open) => {
    button.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('open', open);
    list.hidden = phone.matches && !open;
  };
  button.addEventListener('click', () => show(button.getAttribute('aria-expanded') !== 'true'));
  phone.addEventListener('change', () => show(false));
  show(false);
});
