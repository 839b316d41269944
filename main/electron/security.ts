import { app, type Session } from 'electron';
import type { Logger } from '../../src/log/logger.js';
import {
  chooseHidDevice,
  isAllowedDevice,
  isAllowedNavigation,
  isAllowedPermission,
  originOf,
} from './security-policy.js';

/**
 * Electron's security checklist, applied to every webContents the app ever creates: no navigation
 * away from our origin, no new windows, no <webview>, and a session that grants the microphone and
 * HID headsets to our page and nothing else. The decisions live in security-policy.ts.
 * Call before `ready`, so that no webContents is created unguarded.
 */
export function installSecurityGuards(trusted: readonly string[], logger: Logger): void {
  app.on('web-contents-created', (_event, contents) => {
    const refuse = (what: string, url: string) =>
      logger.warn({ origin: originOf(url) ?? 'not http(s) or app' }, `blocked a ${what} away from the app`);
    contents.on('will-navigate', (event) => {
      if (isAllowedNavigation(event.url, trusted)) return;
      event.preventDefault();
      refuse('navigation', event.url);
    });
    contents.on('will-redirect', (event) => {
      if (isAllowedNavigation(event.url, trusted)) return;
      event.preventDefault();
      refuse('redirect', event.url);
    });
    contents.setWindowOpenHandler(({ url }) => {
      refuse('new window', url);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      logger.warn({}, 'blocked a <webview>');
    });
    hardenSession(contents.session, trusted, logger);
  });
}

const hardened = new WeakSet<Session>();

/** Idempotent: each session gets its handlers once. */
export function hardenSession(session: Session, trusted: readonly string[], logger: Logger): void {
  if (hardened.has(session)) return;
  hardened.add(session);
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const media = 'mediaTypes' in details ? details : undefined;
    const allowed = isAllowedPermission(
      permission,
      {
        origin: details.requestingUrl,
        isMainFrame: details.isMainFrame,
        mediaTypes: media?.mediaTypes,
      },
      trusted,
    );
    if (!allowed) {
      logger.info(
        { permission, mediaTypes: media?.mediaTypes, origin: originOf(details.requestingUrl) },
        'denied a permission request',
      );
    }
    callback(allowed);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isAllowedPermission(
      permission,
      {
        origin: requestingOrigin,
        isMainFrame: details.isMainFrame,
        mediaTypes: details.mediaType ? [details.mediaType] : undefined,
      },
      trusted,
    ),
  );
  session.setDevicePermissionHandler((details) => isAllowedDevice(details.deviceType, details.origin, trusted));
  session.on('select-hid-device', (event, details, callback) => {
    event.preventDefault();
    callback(chooseHidDevice(details.deviceList, details.frame?.url, trusted) ?? null);
  });
  // Serial and USB are not a softphone's business: cancel any chooser.
  session.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault();
    callback('');
  });
  session.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
}
