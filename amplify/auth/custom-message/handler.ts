import type { CustomMessageTriggerHandler } from 'aws-lambda';

const PRODUCT_NAME = 'Amplify Vault';

/**
 * Cognito's verification template (defineAuth's verificationEmailBody) is used for every code
 * it sends; only this trigger can word the password-reset code differently. Other messages keep
 * the template (a null response means "use the pool's message").
 */
export const handler: CustomMessageTriggerHandler = async (event) => {
  if (event.triggerSource !== 'CustomMessage_ForgotPassword') return event;
  const code = event.request.codeParameter;
  event.response.emailSubject = `Reset your ${PRODUCT_NAME} password`;
  event.response.emailMessage =
    `Someone asked to reset the password of your ${PRODUCT_NAME} account. ` +
    `To choose a new password, enter this code: ${code}. ` +
    'If it was not you, ignore this email: your password stays as it is.';
  event.response.smsMessage = `${PRODUCT_NAME}: your code to reset your password is ${code}`;
  return event;
};
