import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useActionStatus } from './action-status';
import { ErrorMessage, Notice } from './Status';

function Part({ name, outcome }: { name: string; outcome: 'ok' | 'error' }) {
  const status = useActionStatus();
  return (
    <section aria-label={name}>
      <button
        type="button"
        onClick={() => {
          status.start();
          void Promise.resolve().then(() => (outcome === 'ok' ? status.succeed(`${name} done.`) : status.fail(`${name} failed.`)));
        }}
      >
        Run {name}
      </button>
      {status.notice && <Notice>{status.notice}</Notice>}
      {status.error && <ErrorMessage>{status.error}</ErrorMessage>}
    </section>
  );
}

describe('useActionStatus', () => {
  it('clears every status line on the page when the next action starts, its own and the others’', async () => {
    const user = userEvent.setup();
    render(
      <>
        <Part name="Saving" outcome="ok" />
        <Part name="Sending" outcome="error" />
      </>,
    );
    await user.click(screen.getByRole('button', { name: 'Run Saving' }));
    expect(await screen.findByText('Saving done.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Run Sending' }));
    expect(await screen.findByText('Sending failed.')).toBeInTheDocument();
    expect(screen.queryByText('Saving done.')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Run Saving' }));
    expect(await screen.findByText('Saving done.')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    // The same action again: its old line goes while it runs, the new one comes after.
    await user.click(screen.getByRole('button', { name: 'Run Saving' }));
    expect(await screen.findAllByText('Saving done.')).toHaveLength(1);
  });
});
