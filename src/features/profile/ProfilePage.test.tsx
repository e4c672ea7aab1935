import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeUser, renderWithUser } from '../../testing/render-with-user';

vi.mock('aws-amplify/auth', () => ({
  fetchMFAPreference: vi.fn(),
  setUpTOTP: vi.fn(),
  verifyTOTPSetup: vi.fn(),
  updateMFAPreference: vi.fn(),
  sendUserAttributeVerificationCode: vi.fn(),
  confirmUserAttribute: vi.fn(),
  updatePassword: vi.fn(),
  deleteUser: vi.fn(),
}));

vi.mock('aws-amplify/storage', () => ({ list: vi.fn(), remove: vi.fn() }));

vi.mock('../../api/vault-api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../api/vault-api')>()),
  changeOwnBirthdate: vi.fn(),
}));

import { ApiError } from '@aws-amplify/core/internals/utils';
import * as auth from 'aws-amplify/auth';
import * as storage from 'aws-amplify/storage';
import { changeOwnBirthdate } from '../../api/vault-api';
import { ACCOUNT_DELETED_NOTICE, takeSignInNotice } from '../auth/auth-services';
import ProfilePage from './ProfilePage';

const a = vi.mocked(auth);
const region = (name: string) => screen.getByRole('region', { name });

describe('ProfilePage', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    a.fetchMFAPreference.mockResolvedValue({});
  });

  it('edits preferred username and the beta flag as attributes, and sends no unchanged birthdate', async () => {
    const user = userEvent.setup();
    const me = fakeUser({
      attributes: { email: 'alice@example.com', preferred_username: 'ally', birthdate: '1990-04-23', 'custom:is_beta_user': 'false' },
    });
    renderWithUser(<ProfilePage />, me);
    const details = region('Your details');
    const name = within(details).getByLabelText('Preferred username');
    expect(name).toHaveValue('ally');
    expect(within(details).getByLabelText('Birthdate')).toHaveAttribute('type', 'date');
    expect(within(details).getByLabelText('Birthdate')).toHaveValue('1990-04-23');
    await user.clear(name);
    await user.type(name, 'alice-w');
    await user.click(within(details).getByRole('checkbox', { name: 'Beta features' }));
    await user.click(within(details).getByRole('button', { name: 'Save details' }));
    expect(me.updateAttributes).toHaveBeenCalledWith({ preferred_username: 'alice-w', 'custom:is_beta_user': 'true' });
    expect(changeOwnBirthdate).not.toHaveBeenCalled();
    expect(await within(details).findByText('Your details are saved.')).toBeInTheDocument();
  });

  it('changes the birthdate through the API (the sign-up rule, checked on the server), never as an attribute', async () => {
    vi.mocked(changeOwnBirthdate).mockResolvedValue();
    const user = userEvent.setup();
    const me = fakeUser({ attributes: { email: 'alice@example.com', birthdate: '1990-04-23' } });
    renderWithUser(<ProfilePage />, me);
    const details = region('Your details');
    await user.clear(within(details).getByLabelText('Birthdate'));
    await user.type(within(details).getByLabelText('Birthdate'), '1991-05-24');
    await user.click(within(details).getByRole('button', { name: 'Save details' }));
    expect(changeOwnBirthdate).toHaveBeenCalledWith('1991-05-24');
    expect(me.updateAttributes).not.toHaveBeenCalled();
    expect(me.refresh).toHaveBeenCalled();
    expect(await within(details).findByText('Your details are saved.')).toBeInTheDocument();
  });

  it("shows the server's refusal of a birthdate in its words, and saves nothing else", async () => {
    const message = 'You must be at least 13 years old to create an account.';
    vi.mocked(changeOwnBirthdate).mockRejectedValue(
      new ApiError({ name: 'InvalidBirthdate', message, response: { statusCode: 400, headers: {}, body: JSON.stringify({ code: 'InvalidBirthdate', message }) } }),
    );
    const user = userEvent.setup();
    const me = fakeUser({ attributes: { email: 'alice@example.com', birthdate: '1990-04-23' } });
    renderWithUser(<ProfilePage />, me);
    const details = region('Your details');
    await user.clear(within(details).getByLabelText('Birthdate'));
    await user.type(within(details).getByLabelText('Birthdate'), '1991-05-24');
    await user.click(within(details).getByRole('button', { name: 'Save details' }));
    expect(await within(details).findByRole('alert')).toHaveTextContent(message);
    expect(me.updateAttributes).not.toHaveBeenCalled();
  });

  it('never writes an attribute that failed to load (the beta flag stays as it is)', async () => {
    const user = userEvent.setup();
    const me = fakeUser({ attributes: {}, attributesLoaded: false, error: 'We could not load your account: Failed to fetch' });
    renderWithUser(<ProfilePage />, me);
    const details = region('Your details');
    expect(within(details).getByRole('alert')).toHaveTextContent('could not be loaded');
    expect(within(details).queryByRole('button', { name: 'Save details' })).not.toBeInTheDocument();
    await user.click(within(details).getByRole('button', { name: 'Try again' }));
    expect(me.refresh).toHaveBeenCalled();
  });

  it('writes only what changed, and clears emptied fields (the birthdate through the API: people cannot write it)', async () => {
    vi.mocked(changeOwnBirthdate).mockResolvedValue();
    const user = userEvent.setup();
    const me = fakeUser({ attributes: { email: 'a@example.com', preferred_username: 'ally', birthdate: '1990-04-23', 'custom:is_beta_user': 'true' } });
    renderWithUser(<ProfilePage />, me);
    const details = region('Your details');
    await user.click(within(details).getByRole('button', { name: 'Save details' }));
    expect(await within(details).findByText('Nothing has changed.')).toBeInTheDocument();
    expect(me.updateAttributes).not.toHaveBeenCalled();
    await user.clear(within(details).getByLabelText('Preferred username'));
    await user.clear(within(details).getByLabelText('Birthdate'));
    await user.click(within(details).getByRole('button', { name: 'Save details' }));
    expect(changeOwnBirthdate).toHaveBeenCalledWith(null);
    expect(me.deleteAttributes).toHaveBeenCalledWith(['preferred_username']);
    expect(me.updateAttributes).not.toHaveBeenCalled();
    expect(await within(details).findByText('Your details are saved.')).toBeInTheDocument();
  });

  it('checks the birthdate with the sign-up rule before sending it', async () => {
    const user = userEvent.setup();
    renderWithUser(<ProfilePage />, fakeUser());
    const details = region('Your details');
    await user.type(within(details).getByLabelText('Birthdate'), `${new Date().getUTCFullYear() - 5}-01-01`);
    await user.click(within(details).getByRole('button', { name: 'Save details' }));
    expect(await within(details).findByRole('alert')).toHaveTextContent('at least 13 years old');
    expect(changeOwnBirthdate).not.toHaveBeenCalled();
  });

  it('shows a refused edit in plain words', async () => {
    const user = userEvent.setup();
    const me = fakeUser({
      updateAttributes: vi.fn(async () => {
        throw Object.assign(new Error('Invalid birthdate'), { name: 'InvalidParameterException' });
      }),
    });
    renderWithUser(<ProfilePage />, me);
    await user.click(within(region('Your details')).getByRole('checkbox', { name: 'Beta features' }));
    await user.click(within(region('Your details')).getByRole('button', { name: 'Save details' }));
    expect(await within(region('Your details')).findByRole('alert')).toHaveTextContent('Invalid birthdate');
  });

  it('verifies the phone with a code', async () => {
    a.sendUserAttributeVerificationCode.mockResolvedValue({ destination: '+*******0100', deliveryMedium: 'SMS', attributeName: 'phone_number' });
    a.confirmUserAttribute.mockResolvedValue();
    const user = userEvent.setup();
    const me = fakeUser();
    renderWithUser(<ProfilePage />, me);
    const contact = region('Email and phone');
    expect(within(contact).getByText('(verified)')).toBeInTheDocument();
    await user.click(within(contact).getByRole('button', { name: 'Send a code to verify your phone' }));
    expect(a.sendUserAttributeVerificationCode).toHaveBeenCalledWith({ userAttributeKey: 'phone_number' });
    await user.type(await within(contact).findByLabelText('Code sent to +*******0100'), '123456');
    await user.click(within(contact).getByRole('button', { name: 'Verify phone' }));
    expect(a.confirmUserAttribute).toHaveBeenCalledWith({ userAttributeKey: 'phone_number', confirmationCode: '123456' });
    expect(await within(contact).findByText('Your phone is verified.')).toBeInTheDocument();
    expect(me.refresh).toHaveBeenCalled();
  });

  it('sets up TOTP with a QR code issued by "Amplify Vault", then turns it off', async () => {
    const getSetupUri = vi.fn((issuer: string, account: string) => new URL(`otpauth://totp/${issuer}:${account}?secret=JBSWY3DPEHPK3PXP&issuer=${issuer}`));
    a.setUpTOTP.mockResolvedValue({ sharedSecret: 'JBSWY3DPEHPK3PXP', getSetupUri });
    a.verifyTOTPSetup.mockResolvedValue();
    a.updateMFAPreference.mockResolvedValue();
    const user = userEvent.setup();
    renderWithUser(<ProfilePage />);
    const mfa = region('Two-step sign-in');
    await user.click(await within(mfa).findByRole('button', { name: 'Set up an authenticator app' }));
    expect(getSetupUri).toHaveBeenCalledWith('Amplify Vault', 'alice@example.com');
    const qr = await within(mfa).findByRole('img', { name: /QR code/ });
    expect(qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(within(mfa).getByText('JBSWY3DPEHPK3PXP')).toBeInTheDocument();

    const turnOn = within(mfa).getByRole('button', { name: 'Turn on authenticator app' });
    expect(turnOn).toBeDisabled();
    await user.type(within(mfa).getByLabelText('Code from the app'), '654321');
    a.fetchMFAPreference.mockResolvedValue({ enabled: ['TOTP'], preferred: 'TOTP' });
    await user.click(turnOn);
    expect(a.verifyTOTPSetup).toHaveBeenCalledWith({ code: '654321' });
    expect(a.updateMFAPreference).toHaveBeenCalledWith({ totp: 'PREFERRED' });
    expect(await within(mfa).findByText(/authenticator app is on/)).toBeInTheDocument();

    a.fetchMFAPreference.mockResolvedValue({});
    await user.click(within(mfa).getByRole('button', { name: 'Turn off authenticator app' }));
    expect(a.updateMFAPreference).toHaveBeenLastCalledWith({ totp: 'DISABLED' });
    expect(await within(mfa).findByRole('button', { name: 'Set up an authenticator app' })).toBeInTheDocument();
  });

  it('shows a wrong TOTP code as an error and keeps the setup open', async () => {
    a.setUpTOTP.mockResolvedValue({ sharedSecret: 'S', getSetupUri: () => new URL('otpauth://totp/x?secret=S') });
    a.verifyTOTPSetup.mockRejectedValue(Object.assign(new Error('Code mismatch'), { name: 'EnableSoftwareTokenMFAException' }));
    const user = userEvent.setup();
    renderWithUser(<ProfilePage />);
    const mfa = region('Two-step sign-in');
    await user.click(await within(mfa).findByRole('button', { name: 'Set up an authenticator app' }));
    await user.type(await within(mfa).findByLabelText('Code from the app'), '000000');
    await user.click(within(mfa).getByRole('button', { name: 'Turn on authenticator app' }));
    expect(await within(mfa).findByRole('alert')).toHaveTextContent('That code is not right');
    expect(a.updateMFAPreference).not.toHaveBeenCalled();
    expect(within(mfa).getByLabelText('Code from the app')).toBeInTheDocument();
  });

  it('with both codes on, the person chooses: ask each time (neither preferred, the default once the second is on) or always one', async () => {
    a.updateMFAPreference.mockResolvedValue();
    a.fetchMFAPreference.mockResolvedValue({ enabled: ['TOTP'], preferred: 'TOTP' });
    const user = userEvent.setup();
    renderWithUser(<ProfilePage />, fakeUser({ attributes: { email: 'alice@example.com', phone_number: '+15550100100', phone_number_verified: 'true' } }));
    const mfa = region('Two-step sign-in');
    a.fetchMFAPreference.mockResolvedValue({ enabled: ['TOTP', 'SMS'] });
    await user.click(await within(mfa).findByRole('button', { name: 'Turn on text-message codes' }));
    expect(a.updateMFAPreference).toHaveBeenLastCalledWith({ totp: 'NOT_PREFERRED', sms: 'NOT_PREFERRED' });
    expect(await within(mfa).findByText(/When you sign in, you choose: authenticator app or text message/)).toBeInTheDocument();
    const choice = within(mfa).getByRole('group', { name: 'When you sign in, use' });
    expect(within(choice).getByRole('radio', { name: 'Ask me each time' })).toBeChecked();

    a.fetchMFAPreference.mockResolvedValue({ enabled: ['TOTP', 'SMS'], preferred: 'SMS' });
    await user.click(within(choice).getByRole('radio', { name: 'Text message' }));
    expect(a.updateMFAPreference).toHaveBeenLastCalledWith({ sms: 'PREFERRED' });
    await waitFor(() => expect(within(choice).getByRole('radio', { name: 'Text message' })).toBeChecked());

    a.fetchMFAPreference.mockResolvedValue({ enabled: ['TOTP', 'SMS'] });
    await user.click(within(choice).getByRole('radio', { name: 'Ask me each time' }));
    expect(a.updateMFAPreference).toHaveBeenLastCalledWith({ totp: 'NOT_PREFERRED', sms: 'NOT_PREFERRED' });
    await waitFor(() => expect(within(choice).getByRole('radio', { name: 'Ask me each time' })).toBeChecked());
    expect(mfa.textContent).not.toMatch(/TOTP|SMS/);
  });

  it('offers SMS codes only once the phone is verified', async () => {
    renderWithUser(<ProfilePage />);
    expect(await within(region('Two-step sign-in')).findByText(/Verify your phone number above/)).toBeInTheDocument();
  });

  it('offers a federated user no password change or two-step sign-in (Cognito has neither for them): their provider does both', async () => {
    renderWithUser(<ProfilePage />, fakeUser({ federatedProvider: 'SignInWithApple', attributes: { email: 'grace@example.com', email_verified: 'true' } }));
    expect(region('Signing in')).toHaveTextContent('You sign in with Apple: your password and two-step sign-in are set there, not here.');
    expect(screen.queryByRole('region', { name: 'Change password' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Two-step sign-in' })).toBeNull();
    expect(screen.queryByText(/Verify your phone number above/)).toBeNull();
    expect(a.fetchMFAPreference).not.toHaveBeenCalled();
  });

  it('changes the password, checking the confirmation first', async () => {
    a.updatePassword.mockResolvedValue();
    const user = userEvent.setup();
    renderWithUser(<ProfilePage />);
    const pw = region('Change password');
    await user.type(within(pw).getByLabelText('Current password'), 'Old-Password-1!');
    await user.type(within(pw).getByLabelText('New password'), 'New-Password-2!');
    await user.type(within(pw).getByLabelText('Confirm new password'), 'New-Password-3!');
    await user.click(within(pw).getByRole('button', { name: 'Change password' }));
    expect(within(pw).getByRole('alert')).toHaveTextContent('do not match');
    expect(a.updatePassword).not.toHaveBeenCalled();
    await user.clear(within(pw).getByLabelText('Confirm new password'));
    await user.type(within(pw).getByLabelText('Confirm new password'), 'New-Password-2!');
    await user.click(within(pw).getByRole('button', { name: 'Change password' }));
    expect(a.updatePassword).toHaveBeenCalledWith({ oldPassword: 'Old-Password-1!', newPassword: 'New-Password-2!' });
    expect(await within(pw).findByText('Your password is changed.')).toBeInTheDocument();
  });

  it('signs out everywhere and deletes the account only after typing DELETE, deleting the files first', async () => {
    a.deleteUser.mockResolvedValue();
    const id = 'us-east-1:0000';
    const owned: Record<string, string[]> = {
      [`private/${id}/`]: [`private/${id}/a.txt`],
      [`protected/${id}/`]: [`protected/${id}/b.txt`],
      [`public/${id}/`]: [`public/${id}/c.png`, `public/${id}/d/e.txt`],
    };
    const removed: string[] = [];
    vi.mocked(storage.list).mockImplementation((async (input: { path: string }) => ({
      items: (owned[input.path] ?? []).map((path) => ({ path })),
    })) as unknown as typeof storage.list);
    vi.mocked(storage.remove).mockImplementation((async (input: { path: string }) => {
      expect(a.deleteUser).not.toHaveBeenCalled();
      removed.push(input.path);
      return { path: input.path };
    }) as unknown as typeof storage.remove);
    const user = userEvent.setup();
    const me = fakeUser({ identityId: id });
    renderWithUser(<ProfilePage />, me);
    const account = region('Account');
    await user.click(within(account).getByRole('button', { name: 'Sign out everywhere' }));
    expect(me.signOut).toHaveBeenCalledWith({ global: true });
    const del = within(account).getByRole('button', { name: 'Delete my account' });
    expect(del).toBeDisabled();
    await user.type(within(account).getByLabelText('Type DELETE to confirm'), 'DELETE');
    await user.click(del);
    await waitFor(() => expect(a.deleteUser).toHaveBeenCalled());
    expect(removed.sort()).toEqual(Object.values(owned).flat().sort());
    expect(within(account).getByRole('status')).toHaveTextContent('Deleted your 4 files.');
    // The sign-in screen that follows says so, once.
    expect(takeSignInNotice()).toBe(ACCOUNT_DELETED_NOTICE);
    expect(takeSignInNotice()).toBeUndefined();
  });

  it('leaves no "account deleted" notice when deleting the account fails', async () => {
    vi.mocked(storage.list).mockResolvedValue({ items: [] } as never);
    a.deleteUser.mockRejectedValue(Object.assign(new Error('network'), { name: 'NetworkError' }));
    const user = userEvent.setup();
    renderWithUser(<ProfilePage />, fakeUser({ identityId: 'x' }));
    const account = region('Account');
    await user.type(within(account).getByLabelText('Type DELETE to confirm'), 'DELETE');
    await user.click(within(account).getByRole('button', { name: 'Delete my account' }));
    expect(await within(account).findByRole('alert')).toBeInTheDocument();
    expect(a.deleteUser).toHaveBeenCalled();
    expect(takeSignInNotice()).toBeUndefined();
  });

  it('keeps the account when a file cannot be deleted, and says so', async () => {
    vi.mocked(storage.list).mockResolvedValue({ items: [{ path: 'private/x/a.txt' }] } as never);
    vi.mocked(storage.remove).mockRejectedValue(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const user = userEvent.setup();
    renderWithUser(<ProfilePage />, fakeUser({ identityId: 'x' }));
    const account = region('Account');
    await user.type(within(account).getByLabelText('Type DELETE to confirm'), 'DELETE');
    await user.click(within(account).getByRole('button', { name: 'Delete my account' }));
    expect(await within(account).findByText(/could not delete all your files, so your account was not deleted/)).toBeInTheDocument();
    expect(a.deleteUser).not.toHaveBeenCalled();
  });

  it('shows groups and refreshes access on request', async () => {
    const user = userEvent.setup();
    const me = fakeUser({ groups: ['EDITORS'] });
    renderWithUser(<ProfilePage />, me);
    const access = region('Access');
    expect(access).toHaveTextContent('Groups: EDITORS');
    await user.click(within(access).getByRole('button', { name: 'Refresh my access' }));
    expect(me.refresh).toHaveBeenCalledWith({ forceRefresh: true });
  });
});

describe('ProfilePage: focus after an action, notices cleared by the next one', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    a.fetchMFAPreference.mockResolvedValue({});
  });

  it('keeps focus on the authenticator-app controls through set up, cancel, turn on and turn off', async () => {
    const getSetupUri = vi.fn(() => new URL('otpauth://totp/Amplify%20Vault:alice?secret=JBSWY3DPEHPK3PXP'));
    a.setUpTOTP.mockResolvedValue({ sharedSecret: 'JBSWY3DPEHPK3PXP', getSetupUri });
    a.verifyTOTPSetup.mockResolvedValue();
    a.updateMFAPreference.mockResolvedValue();
    const user = userEvent.setup();
    renderWithUser(<ProfilePage />);
    const mfa = region('Two-step sign-in');
    await user.click(await within(mfa).findByRole('button', { name: 'Set up an authenticator app' }));
    // The button pressed gave way to the steps: focus is on them, not lost to the page.
    await waitFor(() => expect(within(mfa).getByRole('group', { name: 'Set up an authenticator app' })).toHaveFocus());
    await user.click(within(mfa).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(within(mfa).getByRole('button', { name: 'Set up an authenticator app' })).toHaveFocus());

    await user.click(within(mfa).getByRole('button', { name: 'Set up an authenticator app' }));
    await user.type(await within(mfa).findByLabelText('Code from the app'), '654321');
    a.fetchMFAPreference.mockResolvedValue({ enabled: ['TOTP'], preferred: 'TOTP' });
    await user.click(within(mfa).getByRole('button', { name: 'Turn on authenticator app' }));
    await waitFor(() => expect(within(mfa).getByRole('button', { name: 'Turn off authenticator app' })).toHaveFocus());
    expect(within(mfa).getByText(/authenticator app is on/)).toBeInTheDocument();

    a.fetchMFAPreference.mockResolvedValue({});
    await user.click(within(mfa).getByRole('button', { name: 'Turn off authenticator app' }));
    await waitFor(() => expect(within(mfa).getByRole('button', { name: 'Set up an authenticator app' })).toHaveFocus());
    expect(within(mfa).getByText('Authenticator app sign-in is off.')).toBeInTheDocument();
    expect(within(mfa).queryByText(/authenticator app is on/)).not.toBeInTheDocument();
  });

  it('moves focus to the code field once a code is sent, and to the heading once verified', async () => {
    a.sendUserAttributeVerificationCode.mockResolvedValue({ destination: '+*******0100', deliveryMedium: 'SMS', attributeName: 'phone_number' });
    a.confirmUserAttribute.mockResolvedValue();
    const user = userEvent.setup();
    renderWithUser(<ProfilePage />);
    const contact = region('Email and phone');
    await user.click(within(contact).getByRole('button', { name: 'Send a code to verify your phone' }));
    const code = await within(contact).findByLabelText('Code sent to +*******0100');
    await waitFor(() => expect(code).toHaveFocus());
    await user.type(code, '123456');
    await user.click(within(contact).getByRole('button', { name: 'Verify phone' }));
    await waitFor(() => expect(within(contact).getByRole('heading', { name: 'Phone' })).toHaveFocus());
  });

  it('clears a saved notice when the next action starts elsewhere on the page, and an error when the next starts', async () => {
    a.updatePassword.mockRejectedValueOnce(Object.assign(new Error('Incorrect username or password.'), { name: 'NotAuthorizedException' }));
    const user = userEvent.setup();
    renderWithUser(<ProfilePage />);
    const details = region('Your details');
    await user.click(within(details).getByRole('button', { name: 'Save details' }));
    expect(await within(details).findByText('Nothing has changed.')).toBeInTheDocument();
    const pw = region('Change password');
    await user.type(within(pw).getByLabelText('Current password'), 'Old-Password-1!');
    await user.type(within(pw).getByLabelText('New password'), 'New-Password-2!');
    await user.type(within(pw).getByLabelText('Confirm new password'), 'New-Password-2!');
    await user.click(within(pw).getByRole('button', { name: 'Change password' }));
    expect(await within(pw).findByRole('alert')).toBeInTheDocument();
    expect(within(details).queryByText('Nothing has changed.')).not.toBeInTheDocument();
    // Focus stays on the button pressed (not disabled while it worked, so never dropped to the page).
    expect(within(pw).getByRole('button', { name: 'Change password' })).toHaveFocus();
    await user.click(within(region('Access')).getByRole('button', { name: 'Refresh my access' }));
    expect(within(pw).queryByRole('alert')).not.toBeInTheDocument();
  });
});
