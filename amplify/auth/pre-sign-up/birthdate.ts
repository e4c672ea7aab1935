/**
 * The ClientMetadata key that carries the birthdate at sign-up: people cannot
 * write the `birthdate` attribute themselves (the app client's WriteAttributes,
 * amplify/overrides.ts), so SignUp sends it here for the pre sign-up trigger
 * to check, and ConfirmSignUp again for the post-confirmation trigger to
 * check and store.
 */
export const BIRTHDATE_METADATA_KEY = 'birthdate';

/** Minimum age to hold an account (COPPA). */
export const MINIMUM_AGE_YEARS = 13;

export const INVALID_BIRTHDATE_MESSAGE =
  'Please enter your birth date as YYYY-MM-DD, for example 1990-04-23.';
export const FUTURE_BIRTHDATE_MESSAGE = 'Your birth date cannot be in the future.';
export const TOO_YOUNG_MESSAGE = `You must be at least ${MINIMUM_AGE_YEARS} years old to create an account.`;

/**
 * Checks a `birthdate` attribute. Returns a message a person understands, or
 * undefined when the date is acceptable. Ages are computed in UTC calendar days.
 */
export function birthdateProblem(birthdate: string, now: Date): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthdate);
  if (!match) return INVALID_BIRTHDATE_MESSAGE;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2023-02-30 over to March: a real date survives the round trip.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return INVALID_BIRTHDATE_MESSAGE;
  }
  if (year < 1900) return INVALID_BIRTHDATE_MESSAGE;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (date.getTime() > today) return FUTURE_BIRTHDATE_MESSAGE;
  let age = now.getUTCFullYear() - year;
  const hadBirthdayThisYear =
    now.getUTCMonth() > month - 1 || (now.getUTCMonth() === month - 1 && now.getUTCDate() >= day);
  if (!hadBirthdayThisYear) age -= 1;
  if (age < MINIMUM_AGE_YEARS) return TOO_YOUNG_MESSAGE;
  return undefined;
}
