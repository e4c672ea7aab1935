export const handler = async (event) => {
  if (event.how === 'exit') process.exit(3);
  setTimeout(() => { throw new TypeError('boom outside the promise'); }, 5);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return event;
};
