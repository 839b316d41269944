import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { initI18n } from './i18n/index.js';
import { connectStore, useSoftphone } from './state/store.js';
import { createTransport } from './transport.js';
import './styles.css';

initI18n(navigator.language.startsWith('it') ? 'it' : 'en');
const transport = createTransport();
if ('error' in transport) useSoftphone.setState({ connection: 'no-token' });
else connectStore(transport);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
