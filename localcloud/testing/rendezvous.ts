/**
 * Makes a race deterministic in a test: calls `arrive()` in groups of
 * `sizes` — each call waits until its group is complete, then the whole group
 * goes on at once (then the next group); calls after the last group pass
 * straight through. `open()` lets every waiting call go and stops holding, so
 * a group that never fills (the code under test made fewer calls) cannot hang
 * the test.
 */
export function rendezvous(...sizes: number[]) {
  let opened = false;
  const groups = sizes.map((size) => {
    let open!: () => void;
    const done = new Promise<void>((resolve) => (open = resolve));
    return { size, arrived: 0, done, open };
  });
  return {
    arrive(): Promise<void> {
      const group = opened ? undefined : groups.find((g) => g.arrived < g.size);
      if (!group) return Promise.resolve();
      if (++group.arrived === group.size) group.open();
      return group.done;
    },
    open(): void {
      opened = true;
      for (const group of groups) group.open();
    },
    /** How many calls have arrived in the groups so far. */
    get arrived(): number {
      return groups.reduce((n, g) => n + g.arrived, 0);
    },
  };
}

export type Rendezvous = ReturnType<typeof rendezvous>;
