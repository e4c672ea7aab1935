import { useState } from 'react';
import { deleteUser } from 'aws-amplify/auth';
import { ErrorMessage } from '../../components/Status';
import { useUser } from '../../hooks/useUser';
import { friendlyAuthMessage } from '../auth/auth-errors';

const DELETE_WORD = 'DELETE';

/** Sign out on every device; delete the account after typing a confirmation word. */
export function AccountActions() {
  const user = useUser();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string>();

  const run = async (action: () => Promise<void>) => {
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(friendlyAuthMessage(e));
    }
  };

  return (
    <section className="card" aria-labelledby="account-heading">
      <h2 id="account-heading">Account</h2>
      <p>Signing out everywhere ends your sessions on all devices and browsers.</p>
      <button type="button" className="secondary" onClick={() => void run(() => user.signOut({ global: true }))}>
        Sign out everywhere
      </button>
      <h3>Delete your account</h3>
      <p>This removes your account for good. Delete your private files first if you want them gone: they stay in storage, and nobody can sign in as you to reach them again.</p>
      <label htmlFor="delete-confirm">Type {DELETE_WORD} to confirm</label>
      <input id="delete-confirm" type="text" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
      <div className="actions">
        <button type="button" className="danger" disabled={typed !== DELETE_WORD} onClick={() => void run(() => deleteUser())}>
          Delete my account
        </button>
      </div>
      {error && <ErrorMessage>{error}</ErrorMessage>}
    </section>
  );
}
