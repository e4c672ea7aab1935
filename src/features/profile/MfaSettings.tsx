import { useCallback, useEffect, useRef, useState } from 'react';
import {
  fetchMFAPreference,
  setUpTOTP,
  updateMFAPreference,
  verifyTOTPSetup,
  type FetchMFAPreferenceOutput,
} from 'aws-amplify/auth';
import QRCode from 'qrcode';
import { useActionStatus } from '../../components/action-status';
import { useFocusAfterRender } from '../../components/focus';
import { ErrorMessage, Loading, Notice } from '../../components/Status';
import { useUser } from '../../hooks/useUser';
import { friendlyAuthMessage } from '../auth/auth-errors';
import { TOTP_ISSUER } from '../auth/totp';

interface Setup {
  secret: string;
  uri: string;
  qr: string;
}

/** Which code sign-in asks for when both are on; `ask` leaves neither preferred, so Cognito offers the choice (SELECT_MFA_TYPE). */
type SignInChoice = 'ask' | 'TOTP' | 'SMS';

/** Both on and neither preferred: Cognito asks at each sign-in which one to use. */
const ASK_EACH_TIME = { totp: 'NOT_PREFERRED', sms: 'NOT_PREFERRED' } as const;

const CHOICES: { value: SignInChoice; label: string }[] = [
  { value: 'ask', label: 'Ask me each time' },
  { value: 'TOTP', label: 'Authenticator app' },
  { value: 'SMS', label: 'Text message' },
];

/**
 * TOTP (authenticator app) set up and turn off; SMS MFA on and off once the phone is verified.
 * With both on, the person chooses at each sign-in (the default once the second is turned on),
 * or picks one to be asked for always.
 */
export function MfaSettings() {
  const user = useUser();
  const [preference, setPreference] = useState<FetchMFAPreferenceOutput>();
  const [setup, setSetup] = useState<Setup>();
  const [code, setCode] = useState('');
  /** The settings could not be loaded (with a retry); an action's outcome is `status`. */
  const [loadError, setLoadError] = useState<string>();
  const status = useActionStatus();
  const focusAfterRender = useFocusAfterRender();
  const setupButton = useRef<HTMLButtonElement>(null);
  const turnOffButton = useRef<HTMLButtonElement>(null);
  const setupGroup = useRef<HTMLDivElement>(null);
  const accountName = user.attributes.email ?? user.user?.username ?? 'user';

  const load = useCallback(async () => {
    setLoadError(undefined);
    try {
      setPreference(await fetchMFAPreference());
    } catch (e) {
      setLoadError(friendlyAuthMessage(e));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const totpOn = preference?.enabled?.includes('TOTP') ?? false;
  const smsOn = preference?.enabled?.includes('SMS') ?? false;
  const choice: SignInChoice = preference?.preferred === 'TOTP' || preference?.preferred === 'SMS' ? preference.preferred : 'ask';
  const phoneVerified = user.attributes.phone_number_verified === 'true';

  const startSetup = async () => {
    status.start();
    try {
      const details = await setUpTOTP();
      const uri = details.getSetupUri(TOTP_ISSUER, accountName).toString();
      const qr = await QRCode.toDataURL(uri, { margin: 1, width: 192 });
      setSetup({ secret: details.sharedSecret, uri, qr });
      // The button pressed is gone: focus goes to the steps that replaced it.
      focusAfterRender(() => setupGroup.current);
    } catch (e) {
      status.fail(friendlyAuthMessage(e));
    }
  };

  const cancelSetup = () => {
    status.start();
    setSetup(undefined);
    setCode('');
    focusAfterRender(() => setupButton.current);
  };

  const finishSetup = async () => {
    status.start();
    try {
      await verifyTOTPSetup({ code: code.trim() });
      await updateMFAPreference(smsOn ? ASK_EACH_TIME : { totp: 'PREFERRED' });
      await load();
      setSetup(undefined);
      setCode('');
      status.succeed(
        smsOn
          ? 'Two-step sign-in with your authenticator app is on. When you sign in, you choose: authenticator app or text message.'
          : 'Two-step sign-in with your authenticator app is on.',
      );
      focusAfterRender(() => turnOffButton.current ?? setupButton.current, { onlyIfLost: true });
    } catch (e) {
      status.fail(friendlyAuthMessage(e));
    }
  };

  const change = async (input: Parameters<typeof updateMFAPreference>[0], message: string) => {
    status.start();
    try {
      await updateMFAPreference(input);
      await load();
      status.succeed(message);
      // Turning the app off replaces its button with "Set up": focus follows.
      focusAfterRender(() => setupButton.current ?? turnOffButton.current, { onlyIfLost: true });
    } catch (e) {
      status.fail(friendlyAuthMessage(e));
    }
  };

  return (
    <section className="card" aria-labelledby="mfa-heading">
      <h2 id="mfa-heading">Two-step sign-in</h2>
      {!preference && !loadError && <Loading label="Loading your sign-in settings…" />}
      {preference && (
        <>
          <h3>Authenticator app</h3>
          <p>{totpOn ? 'On: you enter a code from your app when you sign in.' : 'Off.'}</p>
          {totpOn && (
            <button type="button" ref={turnOffButton} className="secondary" onClick={() => void change({ totp: 'DISABLED' }, 'Authenticator app sign-in is off.')}>
              Turn off authenticator app
            </button>
          )}
          {!totpOn && !setup && (
            <button type="button" ref={setupButton} onClick={() => void startSetup()}>
              Set up an authenticator app
            </button>
          )}
          {setup && (
            <div role="group" aria-label="Set up an authenticator app" tabIndex={-1} ref={setupGroup} className="focus-target">
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
                <button type="button" className="secondary" onClick={cancelSetup}>
                  Cancel
                </button>
              </div>
            </div>
          )}
          <h3>Text message</h3>
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
                    : totpOn
                      ? change(ASK_EACH_TIME, 'Text-message codes are on. When you sign in, you choose: authenticator app or text message.')
                      : change({ sms: 'PREFERRED' }, 'Text-message codes are on.'))
                }
              >
                {smsOn ? 'Turn off text-message codes' : 'Turn on text-message codes'}
              </button>
            </>
          )}
        </>
      )}
      {totpOn && smsOn && (
        <fieldset className="choice">
          <legend>When you sign in, use</legend>
          {CHOICES.map(({ value, label }) => (
            <label key={value} className="inline">
              <input
                type="radio"
                name="mfa-choice"
                value={value}
                checked={choice === value}
                onChange={() =>
                  void change(
                    value === 'ask' ? ASK_EACH_TIME : value === 'TOTP' ? { totp: 'PREFERRED' } : { sms: 'PREFERRED' },
                    value === 'ask' ? 'You will choose each time you sign in.' : `Sign-in will ask for a code from your ${value === 'TOTP' ? 'authenticator app' : 'text messages'}.`,
                  )
                }
              />
              {label}
            </label>
          ))}
        </fieldset>
      )}
      {loadError && <ErrorMessage onRetry={() => void load()}>{loadError}</ErrorMessage>}
      {status.notice && <Notice>{status.notice}</Notice>}
      {status.error && <ErrorMessage>{status.error}</ErrorMessage>}
    </section>
  );
}
