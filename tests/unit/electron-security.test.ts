import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  APP_URL,
  RENDERER_CSP,
  chooseHidDevice,
  isAllowedDevice,
  isAllowedNavigation,
  isAllowedPermission,
  isTrustedIpcSender,
  originOf,
  rendererHeaders,
  resolveAppFile,
  trustedOrigins,
} from '../../main/electron/security-policy.js';

// The desktop host's security decisions, tested as pure functions: the Electron binary cannot run
// on every machine, so the wiring in main/electron stays thin and these rules carry the weight.

const trusted = trustedOrigins();
const page = `${APP_URL}index.html`;
const ourMainFrame = { origin: page, isMainFrame: true };

describe('permissions for the softphone window', () => {
  it('grants the microphone when only audio is requested', () => {
    expect(isAllowedPermission('media', { ...ourMainFrame, mediaTypes: ['audio'] }, trusted)).toBe(true);
  });

  it('denies the camera, and audio+video together', () => {
    expect(isAllowedPermission('media', { ...ourMainFrame, mediaTypes: ['video'] }, trusted)).toBe(false);
    expect(isAllowedPermission('media', { ...ourMainFrame, mediaTypes: ['audio', 'video'] }, trusted)).toBe(false);
  });

  it('denies media when it is not said what is asked for', () => {
    expect(isAllowedPermission('media', { ...ourMainFrame, mediaTypes: [] }, trusted)).toBe(false);
    expect(isAllowedPermission('media', ourMainFrame, trusted)).toBe(false);
    expect(isAllowedPermission('media', { ...ourMainFrame, mediaTypes: ['unknown'] }, trusted)).toBe(false);
  });

  it('grants HID (headset buttons) and notifications (callback reminders) to our page, not to others', () => {
    expect(isAllowedPermission('hid', ourMainFrame, trusted)).toBe(true);
    expect(isAllowedPermission('notifications', ourMainFrame, trusted)).toBe(true);
    expect(isAllowedPermission('notifications', { ...ourMainFrame, origin: 'https://evil.example' }, trusted)).toBe(
      false,
    );
    expect(isAllowedPermission('notifications', { ...ourMainFrame, isMainFrame: false }, trusted)).toBe(false);
  });

  it.each([
    'geolocation',
    'display-capture',
    'clipboard-read',
    'clipboard-sanitized-write',
    'fullscreen',
    'pointerLock',
    'openExternal',
    'midi',
    'midiSysex',
    'serial',
    'usb',
    'idle-detection',
    'speaker-selection',
    'window-management',
    'storage-access',
    'fileSystem',
    'unknown',
  ])('denies %s', (permission) => {
    expect(isAllowedPermission(permission, { ...ourMainFrame, mediaTypes: ['audio'] }, trusted)).toBe(false);
  });

  it('denies the microphone to another origin, to file:// and to a subframe', () => {
    const audio = { mediaTypes: ['audio'] };
    expect(isAllowedPermission('media', { ...audio, origin: 'https://evil.example', isMainFrame: true }, trusted)).toBe(
      false,
    );
    expect(isAllowedPermission('media', { ...audio, origin: 'file:///tmp/x.html', isMainFrame: true }, trusted)).toBe(
      false,
    );
    expect(isAllowedPermission('media', { ...audio, origin: 'app://other/', isMainFrame: true }, trusted)).toBe(false);
    expect(isAllowedPermission('media', { ...audio, origin: page, isMainFrame: false }, trusted)).toBe(false);
    expect(isAllowedPermission('hid', { origin: undefined, isMainFrame: true }, trusted)).toBe(false);
  });

  it('accepts the bare origin Chromium passes to permission checks', () => {
    expect(
      isAllowedPermission('media', { origin: APP_ORIGIN, isMainFrame: true, mediaTypes: ['audio'] }, trusted),
    ).toBe(true);
  });

  it('allows HID devices only, and only for our origin', () => {
    expect(isAllowedDevice('hid', APP_ORIGIN, trusted)).toBe(true);
    expect(isAllowedDevice('usb', APP_ORIGIN, trusted)).toBe(false);
    expect(isAllowedDevice('serial', APP_ORIGIN, trusted)).toBe(false);
    expect(isAllowedDevice('hid', 'https://evil.example', trusted)).toBe(false);
  });

  it('picks the first matching headset for our page and none for others', () => {
    const devices = [{ deviceId: 'jabra' }, { deviceId: 'poly' }];
    expect(chooseHidDevice(devices, page, trusted)).toBe('jabra');
    expect(chooseHidDevice([], page, trusted)).toBeUndefined();
    expect(chooseHidDevice(devices, 'https://evil.example/', trusted)).toBeUndefined();
  });
});

describe('navigation', () => {
  it('allows our own app:// pages', () => {
    expect(isAllowedNavigation(APP_URL, trusted)).toBe(true);
    expect(isAllowedNavigation(`${APP_URL}index.html#/settings`, trusted)).toBe(true);
  });

  it.each([
    'https://evil.example/',
    'http://127.0.0.1:8765/',
    'file:///etc/passwd',
    'app://other/index.html',
    'app:///index.html',
    'javascript:alert(1)',
    'data:text/html,<h1>hi</h1>',
    'about:blank',
    'not a url',
  ])('denies %s', (url) => {
    expect(isAllowedNavigation(url, trusted)).toBe(false);
  });

  it('allows the electron-vite dev server only when it is given (development)', () => {
    const dev = trustedOrigins('http://localhost:5173/');
    expect(isAllowedNavigation('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isAllowedNavigation('http://localhost:5174/', dev)).toBe(false);
    expect(isAllowedNavigation('http://localhost:5173/', trusted)).toBe(false);
  });

  it('computes app:// origins that Node would call "null"', () => {
    expect(originOf('app://softphone/a/b?c')).toBe('app://softphone');
    expect(originOf('file:///x')).toBeUndefined();
  });
});

describe('IPC sender check', () => {
  it('accepts the main frame of our window showing our page', () => {
    expect(isTrustedIpcSender({ url: page, isMainFrame: true, isOurWindow: true }, trusted)).toBe(true);
  });

  it('denies a foreign origin, even in our window', () => {
    expect(isTrustedIpcSender({ url: 'https://evil.example/', isMainFrame: true, isOurWindow: true }, trusted)).toBe(
      false,
    );
    expect(isTrustedIpcSender({ url: 'file:///tmp/x.html', isMainFrame: true, isOurWindow: true }, trusted)).toBe(
      false,
    );
  });

  it('denies a subframe, even of our origin', () => {
    expect(isTrustedIpcSender({ url: page, isMainFrame: false, isOurWindow: true }, trusted)).toBe(false);
  });

  it('denies a webContents that is not one of our windows, and a frame that is gone', () => {
    expect(isTrustedIpcSender({ url: page, isMainFrame: true, isOurWindow: false }, trusted)).toBe(false);
    expect(isTrustedIpcSender({ url: undefined, isMainFrame: true, isOurWindow: true }, trusted)).toBe(false);
  });
});

describe('serving the renderer on app://', () => {
  const root = path.resolve('/opt/softphone/out/renderer');

  it('maps our URLs into the renderer folder', () => {
    expect(resolveAppFile(APP_URL, root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(`${APP_URL}assets/index-abc.js?v=1`, root)).toBe(path.join(root, 'assets', 'index-abc.js'));
  });

  it.each([
    'app://softphone/../../etc/passwd',
    'app://softphone/%2e%2e/%2e%2e/etc/passwd',
    'app://softphone/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'app://softphone/..%5c..%5cwindows%5cwin.ini',
    'app://softphone/index.html%00.png',
  ])('never leaves the renderer folder for %s', (url) => {
    const file = resolveAppFile(url, root);
    if (file !== undefined) expect(file.startsWith(root + path.sep)).toBe(true);
  });

  it('refuses encoded separators, NUL, bad escapes and other hosts or schemes', () => {
    for (const url of [
      'app://softphone/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'app://softphone/..%5c..%5cwindows%5cwin.ini',
      'app://softphone/index.html%00.png',
      'app://softphone/%E0%A4%A',
      'app://other/index.html',
      'https://softphone/index.html',
    ]) {
      expect(resolveAppFile(url, root), url).toBeUndefined();
    }
  });

  it('sends the strict CSP with every file', () => {
    const headers = rendererHeaders('/x/index.html');
    expect(headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(headers['Content-Security-Policy']).toBe(RENDERER_CSP);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "media-src 'self' blob: mediastream:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(RENDERER_CSP.split('; ')).toContain(directive);
    }
  });
});
