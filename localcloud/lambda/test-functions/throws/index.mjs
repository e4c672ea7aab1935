export const handler = async (event) => {
  if (event.request?.userAttributes?.birthdate === 'ok') return event;
  throw new Error('You must be at least 13 years old to create an account.');
};
