import { Amplify } from 'aws-amplify';

interface PasswordFormat {
  minLength?: number;
  requireLowercase?: boolean;
  requireUppercase?: boolean;
  requireNumbers?: boolean;
  requireSpecialCharacters?: boolean;
}

/** The user pool's password policy (amplify_outputs.json's password_policy) in one sentence. */
export function passwordRules(format: PasswordFormat | undefined = Amplify.getConfig().Auth?.Cognito?.passwordFormat): string {
  const min = format?.minLength ?? 8;
  const kinds: string[] = [];
  if (format?.requireUppercase && format.requireLowercase) kinds.push('upper- and lower-case letters');
  else if (format?.requireUppercase) kinds.push('an upper-case letter');
  else if (format?.requireLowercase) kinds.push('a lower-case letter');
  if (format?.requireNumbers) kinds.push('a number');
  if (format?.requireSpecialCharacters) kinds.push('a symbol such as ! or #');
  const list = kinds.length <= 1 ? kinds.join('') : `${kinds.slice(0, -1).join(', ')} and ${kinds[kinds.length - 1]}`;
  return `At least ${min} characters${list ? `, with ${list}` : ''}.`;
}
