export const handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, event.sleepMs ?? 60_000));
  return { slept: event.sleepMs, pid: process.pid };
};
