/**
 * `npm run demo` end to end, as a trainee meets it: the demo starts (Kamailio, the seeded CRM, the
 * desk in practice mode, the simulated customers), a scripted customer calls with a real voice, the
 * record pops, the agent (this test) answers, holds and resumes, the customer hangs up by itself,
 * the wrap-up is saved, and the practice review says what happened. Then Ctrl-C stops it all.
 *
 * The scenario is tests/fixtures/scenarios/quick-hold.yaml: short waits, so the test stays short.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startWebHost } from './stack.js';

let demo: ChildProcessWithoutNullStreams | undefined;
let output = '';

test.afterEach(async ({ browserName: _ }, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('demo output', { body: output });
  if (demo && demo.exitCode === null) {
    demo.kill('SIGKILL');
  }
});

/** `npm run demo` with a short scripted scenario and calls only on "c" + Enter. */
function launchDemo(args: string[]): void {
  output = '';
  demo = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'tools/demo/cli.ts',
      '--customers',
      '200',
      '--pace',
      '0',
      '--scenarios',
      'tests/fixtures/scenarios',
      ...args,
    ],
    { cwd: process.cwd(), env: process.env, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  demo.stdout.on('data', (chunk) => (output += chunk));
  demo.stderr.on('data', (chunk) => (output += chunk));
}

async function stopDemo(): Promise<void> {
  const exited = new Promise<number | null>((resolve) => demo!.once('exit', (code) => resolve(code)));
  demo!.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(output).toContain('Stopped; nothing of the demo is left running.');
}

function waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(output);
      if (match) {
        clearInterval(timer);
        clearTimeout(deadline);
        resolve(match);
      }
    };
    const timer = setInterval(check, 100);
    const deadline = setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`the demo did not print ${pattern} within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    check();
  });
}

test('npm run demo: a simulated customer calls with a real voice, the agent practises the call and gets its review', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  launchDemo(['--port', '0', '--seed', '7', '--web']);
  const [, url] = await waitForOutput(/(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/, 90_000);

  const context = await browser.newContext();
  try {
    const agent = await context.newPage();
    await agent.goto(url!);
    // Every screen says it is practice.
    await expect(agent.getByRole('note', { name: 'Practice mode' })).toContainText(
      'nothing you do here reaches a real CRM',
    );
    await expect(agent.getByRole('status', { name: 'Line' })).toContainText('Registered');
    // The desk's cache is filled from the demo CRM before the customer calls.
    await expect(agent.getByTestId('sync-indicator')).toContainText('up to date', { timeout: 60_000 });

    // "c <scenario>" and Enter: a customer calls now, as that scenario says.
    demo!.stdin.write('c quick-hold\n');
    const incoming = agent.getByRole('region', { name: 'Incoming call' });
    await expect(incoming).toBeVisible({ timeout: 30_000 });
    const pinned = agent.getByRole('region', { name: "Caller's record" });
    const name = (await pinned.getByRole('heading', { level: 3 }).textContent())?.trim() ?? '';
    expect(name).not.toBe('');
    await expect(incoming).toContainText(name);
    await incoming.getByRole('button', { name: 'Answer' }).click();
    const current = agent.getByRole('region', { name: 'Current call' });
    await expect(current).toContainText(name);

    // Hold with the etiquette (ask first), a short wait, then resume.
    await agent.getByRole('button', { name: 'Hold' }).click();
    await expect(agent.getByRole('dialog', { name: 'Before the hold' })).toBeVisible();
    await agent.keyboard.press('Enter');
    await expect(current).toContainText('On hold');
    await agent.waitForTimeout(2000);
    await agent.getByRole('button', { name: 'Resume' }).click();
    await expect(current).not.toContainText('On hold');

    // The customer thanks the agent for waiting, says goodbye and hangs up by itself.
    const wrapUp = agent.getByRole('region', { name: 'Wrap-up' });
    await expect(wrapUp).toBeVisible({ timeout: 40_000 });
    const [, lines, holds, sent, received] = await waitForOutput(
      /The call ended \(answered; (\d+) lines said, (\d+) hold\(s\), audio bytes sent (\d+), received (\d+); ended by the customer\)/,
      10_000,
    );
    // request, thanks (after the resume), bye: all three spoken into the call, and the agent heard.
    expect(Number(lines)).toBe(3);
    expect(Number(holds)).toBe(1);
    expect(Number(sent)).toBeGreaterThan(5000);
    expect(Number(received)).toBeGreaterThan(5000);

    await wrapUp.getByRole('textbox', { name: 'Reason for the call' }).fill('Question about the bill');
    const outcome = wrapUp.getByRole('combobox', { name: 'Outcome' });
    await outcome.fill('Resolved on');
    await outcome.press('ArrowDown');
    await outcome.press('Enter');
    await expect(outcome).toHaveValue('Resolved on the call');
    await wrapUp.getByRole('radio', { name: 'Yes' }).check();
    await wrapUp.getByRole('textbox', { name: 'Summary' }).fill('Answered the question about the bill.');
    await wrapUp.getByRole('textbox', { name: 'Summary' }).press('Control+Enter');
    await expect(agent.getByRole('status').filter({ hasText: 'Wrap-up saved' })).toBeVisible();

    // The review of the call: answered, one short hold within the reminder, the wrap-up saved with
    // two fields left empty, and the phases as the guidance followed them.
    const review = agent.getByRole('region', { name: 'Review of your last practice call' });
    await expect(review).toBeVisible();
    // The customer's family name (the record shows the title too).
    await expect(review).toContainText(name.split(' ').at(-1)!);
    await expect(review.getByTestId('practice-time-to-answer')).toHaveText(/^\d+ s$/);
    await expect(review.getByTestId('practice-holds')).toContainText('Holds: 1');
    await expect(review.getByTestId('practice-wrapup')).toHaveText('Saved, some fields left empty');
    const findings = review.getByRole('list', { name: 'What went well and what to work on' });
    await expect(findings.locator('[data-code="hold-within-reminder"]')).toBeVisible();
    await expect(findings.locator('[data-code="wrapup-fields-empty"]')).toContainText(
      'Steps taken, Customer satisfaction',
    );
    const phases = review.getByRole('list', { name: 'Phases of the call' });
    await expect(phases.getByRole('listitem').first()).toContainText('Prepare');
    await expect(phases.getByRole('listitem').filter({ hasText: 'Welcome' })).toHaveAttribute('data-result', 'done');

    // The session's summary counts it.
    await agent.getByRole('button', { name: 'Practice reviews (1)' }).click();
    const summary = agent.getByRole('region', { name: 'This practice session' });
    await expect(summary).toContainText('Calls1');
    await expect(summary).toContainText('Answered1');

    // The agent calls the customer back: the PBX routes the outside number to the simulated
    // customers, who answer it as the outbound scenario says ("not a good time").
    await agent.getByRole('region', { name: 'Last call' }).getByRole('button', { name: 'Call back' }).click();
    await expect(current).toBeVisible();
    await waitForOutput(/The agent calls \S+: "Answers, but it is not a good time"/, 20_000);
    await expect(current).toContainText(/\d:\d\d/, { timeout: 20_000 });
    await agent.waitForTimeout(4000);
    await current.getByRole('button', { name: 'Hang up' }).click();
    const [, outLines, outSent, outReceived] = await waitForOutput(
      /The call ended \(answered; (\d+) lines said, 0 hold\(s\), audio bytes sent (\d+), received (\d+); ended by the agent\)/,
      15_000,
    );
    expect(Number(outLines)).toBe(1);
    expect(Number(outSent)).toBeGreaterThan(2000);
    expect(Number(outReceived)).toBeGreaterThan(2000);
  } finally {
    await context.close();
  }

  // Ctrl-C: everything stops, nothing is left running.
  await stopDemo();
});

test('a softphone of its own in practice mode finds the demo on this computer and takes its calls', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  // The stack without a desk of its own, on the ports practice mode knows.
  launchDemo(['--no-desk']);
  await waitForOutput(/Press Ctrl-C to stop everything/, 90_000);
  expect(output).not.toContain('the usual ports were taken');

  // The trainee's own softphone, set up for a real phone system that is not there.
  const web = await startWebHost({
    settings: { sip: { wsUrl: 'ws://127.0.0.1:9', user: '2001', domain: 'real.example' }, agent: { name: 'Ana' } },
  });
  try {
    const agent = await web.open(browser);
    // No password for the real phone system: the settings are open, the practice switch among them.
    await agent
      .getByRole('region', { name: 'Practice mode' })
      .getByRole('button', { name: 'Start practising' })
      .click();
    await expect(agent.getByRole('note', { name: 'Practice mode' })).toBeVisible({ timeout: 30_000 });
    // Practice points at the demo: registered as its agent, the cache filled from its CRM.
    await expect(agent.getByRole('status', { name: 'Line' })).toContainText('Registered', { timeout: 30_000 });
    await expect(agent.getByRole('status', { name: 'Line' })).toContainText('1001@pbx.test');
    await expect(agent.getByTestId('sync-indicator')).toContainText('up to date', { timeout: 60_000 });

    demo!.stdin.write('c\n');
    const incoming = agent.getByRole('region', { name: 'Incoming call' });
    await expect(incoming).toBeVisible({ timeout: 30_000 });
    await expect(
      agent.getByRole('region', { name: "Caller's record" }).getByRole('heading', { level: 3 }),
    ).toBeVisible();
    await incoming.getByRole('button', { name: 'Answer' }).click();
    await expect(agent.getByRole('region', { name: 'Wrap-up' })).toBeVisible({ timeout: 40_000 });
    await waitForOutput(
      /The call ended \(answered; 2 lines said, 0 hold\(s\), audio bytes sent [1-9]\d*, received [1-9]\d*; ended by the customer\)/,
      10_000,
    );
    // The real desk's settings are as they were.
    expect(JSON.parse(fs.readFileSync(path.join(web.dataDir, 'settings.json'), 'utf8')).sip.wsUrl).toBe(
      'ws://127.0.0.1:9',
    );
  } finally {
    await web.stop();
  }
  await stopDemo();
});
