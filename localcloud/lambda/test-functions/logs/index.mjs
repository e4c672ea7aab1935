export const handler = async (event) => {
  console.log('hello from the function', { user: event.userName });
  console.error('something on stderr');
  return event;
};
