import { useState, type FormEvent } from 'react';
import { apiErrorMessage, changeOwnBirthdate } from '../../api/vault-api';
import { ErrorMessage, Notice } from '../../components/Status';
import { useUser } from '../../hooks/useUser';
import { friendlyAuthMessage } from '../auth/auth-errors';
import { BETA_ATTRIBUTE } from '../auth/auth-services';

/**
 * View and edit preferred username, birthdate and the beta flag. A changed
 * birthdate goes through the API, which checks it with the sign-up rule
 * (13 or older, a real date); the rest are the person's own attributes.
 */
export function ProfileDetails() {
  const user = useUser();
  const [preferredUsername, setPreferredUsername] = useState(user.attributes.preferred_username ?? '');
  const [birthdate, setBirthdate] = useState(user.attributes.birthdate ?? '');
  const [beta, setBeta] = useState(user.attributes[BETA_ATTRIBUTE] === 'true');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      // The birthdate first: when it is refused nothing else is saved either.
      if (birthdate && birthdate !== (user.attributes.birthdate ?? '')) {
        try {
          await changeOwnBirthdate(birthdate);
        } catch (e) {
          setError(apiErrorMessage(e));
          return;
        }
      }
      const changes: Record<string, string> = { [BETA_ATTRIBUTE]: beta ? 'true' : 'false' };
      if (preferredUsername.trim()) changes.preferred_username = preferredUsername.trim();
      await user.updateAttributes(changes); // reloads the attributes, the new birthdate with them
      setSaved(true);
    } catch (e) {
      setError(friendlyAuthMessage(e));
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
        <label htmlFor="birthdate">Birthdate</label>
        <input id="birthdate" type="date" autoComplete="bday" value={birthdate} onChange={(e) => setBirthdate(e.target.value)} />
        <p>
          <label className="inline">
            <input type="checkbox" checked={beta} onChange={(e) => setBeta(e.target.checked)} />
            Beta features
          </label>
        </p>
        {error && <ErrorMessage>{error}</ErrorMessage>}
        {saved && <Notice>Your details are saved.</Notice>}
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Save details'}
          </button>
        </div>
      </form>
    </section>
  );
}
