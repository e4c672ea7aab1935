type Listener = (capsule: { payload: { event: string; data?: unknown } }) => void;

/** A stand-in for aws-amplify's Hub that tests drive by hand. */
export function createFakeHub() {
  const listeners = new Map<string, Set<Listener>>();
  return {
    listen(channel: string, listener: Listener) {
      const set = listeners.get(channel) ?? new Set<Listener>();
      set.add(listener);
      listeners.set(channel, set);
      return () => {
        set.delete(listener);
      };
    },
    emit(channel: string, event: string, data?: unknown) {
      for (const listener of [...(listeners.get(channel) ?? [])]) listener({ payload: { event, data } });
    },
    listenerCount(channel: string) {
      return listeners.get(channel)?.size ?? 0;
    },
  };
}
