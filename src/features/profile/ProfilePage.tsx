import { useState } from 'react';
import { startAction } from '../../components/action-status';
import { useUser } from '../../hooks/useUser';
import { providerInWords } from '../auth/auth-errors';
import { AccountActions } from './AccountActions';
import { ChangePassword } from './ChangePassword';
import { ContactVerification } from './ContactVerification';
import { MfaSettings } from './MfaSettings';
import { ProfileDetails } from './ProfileDetails';

const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short', dateStyle: 'medium' });

export default function ProfilePage() {
  const user = useUser();
  const [refreshing, setRefreshing] = useState(false);
  return (
    <>
      <h1>Profile</h1>
      <section className="card" aria-labelledby="access-heading">
        <h2 id="access-heading">Access</h2>
        <p>
          Groups: {user.groups.length > 0 ? user.groups.join(', ') : <span className="muted">none</span>}
          {user.sessionExpiresAt && <> · session renews at {timeFormat.format(user.sessionExpiresAt)}</>}
        </p>
        <button
          type="button"
          className="secondary"
          aria-disabled={refreshing || undefined}
          onClick={() => {
            if (refreshing) return;
            startAction();
            setRefreshing(true);
            void user.refresh({ forceRefresh: true }).finally(() => setRefreshing(false));
          }}
        >
          Refresh my access
        </button>
      </section>
      <ProfileDetails />
      <ContactVerification />
      {user.federatedProvider ? (
        // Cognito gives a federated user no password and no two-step sign-in: the provider does both.
        <section className="card" aria-labelledby="signing-in-heading">
          <h2 id="signing-in-heading">Signing in</h2>
          <p>
            You sign in with {providerInWords(user.federatedProvider)}: your password and two-step sign-in are set there, not
            here.
          </p>
        </section>
      ) : (
        <>
          <MfaSettings />
          <ChangePassword />
        </>
      )}
      <AccountActions />
    </>
  );
}
