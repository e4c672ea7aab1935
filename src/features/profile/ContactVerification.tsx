import { useRef, useState } from 'react';
import { confirmUserAttribute, sendUserAttributeVerificationCode } from 'aws-amplify/auth';
import { useActionStatus } from '../../components/action-status';
import { useFocusAfterRender } from '../../components/focus';
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
  const status = useActionStatus();
  const focusAfterRender = useFocusAfterRender();
  const heading = useRef<HTMLHeadingElement>(null);
  const codeInput = useRef<HTMLInputElement>(null);
  const codeId = `verify-${attribute}-code`;

  const send = async () => {
    status.start();
    try {
      const result = await sendUserAttributeVerificationCode({ userAttributeKey: attribute });
      setSentTo(result.destination ?? value);
      // The button pressed is replaced by the code field: type the code next.
      focusAfterRender(() => codeInput.current);
    } catch (e) {
      status.fail(friendlyAuthMessage(e));
    }
  };
  const confirm = async () => {
    status.start();
    try {
      await confirmUserAttribute({ userAttributeKey: attribute, confirmationCode: code.trim() });
      setSentTo(undefined);
      setCode('');
      await user.refresh();
      status.succeed(`Your ${label.toLowerCase()} is verified.`);
      // The field and its button are gone: focus goes back to this contact's heading.
      focusAfterRender(() => heading.current, { onlyIfLost: true });
    } catch (e) {
      status.fail(friendlyAuthMessage(e));
    }
  };

  return (
    <div>
      <h3 tabIndex={-1} ref={heading}>
        {label}
      </h3>
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
          <input id={codeId} ref={codeInput} type="text" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
          <div className="actions">
            <button type="button" onClick={() => void confirm()} disabled={!code.trim()}>
              Verify {label.toLowerCase()}
            </button>
          </div>
        </div>
      )}
      {status.notice && <Notice>{status.notice}</Notice>}
      {status.error && <ErrorMessage>{status.error}</ErrorMessage>}
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
