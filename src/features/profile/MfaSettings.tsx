import { useCallback, useEffect, useState } from 'react';
import {
  fetchMFAPreference,
  setUpTOTP,
  updateMFAPreference,
  verifyTOTPSetup,
  type FetchMFAPreferenceOutput,
} from 'aws-amplify/auth';
import QRCode from 'qrcode';
import { ErrorMessage, Loading, Notice } from '../../components/Status';
import { useUser } from '../../hooks/useUser';
import { friendlyAuthMessage } from '../auth/auth-errors';
import { TOTP_ISSUER } from '../auth/totp';

interface Setup {
  secret: string;
  uri: string;
  qr: string;
}

/** TOTP (authenticator app) set up and turn off; SMS MFA on and off once the phone is verified. */
export function MfaSettings() {
  const user = useUser();
  const [preference, setPreference] = useState<FetchMFAPreferenceOutput>();
  const [setup, setSetup] = useState<Setup>();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const accountName = user.attributes.email ?? user.user?.username ?? 'user';

  const load = useCallback(async () => {
    try {
      setPreference(await fetchMFAPreference());
    } catch (e) {
      setError(friendlyAuthMessage(e));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const totpOn = preference?.enabled?.includes('TOTP') ?? false;
  const smsOn = preference?.enabled?.includes('SMS') ?? false;
  const phoneVerified = user.attributes.phone_number_verified === 'true';

  const startSetup = async () => {
    setError(undefined);
    setNotice(undefined);
    try {
      const details = await setUpTOTP();
      const uri = details.getSetupUri(TOTP_ISSUER, accountName).toString();
      const qr = await QRCode.toDataURL(uri, { margin: 1, width: 192 });
      setSetup({ secret: details.sharedSecret, uri, qr });
    } catch (e) {
      setError(friendlyAuthMessage(e));
    }
  };

  const finishSetup = async () => {
    setError(undefined);
    try {
      await verifyTOTPSetup({ code: code.trim() });
      await updateMFAPreference({ totp: 'PREFERRED' });
      setSetup(undefined);
      setCode('');
      setNotice('Two-step sign-in with your authenticator app is on.');
      await load();
    } catch (e) {
      setError(friendlyAuthMessage(e));
    }
  };

  const change = async (input: Parameters<typeof updateMFAPreference>[0], message: string) => {
    setError(undefined);
    try {
      await updateMFAPreference(input);
      setNotice(message);
      await load();
    } catch (e) {
      setError(friendlyAuthMessage(e));
    }
  };

  return (
    <section className="card" aria-labelledby="mfa-heading">
      <h2 id="mfa-heading">Two-step sign-in</h2>
      {!preference && !error && <Loading label="Loading your sign-in settings…" />}
      {preference && (
        <>
          <h3>Authenticator app</h3>
          <p>{totpOn ? 'On: you enter a code from your app when you sign in.' : 'Off.'}</p>
          {totpOn && (
            <button type="button" className="secondary" onClick={() => void change({ totp: 'DISABLED' }, 'Authenticator app sign-in is off.')}>
              Turn off authenticator app
            </button>
          )}
          {!totpOn && !setup && (
            <button type="button" onClick={() => void startSetup()}>
              Set up an authenticator app
            </button>
          )}
          {setup && (
            <div>
              <p>Scan this code with your authenticator app, or type the key by hand.</p>
              <p className="qr">
                <img src={setup.qr} alt={`QR code to add ${TOTP_ISSUER} to your authenticator app`} />
              </p>
              <p>
                Key: <code className="secret" data-testid="totp-secret">{setup.secret}</code>
              </p>
              <label htmlFor="totp-code">Code from the app</label>
              <input id="totp-code" type="text" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
              <div className="actions">
                <button type="button" onClick={() => void finishSetup()} disabled={code.trim().length < 6}>
                  Turn on authenticator app
                </button>
                <button type="button" className="secondary" onClick={() => setSetup(undefined)}>
                  Cancel
                </button>
              </div>
            </div>
          )}
          <h3>Text message (SMS)</h3>
          {!phoneVerified && <p className="muted">Verify your phone number above to use text-message codes.</p>}
          {phoneVerified && (
            <>
              <p>{smsOn ? 'On.' : 'Off.'}</p>
              <button
                type="button"
                className="secondary"
                onClick={() =>
                  void (smsOn
                    ? change({ sms: 'DISABLED' }, 'Text-message codes are off.')
                    : change({ sms: totpOn ? 'ENABLED' : 'PREFERRED' }, 'Text-message codes are on.'))
                }
              >
                {smsOn ? 'Turn off text-message codes' : 'Turn on text-message codes'}
              </button>
            </>
          )}
        </>
      )}
      {notice && <Notice>{notice}</Notice>}
      {error && <ErrorMessage>{error}</ErrorMessage>}
    </section>
  );
}
