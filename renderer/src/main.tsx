import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { initI18n } from './i18n/index.js';
import { MediaEngine } from './media/engine.js';
import { Tones } from './media/tones.js';
import { connectStore, useSoftphone } from './state/store.js';
import { createTransport } from './transport.js';
import './styles.css';

initI18n(navigator.language.startsWith('it') ? 'it' : 'en');
const transport = createTransport();
if ('error' in transport) useSoftphone.setState({ connection: 'no-token' });
else {
  const devices = () => useSoftphone.getState().settings?.values.audio ?? { input: '', output: '', ringer: '' };
  // WebRTC is what makes this window able to carry calls' audio.
  const media = typeof RTCPeerConnection === 'function' ? new MediaEngine(devices) : undefined;
  const tones = new Tones((soundBlocked) => useSoftphone.setState({ soundBlocked }));
  // Diagnostics (and end-to-end tests) read the audio counters and the call sounds from here.
  Object.assign(window, { softphoneMedia: media, softphoneTones: tones });
  connectStore(transport, media);

  useSoftphone.subscribe((state, before) => {
    if (state.calls !== before.calls || state.settings !== before.settings) tones.update(state.calls, devices());
    if (media && state.settings?.values.audio !== before.settings?.values.audio)
      void media.useDevices().catch((error: unknown) => console.warn('could not switch audio devices', error));
  });
  // The network came back or went away: the line checks itself at once rather than at the next keepalive.
  for (const event of ['online', 'offline'] as const)
    window.addEventListener(event, () => void useSoftphone.getState().send({ type: 'host.event', event }));
  // A click-to-dial link opened as this page's address (`…/?token=…&dial=tel:…`, e.g. from a CRM
  // page): handed to the core once connected, which asks the agent before it dials. The parameter
  // leaves the address at once, so a reload does not offer the same call again.
  const params = new URLSearchParams(location.search);
  const link = params.get('dial');
  if (link) {
    params.delete('dial');
    history.replaceState(null, '', `${location.pathname}?${params.toString()}`);
    const offer = () => void useSoftphone.getState().send({ type: 'link.open', link });
    if (useSoftphone.getState().connection === 'open') offer();
    else {
      const stop = useSoftphone.subscribe((state) => {
        if (state.connection !== 'open') return;
        stop();
        offer();
      });
    }
  }
  const retrySounds = () => tones.update(useSoftphone.getState().calls, devices());
  window.addEventListener('pointerdown', retrySounds);
  window.addEventListener('keydown', retrySounds);

  // Live call quality: the core turns these figures into the indicator, once a second.
  if (media) {
    setInterval(() => {
      if (media.callIds().length === 0 || useSoftphone.getState().connection !== 'open') return;
      void media.sample().then((samples) => {
        if (samples.length > 0) void useSoftphone.getState().send({ type: 'media.stats', samples });
      });
    }, 1000);
  }
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
