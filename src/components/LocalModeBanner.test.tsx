import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { configureAmplify, resetConfiguredBackendForTests } from '../amplify-config';
import { fakeOutputs } from '../testing/fake-outputs';
import { LocalModeBanner } from './LocalModeBanner';

describe('LocalModeBanner', () => {
  afterEach(() => resetConfiguredBackendForTests());

  it('links the outbox on the local cloud', () => {
    configureAmplify(fakeOutputs(true));
    render(<LocalModeBanner />);
    const link = screen.getByRole('link', { name: 'Open the outbox' });
    expect(link.getAttribute('href')).toMatch(/\/_localcloud\/outbox$/);
    expect(screen.getByRole('complementary', { name: 'Local cloud' })).toHaveTextContent('emails and text messages are not sent');
  });

  it('is absent on AWS', () => {
    configureAmplify(fakeOutputs(false));
    const { container } = render(<LocalModeBanner />);
    expect(container).toBeEmptyDOMElement();
  });
});
