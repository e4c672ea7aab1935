import { passwordRules } from '../auth/password-rules';
import { useState, type FormEvent } from 'react';
import { updatePassword } from 'aws-amplify/auth';
import { useActionStatus } from '../../components/action-status';
import { ErrorMessage, Notice } from '../../components/Status';
import { friendlyAuthMessage } from '../auth/auth-errors';

export function ChangePassword() {
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirm, setConfirm] = useState('');
  const status = useActionStatus();
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    status.start();
    if (newPassword !== confirm) {
      status.fail('The new passwords do not match.');
      return;
    }
    setBusy(true);
    try {
      await updatePassword({ oldPassword, newPassword });
      status.succeed('Your password is changed.');
      setOld('');
      setNew('');
      setConfirm('');
    } catch (e) {
      status.fail(friendlyAuthMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">Change password</h2>
      <form onSubmit={(e) => void onSubmit(e)}>
        <label htmlFor="old-password">Current password</label>
        <input id="old-password" type="password" autoComplete="current-password" required value={oldPassword} onChange={(e) => setOld(e.target.value)} />
        <label htmlFor="new-password">New password</label>
        <p id="new-password-rules" className="muted">
          {passwordRules()}
        </p>
        <input id="new-password" type="password" autoComplete="new-password" aria-describedby="new-password-rules" required value={newPassword} onChange={(e) => setNew(e.target.value)} />
        <label htmlFor="confirm-password">Confirm new password</label>
        <input id="confirm-password" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        {status.error && <ErrorMessage>{status.error}</ErrorMessage>}
        {status.notice && <Notice>{status.notice}</Notice>}
        <div className="actions">
          {/* Not disabled while it works: a disabled button would drop the keyboard focus to the page. */}
          <button type="submit" aria-disabled={busy || undefined}>
            Change password
          </button>
        </div>
      </form>
    </section>
  );
}
