import { describe, expect, it, vi } from 'vitest';

vi.mock('aws-amplify/auth', () => ({ confirmResetPassword: vi.fn() }));

import { confirmResetPassword } from 'aws-amplify/auth';
import { authServices, PASSWORD_RESET_NOTICE, takeSignInNotice } from './auth-services';

describe('password reset confirmation', () => {
  it('tells the sign-in screen once that the reset worked, and not when it failed', async () => {
    vi.mocked(confirmResetPassword).mockRejectedValueOnce(Object.assign(new Error('Invalid code'), { name: 'CodeMismatchException' }));
    await expect(authServices.handleForgotPasswordSubmit({ username: 'a@example.com', confirmationCode: '1', newPassword: 'x' })).rejects.toThrow(
      /That code is not right/,
    );
    expect(takeSignInNotice()).toBeUndefined();
    vi.mocked(confirmResetPassword).mockResolvedValueOnce();
    await authServices.handleForgotPasswordSubmit({ username: '(555) 123-0001', confirmationCode: '123456', newPassword: 'x' });
    expect(confirmResetPassword).toHaveBeenLastCalledWith({ username: '+15551230001', confirmationCode: '123456', newPassword: 'x' });
    expect(takeSignInNotice()).toBe(PASSWORD_RESET_NOTICE);
    expect(takeSignInNotice()).toBeUndefined();
  });
});
