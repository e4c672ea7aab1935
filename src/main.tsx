import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@aws-amplify/ui-react/styles.css';
import './styles.css';
import outputs from '../amplify_outputs.json';
import { configureAmplify, type VaultOutputs } from './amplify-config';
import { App } from './App';
import { UserProvider } from './hooks/useUser';

configureAmplify(outputs as VaultOutputs);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <UserProvider>
      <App />
    </UserProvider>
  </StrictMode>,
);
