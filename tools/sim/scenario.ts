/**
 * The scenario format of the simulated customers (docs/demo.md): one YAML (or JSON) file per
 * scenario, read against this schema; a problem is reported with its line and column.
 *
 * A scenario says who calls (or how a customer answers the agent's call), in which language, what
 * the customer says and when, and what the customer does while on hold and at the end. Every line
 * the customer says is written in each of the five languages of the product.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ScriptProblem } from '../../src/contract/guidance.js';
import { parseYamlWith } from '../../src/guidance/script.js';

export const SCENARIO_FORMAT = 'headset-softphone-scenario';
export const SPOKEN_LANGUAGES = ['en', 'it', 'el', 'ru', 'ro'] as const;
export type SpokenLanguage = (typeof SPOKEN_LANGUAGES)[number];

/** What a customer line may name; filled from the customer's record (absent: left out). */
export const SCENARIO_VARIABLES = ['firstName', 'lastName', 'accountNumber', 'postcode', 'dateOfBirth'] as const;
const VARIABLE = /\{([^{}]+)\}/g;

const spoken = z
  .string()
  .min(1)
  .max(600)
  .superRefine((text, ctx) => {
    for (const match of text.matchAll(VARIABLE)) {
      if (!(SCENARIO_VARIABLES as readonly string[]).includes(match[1]!.trim()))
        ctx.addIssue({
          code: 'custom',
          message: `unknown variable {${match[1]}}; known: ${SCENARIO_VARIABLES.join(', ')}`,
        });
    }
  });

/** One line in every language. */
const Line = z.object(
  Object.fromEntries(SPOKEN_LANGUAGES.map((language) => [language, spoken])) as {
    [K in SpokenLanguage]: typeof spoken;
  },
);
export type Line = z.infer<typeof Line>;

const seconds = z.number().min(0).max(3600);

/**
 * One step of what the customer does once the call is up, in order. The steps pause while the
 * agent holds the call (a customer on hold waits) and go on after the resume.
 * - `wait`: seconds of listening.
 * - `say`: a line from `lines`, spoken to the end.
 * - `hangup`: the customer ends the call.
 * - `waitForEnd`: the customer waits for the agent to say goodbye and end the call; after this many
 *   seconds the customer ends it.
 */
const Step = z.union([
  z.strictObject({ wait: seconds }),
  z.strictObject({ say: z.string().min(1) }),
  z.strictObject({ hangup: z.literal(true) }),
  z.strictObject({ waitForEnd: seconds }),
]);
export type Step = z.infer<typeof Step>;

export const Scenario = z
  .strictObject({
    format: z.literal(SCENARIO_FORMAT),
    version: z.literal(1),
    /** Shown in the demo's output and picked by `--scenario`. */
    title: z.string().min(1).max(200),
    /** in: the customer calls the agent. out: how a customer answers when the agent calls. */
    direction: z.enum(['in', 'out']),
    /** in: a customer of the CRM, a number the CRM does not know, or a withheld number. */
    caller: z.enum(['known', 'unknown', 'withheld']).default('known'),
    /** The customer's own language (from the record), or one of the five. */
    language: z.union([z.literal('customer'), z.enum(SPOKEN_LANGUAGES)]).default('customer'),
    /** How often the scenario is picked, against the others of its direction. */
    weight: z.number().min(0).max(100).default(1),
    /** out: seconds the phone rings before the customer answers; `never`: nobody answers. */
    answerAfter: z.union([seconds, z.literal('never')]).default(3),
    /** in: seconds the customer lets it ring before giving up. */
    giveUpAfter: seconds.default(60),
    steps: z.array(Step).min(1),
    /** While on hold: the customer ends the call after this many seconds (absent: waits). */
    onHold: z.strictObject({ hangUpAfter: seconds.optional() }).default({}),
    /** Back from hold: a line the customer says first. */
    onResume: z.strictObject({ say: z.string().min(1).optional() }).default({}),
    lines: z.record(z.string().regex(/^[a-z][a-zA-Z0-9-]*$/, 'a line name is letters, digits and dashes'), Line),
  })
  .superRefine((scenario, ctx) => {
    const said = [
      ...scenario.steps.flatMap((step, index) =>
        'say' in step ? [{ name: step.say, path: ['steps', index, 'say'] }] : [],
      ),
      ...(scenario.onResume.say ? [{ name: scenario.onResume.say, path: ['onResume', 'say'] }] : []),
    ];
    for (const { name, path: at } of said) {
      if (!(name in scenario.lines)) ctx.addIssue({ code: 'custom', path: at, message: `no line "${name}" in lines` });
    }
  });
export type Scenario = z.infer<typeof Scenario> & { id: string };

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; problems: ScriptProblem[] };

/** Reads one scenario file; its id is the file name without the extension. */
export function readScenario(file: string): ScenarioResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, problems: [{ source: file, message: (error as Error).message }] };
  }
  const result = parseYamlWith(Scenario, text, file);
  if (!result.ok) return result;
  return { ok: true, scenario: { ...result.value, id: path.basename(file).replace(/\.(ya?ml|json)$/, '') } };
}

/** Every scenario of a folder; a file with problems stops the demo with them (a typo is not a scenario). */
export function readScenarios(folder: string): { scenarios: Scenario[]; problems: ScriptProblem[] } {
  const scenarios: Scenario[] = [];
  const problems: ScriptProblem[] = [];
  for (const name of fs.readdirSync(folder).sort()) {
    if (!/\.(ya?ml|json)$/.test(name)) continue;
    const result = readScenario(path.join(folder, name));
    if (result.ok) scenarios.push(result.scenario);
    else problems.push(...result.problems);
  }
  return { scenarios, problems };
}

/** A scenario problem in one line, the way a person reads it: "file:3:5 steps[2].say: …". */
export function formatProblem(problem: ScriptProblem): string {
  const at = problem.line ? `:${problem.line}${problem.column ? `:${problem.column}` : ''}` : '';
  return `${problem.source}${at}${problem.path ? ` ${problem.path}` : ''}: ${problem.message}`;
}

/** The line's words with the customer's data filled in; a variable without data is left out. */
export function fillLine(text: string, values: Partial<Record<(typeof SCENARIO_VARIABLES)[number], string>>): string {
  return (
    text
      .replace(VARIABLE, (_, name: string) => values[name.trim() as keyof typeof values] ?? '')
      // No space left before punctuation (the Greek question mark is ";").
      .replace(/\s+([,.?!;:…])/g, '$1')
      .replace(/\s{2,}/g, ' ')
      .trim()
  );
}
