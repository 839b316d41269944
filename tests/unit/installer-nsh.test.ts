import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// assets/installer.nsh registers the Windows installer as a Default Programs client for tel:,
// callto: and sip: links. NSIS cannot run here, so the script is read as text: its registry writes
// and deletions are listed and compared, with the script's own !define names expanded.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const scriptPath = path.join(root, 'assets', 'installer.nsh');
const require = createRequire(import.meta.url);
const { getConfig } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(
    projectDir: string,
    configPath: string | null,
    configFromOptions: null,
  ): Promise<{
    nsis?: { include?: string; perMachine?: boolean };
    protocols?: { schemes: string[] }[];
  }>;
};

/** One NSIS command: its name and its arguments, quotes removed. */
interface Command {
  name: string;
  args: string[];
}

/** Lines without comments, a trailing `\` joining a line to the next. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (pending === '' && (line.startsWith(';') || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const joined = (pending + line).trim();
    pending = '';
    if (joined !== '') lines.push(joined);
  }
  return lines;
}

/** NSIS words: "…", '…' or `…` quoted (the quotes removed), or bare up to a space. */
function words(line: string): string[] {
  const result: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|`([^`]*)`|(\S+)/g;
  for (const match of line.matchAll(pattern)) {
    if (match[4]?.startsWith(';') || match[4]?.startsWith('#')) break;
    result.push(match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
  }
  return result;
}

function parseScript(text: string) {
  const lines = logicalLines(text);
  const defines = new Map<string, string>();
  for (const line of lines) {
    const [keyword, name, value] = words(line);
    if (keyword === '!define' && name && !name.startsWith('/')) defines.set(name, value ?? '');
  }
  // Only the script's own names; electron-builder's (${PRODUCT_NAME}, ...) stay as they are.
  const expand = (value: string): string =>
    value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) =>
      defines.has(name) ? expand(defines.get(name)!) : whole,
    );
  const macros = new Map<string, Command[]>();
  const macroCounts = new Map<string, number>();
  let current: Command[] | undefined;
  for (const line of lines) {
    const parts = words(line).map(expand);
    if (parts[0] === '!macro') {
      const name = parts[1]!;
      macroCounts.set(name, (macroCounts.get(name) ?? 0) + 1);
      current = [];
      macros.set(name, current);
    } else if (parts[0] === '!macroend') {
      current = undefined;
    } else if (current) {
      current.push({ name: parts[0]!, args: parts.slice(1) });
    }
  }
  return { macros, macroCounts };
}

const norm = (key: string) => key.replace(/\\+$/, '').toLowerCase();
const isWithin = (key: string, ancestor: string) =>
  norm(key) === norm(ancestor) || norm(key).startsWith(`${norm(ancestor)}\\`);

interface Written {
  root: string;
  key: string;
  value: string;
  data: string;
}

/** The registry values a macro writes (WriteReg* root key name data). */
function writes(commands: Command[]): Written[] {
  return commands
    .filter((command) => /^WriteReg/i.test(command.name))
    .map(({ args }) => ({ root: args[0]!, key: args[1]!, value: args[2] ?? '', data: args[3] ?? '' }));
}

/** The keys and values a macro deletes; `DeleteRegKey /ifempty` apart, since it may keep the key. */
function deletions(commands: Command[]) {
  const keys: { root: string; key: string }[] = [];
  const keysIfEmpty: { root: string; key: string }[] = [];
  const values: { root: string; key: string; value: string }[] = [];
  for (const { name, args } of commands) {
    if (/^DeleteRegKey$/i.test(name)) {
      const ifEmpty = args[0]?.toLowerCase() === '/ifempty';
      const [rootKey, key] = ifEmpty ? args.slice(1) : args;
      (ifEmpty ? keysIfEmpty : keys).push({ root: rootKey!, key: key! });
    } else if (/^DeleteRegValue$/i.test(name)) {
      values.push({ root: args[0]!, key: args[1]!, value: args[2]! });
    }
  }
  return { keys, keysIfEmpty, values };
}

describe('assets/installer.nsh', () => {
  const text = fs.readFileSync(scriptPath, 'utf8');
  const { macros, macroCounts } = parseScript(text);
  const install = macros.get('customInstall') ?? [];
  const uninstall = macros.get('customUnInstall') ?? [];
  const written = writes(install);
  const deleted = deletions(uninstall);

  it('defines customInstall and customUnInstall once each, and refuses a per-user build', () => {
    expect(macroCounts.get('customInstall')).toBe(1);
    expect(macroCounts.get('customUnInstall')).toBe(1);
    expect(written.length).toBeGreaterThan(0);
    // HKLM needs the elevated per-machine install: the script stops the build otherwise.
    expect(text).toMatch(/!ifndef INSTALL_MODE_PER_ALL_USERS\s+!error /);
    expect(new Set(written.map((entry) => entry.root))).toEqual(new Set(['HKLM']));
  });

  it('removes on uninstall every registry key and value it writes on install', () => {
    for (const entry of written) {
      const keyDeleted = deleted.keys.some((del) => del.root === entry.root && isWithin(entry.key, del.key));
      const valueDeleted = deleted.values.some(
        (del) => del.root === entry.root && norm(del.key) === norm(entry.key) && del.value === entry.value,
      );
      expect(keyDeleted || valueDeleted, `${entry.root}\\${entry.key} [${entry.value}]`).toBe(true);
    }
  });

  it('removes nothing on uninstall that it did not write', () => {
    // A whole key only where install wrote values of its own (never a shared parent such as
    // Software\Classes or Software\RegisteredApplications); single values only those it wrote.
    const shared = ['Software', 'Software\\Classes', 'Software\\RegisteredApplications'].map(norm);
    for (const del of [...deleted.keys, ...deleted.keysIfEmpty]) {
      expect(shared, `DeleteRegKey ${del.root}\\${del.key}`).not.toContain(norm(del.key));
    }
    for (const del of deleted.keys) {
      const own = written.some((entry) => entry.root === del.root && norm(entry.key) === norm(del.key));
      expect(own, `DeleteRegKey ${del.root}\\${del.key}`).toBe(true);
    }
    for (const del of deleted.values) {
      const own = written.some(
        (entry) => entry.root === del.root && norm(entry.key) === norm(del.key) && entry.value === del.value,
      );
      expect(own, `DeleteRegValue ${del.root}\\${del.key} [${del.value}]`).toBe(true);
    }
    for (const del of deleted.keysIfEmpty) {
      const parent = written.some((entry) => entry.root === del.root && isWithin(entry.key, del.key));
      expect(parent, `DeleteRegKey /ifempty ${del.root}\\${del.key}`).toBe(true);
    }
  });

  it('registers a Default Programs client for the three schemes, pointing at one ProgID', () => {
    const registered = written.find(
      (entry) => norm(entry.key) === norm('Software\\RegisteredApplications') && entry.value === 'Headset Softphone',
    );
    expect(registered?.data).toBe('Software\\Headset Softphone\\Capabilities');
    const capabilities = written.filter((entry) => norm(entry.key) === norm(registered!.data));
    expect(capabilities.map((entry) => entry.value)).toEqual(
      expect.arrayContaining(['ApplicationName', 'ApplicationDescription']),
    );

    const associations = written.filter((entry) => norm(entry.key) === norm(`${registered!.data}\\URLAssociations`));
    expect(associations.map((entry) => entry.value).sort()).toEqual(['callto', 'sip', 'tel']);
    const progIds = new Set(associations.map((entry) => entry.data));
    expect(progIds).toEqual(new Set(['HeadsetSoftphone.URL']));
  });

  it('gives the ProgID an icon and an open command that passes the link as "%1"', () => {
    const progIdKey = 'Software\\Classes\\HeadsetSoftphone.URL';
    const valueOf = (key: string, value: string) =>
      written.find((entry) => norm(entry.key) === norm(key) && entry.value === value)?.data;
    expect(valueOf(progIdKey, '')).toBeTruthy();
    expect(valueOf(progIdKey, 'URL Protocol')).toBe('');
    expect(valueOf(`${progIdKey}\\DefaultIcon`, '')).toBe('"$INSTDIR\\${APP_EXECUTABLE_FILENAME}",0');
    // Nothing between the executable and the link: Electron refuses to start when a switch follows
    // a URL argument, and "--" before it would switch that protection off.
    expect(valueOf(`${progIdKey}\\shell\\open\\command`, '')).toBe('"$INSTDIR\\${APP_EXECUTABLE_FILENAME}" "%1"');
  });

  it('does not make the app the default: no scheme keys, no per-user choice', () => {
    for (const entry of written) {
      expect(entry.key).not.toMatch(/^Software\\Classes\\(tel|callto|sip)(\\|$)/i);
      expect(entry.key).not.toMatch(/UrlAssociations\\[^\\]+\\UserChoice/i);
    }
  });

  it('is the include of the per-machine NSIS installer, for the schemes of `protocols`', async () => {
    const config = await getConfig(root, path.join(root, 'electron-builder.yml'), null);
    expect(config.nsis?.perMachine).toBe(true);
    expect(config.nsis?.include).toBeDefined();
    expect(path.resolve(root, config.nsis!.include!)).toBe(scriptPath);
    const schemes = config.protocols?.flatMap((protocol) => protocol.schemes).sort();
    const associations = written
      .filter((entry) => /\\URLAssociations$/i.test(entry.key))
      .map((entry) => entry.value)
      .sort();
    expect(associations).toEqual(schemes);
  }, 30_000);
});
