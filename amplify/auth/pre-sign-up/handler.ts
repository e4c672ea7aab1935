import type { PreSignUpTriggerHandler } from 'aws-lambda';
import { birthdateProblem } from './birthdate';

/**
 * Refuses sign-ups whose birthdate is not a real YYYY-MM-DD date or belongs to
 * someone younger than 13. Cognito shows the thrown message to the person as
 * "PreSignUp failed with error <message>".
 */
export const handler: PreSignUpTriggerHandler = async (event) => {
  const birthdate = event.request.userAttributes.birthdate;
  if (birthdate !== undefined) {
    const problem = birthdateProblem(birthdate, new Date());
    if (problem) throw new Error(problem);
  }
  return event;
};
