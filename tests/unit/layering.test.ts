import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? []).filter((m) => m.ruleId?.startsWith('no-restricted')).map((m) => m.message);
}

describe('the layering rule keeps the core pure', () => {
  it.each([
    ["import { app } from 'electron';\nexport const a = app;", 'no Electron'],
    ["import React from 'react';\nexport const r = React;", 'no React'],
    ["import { create } from 'zustand';\nexport const c = create;", 'no Electron, React or UI libraries'],
    [
      "import { startWebHost } from '../../main/web/server.js';\nexport const s = startWebHost;",
      'must not import from the hosts',
    ],
    ["import { App } from '../../renderer/src/App.js';\nexport const a = App;", 'must not import from the hosts'],
    ['export const w = window.location.href;', 'no DOM'],
    ['export const d = document.title;', 'no DOM'],
  ])('fails src/ code that reaches out of the core: %s', async (code, expected) => {
    const found = await problems('src/telephony/bad-example.ts', code);
    expect(found.join('\n')).toContain(expected);
  });

  it('accepts plain core code', async () => {
    expect(await problems('src/telephony/fine.ts', "import { z } from 'zod';\nexport const s = z.string();")).toEqual(
      [],
    );
  });

  it('keeps the renderer to the contract', async () => {
    const found = await problems(
      'renderer/src/bad.ts',
      "import { Core } from '../../src/core/core.js';\nexport const c = Core;",
    );
    expect(found.join('\n')).toContain('only the contract');
    expect(
      await problems(
        'renderer/src/ok.ts',
        "import { Command } from '../../src/contract/index.js';\nexport const c = Command;",
      ),
    ).toEqual([]);
  });
});
