import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@aws-amplify/ui-react/styles.css';
import './styles.css';
import outputs from '../amplify_outputs.json';
import { configureAmplify, type VaultOutputs } from './amplify-config';
import { App } from './App';
import { UserProvider, watchRedirectFailures } from './hooks/useUser';

// Before configuring: a social sign-in that came back failed is reported as Amplify is configured.
watchRedirectFailures();
configureAmplify(outputs as VaultOutputs);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <UserProvider>
      <App />
    </UserProvider>
  </StrictMode>,
);
