import type { OsPolicy } from '../../src/config/layers.js';
import {
  MANAGED_PREFERENCES_FILE,
  parseManagedPlist,
  parseRegQuery,
  POLICY_REGISTRY_KEY,
} from '../../src/config/os-policy.js';

/** What reading the OS policy needs from the system: run a program, see whether a file is there. */
export interface OsPolicyPorts {
  platform: NodeJS.Platform;
  run(command: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string };
  exists(file: string): boolean;
}

/**
 * The machine policy IT manages with the OS's own tools, read at start and whenever the settings
 * are read again: on Windows the registry key the ADMX templates write (Group Policy, Intune), on
 * macOS the managed preferences a configuration profile installs. Undefined where there is none
 * (the JSON policy file then stands alone); a source that exists but cannot be read gives its
 * problems, which the settings screen shows.
 */
export function readOsPolicy(ports: OsPolicyPorts): OsPolicy | undefined {
  if (ports.platform === 'win32') {
    const result = ports.run('reg', ['query', POLICY_REGISTRY_KEY, '/s']);
    // `reg` exits 1 when the key does not exist: no Group Policy for the app on this machine.
    if (result.status !== 0) return undefined;
    return { source: POLICY_REGISTRY_KEY, ...parseRegQuery(result.stdout) };
  }
  if (ports.platform === 'darwin') {
    if (!ports.exists(MANAGED_PREFERENCES_FILE)) return undefined;
    // Managed preferences are often binary plists: plutil gives them as XML.
    const result = ports.run('plutil', ['-convert', 'xml1', '-o', '-', MANAGED_PREFERENCES_FILE]);
    if (result.status !== 0) {
      return {
        source: MANAGED_PREFERENCES_FILE,
        data: undefined,
        problems: [`plutil could not read it: ${result.stderr.trim() || `exit status ${result.status}`}`],
      };
    }
    return { source: MANAGED_PREFERENCES_FILE, ...parseManagedPlist(result.stdout) };
  }
  return undefined;
}
