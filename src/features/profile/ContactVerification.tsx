import { useState } from 'react';
import { confirmUserAttribute, sendUserAttributeVerificationCode } from 'aws-amplify/auth';
import { ErrorMessage, Notice } from '../../components/Status';
import { useUser } from '../../hooks/useUser';
import { friendlyAuthMessage } from '../auth/auth-errors';

type Key = 'email' | 'phone_number';

function ContactRow({ attribute, label }: { attribute: Key; label: string }) {
  const user = useUser();
  const value = user.attributes[attribute];
  const verified = user.attributes[`${attribute}_verified`] === 'true';
  const [sentTo, setSentTo] = useState<string>();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  const codeId = `verify-${attribute}-code`;

  const send = async () => {
    setError(undefined);
    try {
      const result = await sendUserAttributeVerificationCode({ userAttributeKey: attribute });
      setSentTo(result.destination ?? value);
    } catch (e) {
      setError(friendlyAuthMessage(e));
    }
  };
  const confirm = async () => {
    setError(undefined);
    try {
      await confirmUserAttribute({ userAttributeKey: attribute, confirmationCode: code.trim() });
      setDone(true);
      setSentTo(undefined);
      setCode('');
      await user.refresh();
    } catch (e) {
      setError(friendlyAuthMessage(e));
    }
  };

  return (
    <div>
      <h3>{label}</h3>
      <p>
        {value ?? <span className="muted">Not set</span>}{' '}
        {value && <strong className={verified ? 'verified' : 'unverified'}>{verified ? '(verified)' : '(not verified)'}</strong>}
      </p>
      {value && !verified && !sentTo && (
        <button type="button" className="secondary" onClick={() => void send()}>
          Send a code to verify your {label.toLowerCase()}
        </button>
      )}
      {sentTo && (
        <div>
          <label htmlFor={codeId}>Code sent to {sentTo}</label>
          <input id={codeId} type="text" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
          <div className="actions">
            <button type="button" onClick={() => void confirm()} disabled={!code.trim()}>
              Verify {label.toLowerCase()}
            </button>
          </div>
        </div>
      )}
      {done && <Notice>Your {label.toLowerCase()} is verified.</Notice>}
      {error && <ErrorMessage>{error}</ErrorMessage>}
    </div>
  );
}

/** Email and phone, with their verification status and a way to verify them. */
export function ContactVerification() {
  return (
    <section className="card" aria-labelledby="contact-heading">
      <h2 id="contact-heading">Email and phone</h2>
      <ContactRow attribute="email" label="Email" />
      <ContactRow attribute="phone_number" label="Phone" />
    </section>
  );
}
