import type { Clock } from './clock';
import type { Store } from '../store/store';

/**
 * Where email and SMS go instead of the world: a durable list that
 * `GET /_localcloud/outbox` returns and the console prints.
 */
export interface OutboxMessage {
  to: string;
  channel: 'email' | 'sms';
  subject: string;
  body: string;
  code: string;
  sentAt: string;
}

export interface Outbox {
  send(message: Omit<OutboxMessage, 'sentAt'>): OutboxMessage;
  /** All messages, newest last. */
  list(): OutboxMessage[];
  /** Called for each message sent (main.ts prints them). */
  onMessage(listener: (message: OutboxMessage) => void): void;
}

const migrations = [
  `CREATE TABLE outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     to_address TEXT NOT NULL, channel TEXT NOT NULL, subject TEXT NOT NULL,
     body TEXT NOT NULL, code TEXT NOT NULL, sent_at TEXT NOT NULL)`,
];

export function createOutbox(store: Store, clock: Clock): Outbox {
  store.migrate('outbox', migrations);
  const listeners: ((message: OutboxMessage) => void)[] = [];
  const insert = store.db.prepare(
    'INSERT INTO outbox (to_address, channel, subject, body, code, sent_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const all = store.db.prepare(
    'SELECT to_address AS "to", channel, subject, body, code, sent_at AS sentAt FROM outbox ORDER BY id',
  );
  return {
    send(message) {
      const sent: OutboxMessage = { ...message, sentAt: clock.now().toISOString() };
      insert.run(sent.to, sent.channel, sent.subject, sent.body, sent.code, sent.sentAt);
      for (const listener of listeners) listener(sent);
      return sent;
    },
    list: () => all.all() as OutboxMessage[],
    onMessage: (listener) => void listeners.push(listener),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The outbox as a page a person reads in a browser (newest first); the JSON stays for tools. */
export function outboxPage(messages: OutboxMessage[]): string {
  const rows = [...messages]
    .reverse()
    .map(
      (m) => `<article>
  <h2>${escapeHtml(m.subject || (m.channel === 'sms' ? 'Text message' : 'Email'))}</h2>
  <p class="meta">${m.channel === 'sms' ? 'Text message' : 'Email'} to <strong>${escapeHtml(m.to)}</strong>, <time datetime="${escapeHtml(m.sentAt)}">${escapeHtml(m.sentAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</time></p>
  <p>${escapeHtml(m.body)}</p>
  ${m.code ? `<p>Code: <code>${escapeHtml(m.code)}</code></p>` : ''}
</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Outbox · local cloud</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}article{border:1px solid #ccc;border-radius:8px;padding:0 1rem;margin:1rem 0}.meta{color:#555}code{font-size:1.25rem;letter-spacing:.1em}</style></head>
<body><main><h1>Outbox</h1>
<p>Emails and text messages the local cloud would have sent, newest first. Reload to see new ones.</p>
${rows || '<p>Nothing has been sent yet.</p>'}
</main></body></html>
`;
}
