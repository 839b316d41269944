import {
  rendererCsp,
  rendererHeaders as sharedRendererHeaders,
  resolveRendererFile,
} from '../common/renderer-files.js';

/**
 * The desktop host's security decisions, as pure functions: no Electron here, so that each rule is
 * unit-tested on plain Node (the Electron binary cannot run on every machine). security.ts,
 * window.ts and ipc.ts wire them into Electron.
 */

/** The renderer is served from this privileged secure scheme, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'softphone';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/`;

/** The Content-Security-Policy every renderer document served from app:// carries. */
export const RENDERER_CSP = rendererCsp();

/**
 * The origins whose documents are ours: app://softphone, plus the electron-vite dev server in
 * development (the caller passes it only when the app is not packaged).
 */
export function trustedOrigins(devRendererUrl?: string): readonly string[] {
  const dev = devRendererUrl ? originOf(devRendererUrl) : undefined;
  return dev ? [APP_ORIGIN, dev] : [APP_ORIGIN];
}

/**
 * The origin of a URL as Chromium writes it. Node's URL gives "null" as the origin of non-special
 * schemes such as app://, so those are built by hand. file:, data:, blob: and the like have no
 * origin we could ever trust: undefined.
 */
export function originOf(url: string | undefined | null): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  switch (parsed.protocol) {
    case `${APP_SCHEME}:`:
      return parsed.host ? `${APP_SCHEME}://${parsed.host}` : undefined;
    case 'http:':
    case 'https:':
      return parsed.origin;
    default:
      return undefined;
  }
}

export function isTrustedUrl(url: string | undefined | null, trusted: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== undefined && trusted.includes(origin);
}

/** will-navigate / will-redirect: the window only ever shows our own pages. */
export function isAllowedNavigation(url: string, trusted: readonly string[]): boolean {
  return isTrustedUrl(url, trusted);
}

export interface PermissionDetails {
  /** The URL or origin of the frame that asks (requestingUrl / requestingOrigin / securityOrigin). */
  origin: string | undefined;
  isMainFrame: boolean;
  /**
   * For 'media': what is asked for. The request handler gives `mediaTypes`, the check handler one
   * `mediaType` (pass it as a one-element list).
   */
  mediaTypes?: readonly string[];
}

/**
 * Permission requests and checks: a softphone needs the microphone and a headset's HID controls,
 * and OS notifications (reminders), nothing else. Camera, screen capture, geolocation,
 * clipboard, MIDI, fullscreen, opening external apps and the rest are refused, as is every request
 * from a document or frame that is not our own main frame.
 */
export function isAllowedPermission(
  permission: string,
  details: PermissionDetails,
  trusted: readonly string[],
): boolean {
  if (!details.isMainFrame || !isTrustedUrl(details.origin, trusted)) return false;
  switch (permission) {
    case 'media': {
      const types = details.mediaTypes ?? [];
      return types.length > 0 && types.every((type) => type === 'audio');
    }
    case 'hid':
      return true;
    case 'notifications':
      // Callback reminders and the break reminder as OS notifications (the in-app alert shows anyway).
      return true;
    default:
      return false;
  }
}

/** setDevicePermissionHandler: HID devices (headset buttons and lights) for our origin only. */
export function isAllowedDevice(deviceType: string, origin: string | undefined, trusted: readonly string[]): boolean {
  return deviceType === 'hid' && isTrustedUrl(origin, trusted);
}

/**
 * select-hid-device: Chromium has already narrowed the list by the filters the renderer gave
 * `navigator.hid.requestDevice` (headset usages); we have no chooser, so the first one is taken.
 * A frame that is not ours gets none.
 */
export function chooseHidDevice(
  devices: readonly { deviceId: string }[],
  frameUrl: string | undefined,
  trusted: readonly string[],
): string | undefined {
  if (!isTrustedUrl(frameUrl, trusted)) return undefined;
  return devices[0]?.deviceId;
}

export interface IpcSender {
  /** The URL of the frame that sent the message (`event.senderFrame.url`); undefined once it is gone. */
  url: string | undefined;
  /** The frame is the top-level frame of its webContents, not an iframe. */
  isMainFrame: boolean;
  /** The webContents is one of the windows this host opened. */
  isOurWindow: boolean;
}

/** A contract message is accepted only from the main frame of our own window showing our own page. */
export function isTrustedIpcSender(sender: IpcSender, trusted: readonly string[]): boolean {
  return sender.isOurWindow && sender.isMainFrame && isTrustedUrl(sender.url, trusted);
}

/**
 * Maps an app:// request to a file inside the built renderer folder, or undefined when the request
 * is for another host, is malformed, or would leave the folder (../, encoded separators, NUL).
 */
export function resolveAppFile(requestUrl: string, rootDir: string): string | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return undefined;
  return resolveRendererFile(rootDir, url.pathname);
}

/** Headers for every file served from app://. */
export function rendererHeaders(file: string): Record<string, string> {
  return sharedRendererHeaders(file, RENDERER_CSP);
}
