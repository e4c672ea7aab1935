export const handler = async (event) => ({ blob: 'x'.repeat(event.bytes) });
