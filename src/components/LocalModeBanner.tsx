import { currentBackend } from '../amplify-config';

/** Against the local cloud, says so and links the outbox where sign-up and reset codes arrive. */
export function LocalModeBanner() {
  let outbox: string | undefined;
  try {
    const backend = currentBackend();
    if (backend.mode === 'local') outbox = backend.localCloud.outbox;
  } catch {
    return null; // not configured (tests of single pages)
  }
  if (!outbox) return null;
  return (
    <aside className="local-banner" aria-label="Local cloud">
      Running on the local cloud: emails and text messages are not sent.{' '}
      <a href={outbox} target="_blank" rel="noreferrer">
        Open the outbox
      </a>{' '}
      to read codes.
    </aside>
  );
}
