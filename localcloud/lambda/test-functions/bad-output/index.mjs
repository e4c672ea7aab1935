export const handler = async (event) => (event.give === 'array' ? [1, 2] : event.give === 'string' ? 'ok' : null);
