import { useState } from 'react';
import { deleteUser } from 'aws-amplify/auth';
import { useActionStatus } from '../../components/action-status';
import { ErrorMessage } from '../../components/Status';
import { useUser } from '../../hooks/useUser';
import { friendlyAuthMessage } from '../auth/auth-errors';
import { ACCOUNT_DELETED_NOTICE, noticeOnNextSignIn } from '../auth/auth-services';
import { deleteMyFiles } from '../files/delete-my-files';

const DELETE_WORD = 'DELETE';

/** Sign out on every device; delete the account after typing a confirmation word. */
export function AccountActions() {
  const user = useUser();
  const [typed, setTyped] = useState('');
  const status = useActionStatus();
  const [progress, setProgress] = useState<string>();

  const run = async (action: () => Promise<void>) => {
    status.start();
    try {
      await action();
    } catch (e) {
      status.fail(friendlyAuthMessage(e));
    }
  };

  // Files first (private, protected and public), then the account: if a file cannot be
  // deleted the account stays, so the person can try again and nothing is left behind.
  const deleteAccount = async () => {
    if (user.identityId) {
      setProgress('Deleting your files…');
      try {
        const count = await deleteMyFiles(user.identityId, (n) => setProgress(`Deleting your files… ${n} deleted`));
        setProgress(`Deleted your ${count} file${count === 1 ? '' : 's'}. Deleting your account…`);
      } catch {
        setProgress(undefined);
        status.fail('We could not delete all your files, so your account was not deleted. Try again.');
        return;
      }
    }
    // Set first: the sign-in screen may appear as soon as the account is gone.
    noticeOnNextSignIn(ACCOUNT_DELETED_NOTICE);
    try {
      await deleteUser();
    } catch (e) {
      noticeOnNextSignIn(undefined);
      throw e;
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
      <p>This removes your account for good, and first deletes all your files: private, protected and public.</p>
      <label htmlFor="delete-confirm">Type {DELETE_WORD} to confirm</label>
      <input id="delete-confirm" type="text" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
      <div className="actions">
        <button type="button" className="danger" disabled={typed !== DELETE_WORD} onClick={() => void run(deleteAccount)}>
          Delete my account
        </button>
      </div>
      {progress && (
        <p role="status" className="muted">
          {progress}
        </p>
      )}
      {status.error && <ErrorMessage>{status.error}</ErrorMessage>}
    </section>
  );
}
