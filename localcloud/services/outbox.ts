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
