import { describe, expect, it, vi } from 'vitest';

vi.mock('aws-amplify/auth', () => ({ confirmResetPassword: vi.fn() }));

import { confirmResetPassword } from 'aws-amplify/auth';
import { authServices, takePasswordResetNotice } from './auth-services';

describe('password reset confirmation', () => {
  it('tells the sign-in screen once that the reset worked, and not when it failed', async () => {
    vi.mocked(confirmResetPassword).mockRejectedValueOnce(Object.assign(new Error('Invalid code'), { name: 'CodeMismatchException' }));
    await expect(authServices.handleForgotPasswordSubmit({ username: 'a@example.com', confirmationCode: '1', newPassword: 'x' })).rejects.toThrow(
      /That code is not right/,
    );
    expect(takePasswordResetNotice()).toBe(false);
    vi.mocked(confirmResetPassword).mockResolvedValueOnce();
    await authServices.handleForgotPasswordSubmit({ username: '(555) 123-0001', confirmationCode: '123456', newPassword: 'x' });
    expect(confirmResetPassword).toHaveBeenLastCalledWith({ username: '+15551230001', confirmationCode: '123456', newPassword: 'x' });
    expect(takePasswordResetNotice()).toBe(true);
    expect(takePasswordResetNotice()).toBe(false);
  });
});
