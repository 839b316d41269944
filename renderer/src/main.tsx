import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { initI18n } from './i18n/index.js';
import { MediaEngine } from './media/engine.js';
import { connectStore, useSoftphone } from './state/store.js';
import { createTransport } from './transport.js';
import './styles.css';

initI18n(navigator.language.startsWith('it') ? 'it' : 'en');
const transport = createTransport();
if ('error' in transport) useSoftphone.setState({ connection: 'no-token' });
else {
  // WebRTC is what makes this window able to carry calls' audio.
  const media = typeof RTCPeerConnection === 'function' ? new MediaEngine() : undefined;
  // Diagnostics (and end-to-end tests) read the audio counters from here.
  (window as unknown as { softphoneMedia?: MediaEngine }).softphoneMedia = media;
  connectStore(transport, media);
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
