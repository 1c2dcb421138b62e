/// The kiosk's page, compiled into the binary: no CDN, no web fonts, nothing fetched from
/// anywhere but the kiosk itself.
///
/// The script builds every screen from the view the server sends (Server-Sent Events), with
/// `textContent` only: tag content is attacker-controlled. Each screen replaces the last
/// whole, and the idle screen carries nothing of a visitor, so after a reset nothing of the
/// previous one is left in the DOM; the history holds one entry (`replaceState`), so there is
/// no back. Parts carry stable `data-kiosk` names for tests and operators.
enum KioskPage {
    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1, user-scalable=no">
        <title>Welcome</title>
        <link rel="stylesheet" href="/kiosk.css">
        </head>
        <body>
        <main id="app" aria-live="polite"><section data-kiosk="loading"><h1>One moment…</h1></section></main>
        <button id="corner" data-kiosk="exit" tabindex="-1" aria-label="Staff only"></button>
        <div id="pinpad" data-kiosk="pin" role="dialog" aria-modal="true" aria-label="Staff PIN" hidden>
          <div class="pad">
            <h2>Staff PIN</h2>
            <p id="pin-display" data-kiosk="pin-display" aria-live="polite"></p>
            <p id="pin-message" data-kiosk="pin-message" aria-live="assertive"></p>
            <div class="digits" id="digits"></div>
            <div class="row">
              <button data-kiosk="pin-cancel" id="pin-cancel" class="secondary">Cancel</button>
              <button data-kiosk="pin-ok" id="pin-ok" class="primary">Leave kiosk</button>
            </div>
          </div>
        </div>
        <script src="/kiosk.js"></script>
        </body>
        </html>
        """

    static let css = """
        :root { color-scheme: light; --ink: #14213d; --accent: #0b6e4f; --muted: #52606d; --line: #d9e2ec; }
        * { box-sizing: border-box; }
        html, body { margin: 0; height: 100%; }
        body { font: clamp(18px, 3.4vmin, 36px)/1.35 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
               color: var(--ink); background: #f7f9fb; user-select: none; -webkit-user-select: none;
               overscroll-behavior: none; touch-action: manipulation; }
        main { min-height: 100%; display: flex; align-items: center; justify-content: center; padding: 4vh 6vw; }
        section { width: 100%; max-width: 1100px; text-align: center; }
        h1 { font-size: 2.2em; margin: 0 0 0.4em; line-height: 1.15; }
        h2 { font-size: 1.4em; margin: 0 0 0.5em; }
        p { margin: 0.3em 0 0.8em; }
        .hint { color: var(--muted); font-size: 1.1em; }
        .message { background: #fff4e5; border: 2px solid #f0b429; border-radius: 12px; padding: 0.6em 1em; display: inline-block; }
        .reader { font-size: 5em; line-height: 1; margin: 0.2em 0; color: var(--accent); }
        dl.card { display: inline-block; text-align: left; background: #fff; border: 2px solid var(--line); border-radius: 16px;
                  padding: 0.8em 1.4em; margin: 0 0 1em; min-width: 60%; }
        dl.card dt { color: var(--muted); font-size: 0.75em; margin-top: 0.4em; }
        dl.card dd { margin: 0; font-size: 1.25em; font-weight: 600; overflow-wrap: anywhere; }
        .consent { text-align: left; background: #fff; border: 2px solid var(--line); border-radius: 16px; padding: 1em 1.4em;
                   max-height: 40vh; overflow: auto; font-size: 0.9em; white-space: pre-line; }
        .row { display: flex; gap: 0.8em; justify-content: center; flex-wrap: wrap; margin-top: 0.8em; }
        .choices { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 0.8em; margin: 0.6em 0; }
        button { font: inherit; font-size: 1.1em; min-height: max(64px, 2.6em); min-width: min(240px, 40vw); padding: 0.4em 1.2em; border-radius: 18px;
                 border: 3px solid var(--ink); background: #fff; color: var(--ink); cursor: pointer; }
        button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 700; }
        button.secondary { background: #fff; }
        button:focus-visible { outline: 6px solid #f0b429; outline-offset: 4px; }
        button:active { transform: scale(0.98); }
        .progress { color: var(--muted); font-size: 0.9em; }
        #corner { position: fixed; top: 0; right: 0; width: 72px; height: 72px; min-width: 0; min-height: 0; padding: 0;
                  border: 0; background: transparent; opacity: 0; }
        #pinpad { position: fixed; inset: 0; background: rgba(20, 33, 61, 0.85); display: flex; align-items: center; justify-content: center; }
        #pinpad[hidden] { display: none; }
        .pad { background: #fff; border-radius: 20px; padding: 0.6em 1.2em; text-align: center; width: min(720px, 92vw); max-height: 96vh; overflow: auto; }
        .digits { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0.5em; }
        .digits button { min-width: 0; min-height: max(56px, 2em); }
        #pin-display { font-size: 1.6em; letter-spacing: 0.3em; min-height: 1.4em; }
        #pin-message { color: #b42318; min-height: 1.3em; }
        """

    static let script = """
        (function () {
          'use strict';
          var app = document.getElementById('app');
          var view = null;
          var pin = '';
          var pinTimer = null;
          // No personal data: screens, generations and times only (tests read it).
          window.kioskLog = [];
          history.replaceState(null, '', '/');
          window.addEventListener('popstate', function () { history.replaceState(null, '', '/'); });
          document.addEventListener('contextmenu', function (e) { e.preventDefault(); });
          document.addEventListener('dragstart', function (e) { e.preventDefault(); });

          function el(tag, attrs) {
            var node = document.createElement(tag);
            for (var key in attrs || {}) {
              if (key === 'onclick') node.addEventListener('click', attrs[key]);
              else node.setAttribute(key, attrs[key]);
            }
            for (var i = 2; i < arguments.length; i++) {
              var child = arguments[i];
              if (child === null || child === undefined) continue;
              node.append(typeof child === 'string' ? document.createTextNode(child) : child);
            }
            return node;
          }

          function send(action, choice) {
            if (!view) return;
            fetch('/action', { method: 'POST', headers: { 'content-type': 'application/json' },
                               body: JSON.stringify({ action: action, choice: choice, generation: view.generation }) });
          }

          function button(label, name, action, choice, cls) {
            var attrs = { 'data-kiosk': name, 'class': cls || 'secondary', onclick: function () { send(action, choice); } };
            if (choice !== undefined) attrs['data-choice'] = String(choice);
            return el('button', attrs, label);
          }

          function card(v) {
            var rows = [];
            function row(label, value, name) {
              if (!value) return;
              rows.push(el('dt', {}, label), el('dd', { 'data-kiosk': name }, value));
            }
            row('Name', v.name, 'name');
            row('Title', v.title, 'title');
            row('Company', v.organization, 'organization');
            row('Email', v.email, 'email');
            return el.apply(null, ['dl', { 'class': 'card' }].concat(rows));
          }

          function screenFor(v) {
            switch (v.screen) {
            case 'idle':
              return el('section', { 'data-kiosk': 'idle' },
                el('div', { 'class': 'reader', 'aria-hidden': 'true' }, '\\u25CE'),
                el('h1', {}, 'Tap your card or badge'),
                el('p', { 'class': 'hint' }, 'Hold your business card, event badge or phone flat on the reader below the screen.'),
                v.message ? el('p', { 'class': 'message', 'data-kiosk': 'message' }, v.message) : null);
            case 'contact':
              if (v.badge) {
                return el('section', { 'data-kiosk': 'contact' },
                  el('h1', {}, 'Thanks, badge #' + v.badge),
                  el('p', { 'class': 'hint' }, 'Your badge holds only its number; the team looks up your details from the attendee list.'),
                  el('div', { 'class': 'row' }, button('Continue', 'continue', 'continue', undefined, 'primary'),
                                              button('Not me', 'cancel', 'cancel')));
              }
              return el('section', { 'data-kiosk': 'contact' },
                el('h1', {}, 'Is this you?'),
                card(v),
                el('div', { 'class': 'row' }, button('Yes, continue', 'continue', 'continue', undefined, 'primary'),
                                            button('Not me', 'cancel', 'cancel')));
            case 'consent':
              return el('section', { 'data-kiosk': 'consent' },
                el('h1', {}, 'May we contact you?'),
                el('p', { 'class': 'consent', 'data-kiosk': 'consent-text' }, v.consent_text || ''),
                el('div', { 'class': 'row' }, button('I agree', 'agree', 'agree', undefined, 'primary'),
                                            button('No thanks', 'decline', 'decline')));
            case 'question':
              var choices = (v.choices || []).map(function (c, i) { return button(c, 'choice', 'answer', i, 'secondary'); });
              return el('section', { 'data-kiosk': 'question' },
                el('p', { 'class': 'progress' }, 'Question ' + v.question_number + ' of ' + v.question_count),
                el('h1', {}, v.question || ''),
                el.apply(null, ['div', { 'class': 'choices' }].concat(choices)),
                el('div', { 'class': 'row' }, button('Skip', 'skip', 'skip')));
            case 'thanks':
              return el('section', { 'data-kiosk': 'thanks' },
                el('h1', {}, v.name ? 'Thank you, ' + v.name + '!' : 'Thank you!'),
                el('p', { 'class': 'hint' }, 'Someone from our team will be in touch. Enjoy the show.'),
                el('div', { 'class': 'row' }, button('Done', 'finish', 'finish', undefined, 'primary')));
            case 'declined':
              return el('section', { 'data-kiosk': 'declined' },
                el('h1', {}, 'No problem'),
                el('p', { 'class': 'hint', 'data-kiosk': 'message' }, v.message || 'Nothing about you was kept.'),
                el('div', { 'class': 'row' }, button('Done', 'finish', 'finish', undefined, 'primary')));
            }
            return el('section', { 'data-kiosk': 'loading' }, el('h1', {}, 'One moment…'));
          }

          function render(v) {
            view = v;
            app.replaceChildren(screenFor(v));
            app.setAttribute('data-screen', v.screen);
            app.setAttribute('data-generation', String(v.generation));
            if (v.screen === 'idle') {
              history.replaceState(null, '', '/');
              closePin();
            }
            var first = app.querySelector('button.primary') || app.querySelector('button');
            if (first && pinpad.hidden) first.focus({ preventScroll: true });
            window.kioskLog.push({ screen: v.screen, generation: v.generation, at: Date.now(), tapAt: v.tap_at || null });
            if (window.kioskLog.length > 100) window.kioskLog.shift();
          }

          var source = new EventSource('/events');
          source.onmessage = function (e) { render(JSON.parse(e.data)); };

          // Staff exit: the hidden top-right corner or Ctrl+Alt+L opens the PIN pad.
          var pinpad = document.getElementById('pinpad');
          var display = document.getElementById('pin-display');
          var pinMessage = document.getElementById('pin-message');
          var digits = document.getElementById('digits');
          ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back'].forEach(function (d) {
            var label = d === 'clear' ? 'Clear' : d === 'back' ? '\\u232B' : d;
            digits.append(el('button', { 'data-kiosk': 'pin-digit', 'data-digit': d, onclick: function () { pinKey(d); } }, label));
          });
          function showPin() { display.textContent = pin.replace(/./g, '\\u2022'); }
          function pinKey(d) {
            if (d === 'clear') pin = '';
            else if (d === 'back') pin = pin.slice(0, -1);
            else if (pin.length < 12) pin += d;
            pinMessage.textContent = '';
            showPin();
            armPinTimer();
          }
          function armPinTimer() {
            clearTimeout(pinTimer);
            pinTimer = setTimeout(closePin, 20000);
          }
          function openPin() {
            pin = '';
            showPin();
            pinMessage.textContent = '';
            pinpad.hidden = false;
            document.getElementById('pin-ok').focus();
            armPinTimer();
          }
          function closePin() {
            clearTimeout(pinTimer);
            pin = '';
            showPin();
            pinpad.hidden = true;
          }
          function submitPin() {
            var tried = pin;
            pin = '';
            showPin();
            fetch('/exit', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: tried }) })
              .then(function (r) {
                if (r.status === 200) {
                  source.close();
                  clearTimeout(pinTimer);
                  pinpad.hidden = true;
                  app.replaceChildren(el('section', { 'data-kiosk': 'closed' }, el('h1', {}, 'Kiosk closed'),
                    el('p', { 'class': 'hint' }, 'The kiosk has stopped. You can turn off this screen.')));
                } else if (r.status === 429) {
                  pinMessage.textContent = 'Too many wrong PINs. Wait a minute.';
                } else {
                  pinMessage.textContent = 'Wrong PIN.';
                }
              });
          }
          document.getElementById('corner').addEventListener('click', openPin);
          document.getElementById('pin-cancel').addEventListener('click', closePin);
          document.getElementById('pin-ok').addEventListener('click', submitPin);
          document.addEventListener('keydown', function (e) {
            if (e.ctrlKey && e.altKey && (e.key === 'l' || e.key === 'L')) { e.preventDefault(); openPin(); return; }
            if (!pinpad.hidden) {
              if (/^[0-9]$/.test(e.key)) { e.preventDefault(); pinKey(e.key); }
              else if (e.key === 'Backspace') { e.preventDefault(); pinKey('back'); }
              else if (e.key === 'Enter') { e.preventDefault(); submitPin(); }
              else if (e.key === 'Escape') { e.preventDefault(); closePin(); }
              return;
            }
            // Keyboard use: digits pick a choice; arrows move between buttons (Tab works too).
            if (view && view.screen === 'question' && /^[1-9]$/.test(e.key)) {
              var choice = app.querySelector('button[data-choice="' + (Number(e.key) - 1) + '"]');
              if (choice) { e.preventDefault(); choice.click(); }
            } else if (e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === 'ArrowLeft' || e.key === 'ArrowUp') {
              var buttons = Array.prototype.slice.call(app.querySelectorAll('button'));
              var at = buttons.indexOf(document.activeElement);
              var step = (e.key === 'ArrowRight' || e.key === 'ArrowDown') ? 1 : -1;
              if (buttons.length) { e.preventDefault(); buttons[(at + step + buttons.length) % buttons.length].focus(); }
            } else if (e.key === 'Backspace' || (e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight'))) {
              e.preventDefault();
            }
          });
        })();
        """
}
