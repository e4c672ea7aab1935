export const handler = (event, context, callback) => {
  if (event.fail) context.fail(new Error('failed through context'));
  else setTimeout(() => callback(null, { ...event, done: true }), 10);
};
