/**
 * The simulated customers' scenario format (tools/sim/scenario.ts, docs/demo.md): the shipped
 * scenarios read cleanly, a broken file is reported with its line, column and path, and the pure
 * helpers of the voices and the service (languages, service lines, espeak voices, WAV lengths).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fillLine,
  formatProblem,
  readScenario,
  readScenarios,
  SCENARIO_FORMAT,
  SPOKEN_LANGUAGES,
  type Scenario,
} from '../../tools/sim/scenario.js';
import { lineFor, spokenLanguage } from '../../tools/sim/service.js';
import { espeakVoice, wavSeconds } from '../../tools/sim/voices.js';
import { tempDir } from '../support/tmp.js';

const SHIPPED = path.resolve('tools/sim/scenarios');
const FIXTURES = path.resolve('tests/fixtures/scenarios');

function yamlNames(folder: string): string[] {
  return fs
    .readdirSync(folder)
    .filter((name) => /\.(ya?ml|json)$/.test(name))
    .map((name) => name.replace(/\.(ya?ml|json)$/, ''))
    .sort();
}

describe('the shipped scenarios', () => {
  const folders = [SHIPPED, FIXTURES];
  // Problems are checked by the first test; the others look at what was read.
  const all: Scenario[] = folders.flatMap((folder) => readScenarios(folder).scenarios);

  it.each(folders)('%s reads with no problems, one scenario per file, named after the file', (folder) => {
    const { scenarios, problems } = readScenarios(folder);
    expect(problems).toEqual([]);
    const names = yamlNames(folder);
    expect(names.length).toBeGreaterThan(0);
    expect(scenarios.map((scenario) => scenario.id)).toEqual(names);
  });

  it('has the ten demo scenarios and the two test fixtures', () => {
    expect(readScenarios(SHIPPED).scenarios).toHaveLength(10);
    expect(readScenarios(FIXTURES).scenarios.map((s) => s.id)).toEqual(['quick-answer', 'quick-hold']);
  });

  it('names an existing line in every say step and on resume', () => {
    for (const scenario of all) {
      for (const step of scenario.steps) {
        if ('say' in step) expect(Object.keys(scenario.lines), `${scenario.id}: ${step.say}`).toContain(step.say);
      }
      if (scenario.onResume.say) expect(Object.keys(scenario.lines)).toContain(scenario.onResume.say);
    }
  });

  it('writes every line in all five languages, none empty', () => {
    expect([...SPOKEN_LANGUAGES]).toEqual(['en', 'it', 'el', 'ru', 'ro']);
    let lines = 0;
    for (const scenario of all) {
      for (const [name, line] of Object.entries(scenario.lines)) {
        lines++;
        expect(Object.keys(line).sort(), `${scenario.id}.${name}`).toEqual(['el', 'en', 'it', 'ro', 'ru']);
        for (const language of SPOKEN_LANGUAGES)
          expect(line[language].trim(), `${scenario.id}.${name}.${language}`).not.toBe('');
      }
    }
    expect(lines).toBeGreaterThan(20);
  });

  it('has inbound callers of each kind, and outbound ones that never answer and answer after seconds', () => {
    const inbound = all.filter((scenario) => scenario.direction === 'in');
    for (const kind of ['known', 'unknown', 'withheld'] as const) {
      expect(
        inbound.some((scenario) => scenario.caller === kind),
        kind,
      ).toBe(true);
    }
    const outbound = all.filter((scenario) => scenario.direction === 'out');
    expect(outbound.some((scenario) => scenario.answerAfter === 'never')).toBe(true);
    expect(outbound.some((scenario) => typeof scenario.answerAfter === 'number')).toBe(true);
  });

  it('fills in the defaults of a scenario that leaves them out', () => {
    const noAnswer = all.find((scenario) => scenario.id === 'out-no-answer')!;
    expect(noAnswer).toMatchObject({
      format: SCENARIO_FORMAT,
      direction: 'out',
      answerAfter: 'never',
      caller: 'known',
      language: 'customer',
      giveUpAfter: 60,
      onHold: {},
      onResume: {},
      lines: {},
    });
    const withheld = all.find((scenario) => scenario.id === 'withheld-outage')!;
    expect(withheld.caller).toBe('withheld');
    expect(withheld.answerAfter).toBe(3);
    expect(withheld.steps[0]).toEqual({ wait: 5 });
    expect(withheld.steps.at(-1)).toEqual({ waitForEnd: 40 });
  });
});

describe('a scenario with problems', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('sim-scenario-'));
  });
  afterEach(() => cleanup());

  /** A good scenario; each test breaks one thing in it. Lines are numbered in the comments. */
  const GOOD = [
    'format: headset-softphone-scenario', // 1
    'version: 1', // 2
    'title: A test caller', // 3
    'direction: in', // 4
    'steps:', // 5
    '  - wait: 1', // 6
    '  - say: hello', // 7
    'lines:', // 8
    '  hello:', // 9
    "    en: 'Hello, this is {firstName}.'", // 10
    "    it: 'Buongiorno.'", // 11
    "    el: 'Καλημέρα.'", // 12
    "    ru: 'Здравствуйте.'", // 13
    "    ro: 'Bună ziua.'", // 14
  ];

  function write(name: string, lines: string[]): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  function replaced(index: number, line: string | null): string[] {
    const copy = [...GOOD];
    if (line === null) copy.splice(index - 1, 1);
    else copy[index - 1] = line;
    return copy;
  }

  it('reads the good one, its id being the file name', () => {
    const result = readScenario(write('my-caller.yml', GOOD));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.scenario.id).toBe('my-caller');
    expect(result.scenario.steps).toEqual([{ wait: 1 }, { say: 'hello' }]);
    expect(result.scenario.lines.hello!.ro).toBe('Bună ziua.');
  });

  it('reports bad YAML syntax with its line and column', () => {
    const file = write('dup.yaml', replaced(4, 'title: Again'));
    const result = readScenario(file);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ source: file, line: 4, column: 1 });
    expect(result.problems[0]!.message).toMatch(/^Map keys must be unique/);

    const unclosed = write('unclosed.yaml', replaced(7, '  - say: [hello'));
    const second = readScenario(unclosed);
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.problems.length).toBeGreaterThan(0);
    expect(second.problems[0]!.source).toBe(unclosed);
    expect(second.problems[0]!.line).toBe(8);
    expect(second.problems[0]!.column).toBe(1);
    expect(second.problems[0]!.path).toBeUndefined();
  });

  it('reports an unknown step kind at the step', () => {
    const result = readScenario(write('shout.yaml', replaced(6, '  - shout: x')));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ path: 'steps[0]', line: 6, column: 5 });
  });

  it('reports a say step naming a line that is not there', () => {
    const file = write('missing-line.yaml', replaced(7, '  - say: goodbye'));
    const result = readScenario(file);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      { source: file, line: 7, column: 10, path: 'steps[1].say', message: 'no line "goodbye" in lines' },
    ]);
    expect(formatProblem(result.problems[0]!)).toBe(`${file}:7:10 steps[1].say: no line "goodbye" in lines`);
  });

  it('reports a line missing a language at the line', () => {
    const result = readScenario(write('no-ro.yaml', replaced(14, null)));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ path: 'lines.hello.ro', line: 10, column: 5 });
  });

  it('reports an unknown {variable} with the known ones', () => {
    const file = write('variable.yaml', replaced(10, "    en: 'Hello, this is {nickname}.'"));
    const result = readScenario(file);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      {
        source: file,
        line: 10,
        column: 9,
        path: 'lines.hello.en',
        message: 'unknown variable {nickname}; known: firstName, lastName, accountNumber, postcode, dateOfBirth',
      },
    ]);
  });

  it('reports a wrong format at the format key', () => {
    const file = write('format.yaml', replaced(1, 'format: headset-softphone-script'));
    const result = readScenario(file);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ source: file, path: 'format', line: 1, column: 9 });
    expect(formatProblem(result.problems[0]!)).toMatch(new RegExp(`^${escape(file)}:1:9 format: \\S`));
  });

  it('collects the problems of a folder and still reads its good files; other files are ignored', () => {
    write('a-good.yaml', GOOD);
    write('b-bad.yaml', replaced(7, '  - say: goodbye'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a scenario');
    const { scenarios, problems } = readScenarios(dir);
    expect(scenarios.map((scenario) => scenario.id)).toEqual(['a-good']);
    expect(problems.map((problem) => problem.path)).toEqual(['steps[1].say']);
    expect(problems[0]!.source).toBe(path.join(dir, 'b-bad.yaml'));
  });

  it('reports a file it cannot read without a position', () => {
    const file = path.join(dir, 'absent.yaml');
    const result = readScenario(file);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.line).toBeUndefined();
    expect(result.problems[0]!.message).toMatch(/ENOENT/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('formatProblem', () => {
  it('writes file:line:col path: message, leaving out what is not known', () => {
    expect(formatProblem({ source: 's.yaml', line: 3, column: 5, path: 'steps[2].say', message: 'm' })).toBe(
      's.yaml:3:5 steps[2].say: m',
    );
    expect(formatProblem({ source: 's.yaml', line: 3, path: 'title', message: 'm' })).toBe('s.yaml:3 title: m');
    expect(formatProblem({ source: 's.yaml', line: 2, column: 1, message: 'bad YAML' })).toBe('s.yaml:2:1: bad YAML');
    expect(formatProblem({ source: 's.yaml', message: 'unreadable' })).toBe('s.yaml: unreadable');
  });
});

describe('fillLine', () => {
  it('fills the variables it has data for', () => {
    expect(
      fillLine('My name is {firstName} {lastName}, account {accountNumber}.', {
        firstName: 'Giulia',
        lastName: 'Bianchi',
        accountNumber: 'AC 1 2 3',
      }),
    ).toBe('My name is Giulia Bianchi, account AC 1 2 3.');
    expect(fillLine('Born on { dateOfBirth }.', { dateOfBirth: '12 March 1975' })).toBe('Born on 12 March 1975.');
  });

  it('leaves a variable without data out, with no double space nor space before punctuation', () => {
    expect(fillLine('Hello, {firstName} speaking.', {})).toBe('Hello, speaking.');
    expect(fillLine('It is {firstName} {lastName}. Thanks!', { lastName: 'Rossi' })).toBe('It is Rossi. Thanks!');
    expect(fillLine('Is that you {firstName}?', {})).toBe('Is that you?');
    expect(fillLine('{firstName} here, hello {postcode}!', {})).toBe('here, hello!');
    expect(fillLine('Account {accountNumber} , please', {})).toBe('Account, please');
    // The Greek question mark, a colon and an ellipsis too.
    expect(fillLine('Είστε ο {firstName};', {})).toBe('Είστε ο;');
    expect(fillLine('Name {lastName}: fine {firstName}…', {})).toBe('Name: fine…');
  });
});

describe('the service and the voices', () => {
  it('speaks the language of a BCP 47 tag, English when it is none of the five', () => {
    expect(spokenLanguage('en-GB')).toBe('en');
    expect(spokenLanguage('it')).toBe('it');
    expect(spokenLanguage('RU-ru')).toBe('ru');
    expect(spokenLanguage('de-DE')).toBe('en');
    expect(spokenLanguage(undefined)).toBe('en');
  });

  it('calls the service line of the customer’s language and country', () => {
    const italian = lineFor('it', 'it');
    expect(italian.startsWith('+39')).toBe(true);
    expect(italian).toBe('+390699001000');
    expect(lineFor('en', 'en-US')).toBe('+12129000100');
    expect(lineFor('en', 'en-GB')).toBe('+442030001000');
    expect(lineFor('en')).toBe('+442030001000');
    expect(lineFor('ro', undefined)).toBe('+40219001000');
    // A scenario that makes an Italian customer speak Russian calls the Russian line.
    expect(lineFor('ru', 'it')).toBe('+74959001000');
  });

  it('picks an espeak-ng voice per language, US or British English, female or male', () => {
    expect(espeakVoice('en', 'en-US', true)).toBe('en-us+f3');
    expect(espeakVoice('en', 'en-GB', false)).toBe('en-gb+m3');
    expect(espeakVoice('en', undefined, true)).toBe('en-gb+f3');
    expect(espeakVoice('ru', undefined, false)).toBe('ru+m3');
    expect(espeakVoice('el', 'el', true)).toBe('el+f3');
  });

  it('reads a WAV’s length from its header', () => {
    const header = Buffer.alloc(44);
    header.write('RIFF', 0, 'ascii');
    header.writeUInt32LE(36 + 32000, 4);
    header.write('WAVE', 8, 'ascii');
    header.write('fmt ', 12, 'ascii');
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20); // PCM
    header.writeUInt16LE(1, 22); // mono
    header.writeUInt32LE(16000, 24); // sample rate
    header.writeUInt32LE(16000 * 2, 28); // byte rate
    header.writeUInt16LE(2, 32); // block align
    header.writeUInt16LE(16, 34); // bits per sample
    header.write('data', 36, 'ascii');
    header.writeUInt32LE(32000, 40);
    expect(wavSeconds(Buffer.concat([header, Buffer.alloc(32000)]))).toBe(1);
    expect(wavSeconds(Buffer.concat([header, Buffer.alloc(8000)]))).toBe(0.25);
    expect(wavSeconds(Buffer.from('this is not a wav file at all, just some words in ascii'))).toBe(0);
    expect(wavSeconds(Buffer.alloc(10))).toBe(0);
  });
});
