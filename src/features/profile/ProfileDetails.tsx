import { useState, type FormEvent } from 'react';
import { birthdateProblem } from '../../../amplify/auth/pre-sign-up/birthdate';
import { apiErrorMessage, changeOwnBirthdate } from '../../api/vault-api';
import { useActionStatus } from '../../components/action-status';
import { ErrorMessage, Notice } from '../../components/Status';
import { useUser } from '../../hooks/useUser';
import { friendlyAuthMessage } from '../auth/auth-errors';
import { BETA_ATTRIBUTE } from '../auth/auth-services';

/**
 * View and edit preferred username, birthdate and the beta flag. A changed or
 * removed birthdate goes through the API, which checks it with the sign-up rule
 * (13 or older, a real date): the app client may not write that attribute. The
 * rest are the person's own attributes.
 */
export function ProfileDetails() {
  const user = useUser();
  if (!user.attributesLoaded) {
    // Saving a form filled from nothing would overwrite what the person has (the beta flag with "false").
    return (
      <section className="card" aria-labelledby="profile-details">
        <h2 id="profile-details">Your details</h2>
        <ErrorMessage onRetry={() => void user.refresh()}>Your details could not be loaded, so they cannot be changed right now.</ErrorMessage>
      </section>
    );
  }
  return <DetailsForm />;
}

function DetailsForm() {
  const user = useUser();
  const saved0 = {
    preferredUsername: user.attributes.preferred_username ?? '',
    birthdate: user.attributes.birthdate ?? '',
    beta: user.attributes[BETA_ATTRIBUTE] === 'true',
  };
  const [preferredUsername, setPreferredUsername] = useState(saved0.preferredUsername);
  const [birthdate, setBirthdate] = useState(saved0.birthdate);
  const [beta, setBeta] = useState(saved0.beta);
  const [busy, setBusy] = useState(false);
  const status = useActionStatus();

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    status.start();
    try {
      // Only what the person changed is written: nothing they did not touch is overwritten.
      const name = preferredUsername.trim();
      const changes: Record<string, string> = {};
      const cleared: string[] = [];
      if (beta !== saved0.beta) changes[BETA_ATTRIBUTE] = beta ? 'true' : 'false';
      if (name !== saved0.preferredUsername) {
        if (name) changes.preferred_username = name;
        else cleared.push('preferred_username');
      }
      // The birthdate is not an attribute people may write: set or removed through the API only.
      const birthdateChange = birthdate === saved0.birthdate ? undefined : birthdate || null;
      if (birthdateChange === undefined && cleared.length === 0 && Object.keys(changes).length === 0) {
        status.succeed('Nothing has changed.');
        return;
      }
      // The birthdate first: when it is refused nothing else is saved either.
      if (birthdateChange !== undefined) {
        // The sign-up rule, at once; the API checks it again (the app client cannot be trusted).
        const problem = birthdateChange === null ? undefined : birthdateProblem(birthdateChange, new Date());
        if (problem) {
          status.fail(problem);
          return;
        }
        try {
          await changeOwnBirthdate(birthdateChange);
        } catch (e) {
          status.fail(apiErrorMessage(e));
          return;
        }
      }
      if (Object.keys(changes).length > 0) await user.updateAttributes(changes); // reloads the attributes, the new birthdate with them
      if (cleared.length > 0) await user.deleteAttributes(cleared);
      if (birthdateChange !== undefined && Object.keys(changes).length === 0 && cleared.length === 0) await user.refresh();
      status.succeed('Your details are saved.');
    } catch (e) {
      status.fail(friendlyAuthMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="profile-details">
      <h2 id="profile-details">Your details</h2>
      <form onSubmit={(e) => void onSubmit(e)}>
        <label htmlFor="preferred-username">Preferred username</label>
        <input
          id="preferred-username"
          type="text"
          autoComplete="nickname"
          value={preferredUsername}
          onChange={(e) => setPreferredUsername(e.target.value)}
        />
        <p className="muted" id="preferred-username-hint">
          Leave a field empty to remove it.
        </p>
        <label htmlFor="birthdate">Birthdate</label>
        <input id="birthdate" type="date" autoComplete="bday" value={birthdate} onChange={(e) => setBirthdate(e.target.value)} />
        <p>
          <label className="inline">
            <input type="checkbox" checked={beta} onChange={(e) => setBeta(e.target.checked)} />
            Beta features
          </label>
        </p>
        {status.error && <ErrorMessage>{status.error}</ErrorMessage>}
        {status.notice && <Notice>{status.notice}</Notice>}
        <div className="actions">
          {/* Not disabled while it works: a disabled button would drop the keyboard focus to the page. */}
          <button type="submit" aria-disabled={busy || undefined}>
            {busy ? 'Saving…' : 'Save details'}
          </button>
        </div>
      </form>
    </section>
  );
}
