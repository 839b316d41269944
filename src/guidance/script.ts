import { z } from 'zod';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { INBOUND_PHASES, OUTBOUND_PHASES, type ScriptProblem } from '../contract/guidance.js';

/**
 * The script format (docs/guidance.md): one file per script set and language, JSON or YAML, read
 * against this schema; a problem is reported with its line and column. `format` names the format
 * and its version; `revision` is the content's own version, kept in the trail of each call.
 */

export const SCRIPT_FORMAT = 'headset-softphone-script';
export const SCRIPT_FORMAT_VERSION = 1;

/** The variables a script line may use, as `{name}` or `{name|what to say without it}`. */
export const SCRIPT_VARIABLES = [
  'greeting',
  'agent.name',
  'agent.firstName',
  'company',
  'customer.title',
  'customer.firstName',
  'customer.lastName',
  'customer.name',
  /** Title and surname ("Mrs Bianchi"), else the full name. */
  'customer.salutation',
  'customer.company',
  'line.service',
  'call.number',
] as const;
export type ScriptVariable = (typeof SCRIPT_VARIABLES)[number];

/** What moves the guidance by itself. */
export const GUIDANCE_EVENTS = [
  'ringing',
  'dialling',
  'answered',
  'customer-verified',
  'transfer-started',
  'transfer-completed',
  'knowledge-used',
  'not-now',
  'hangup',
] as const;
export type GuidanceEvent = (typeof GUIDANCE_EVENTS)[number];

const VARIABLE = /\{([^{}|]+)(?:\|([^{}]*))?\}/g;

/** A line to say: its variables must be ones the desk knows (a typo is caught when the file is read). */
const sayLine = z
  .string()
  .min(1)
  .max(1000)
  .superRefine((text, ctx) => {
    for (const match of text.matchAll(VARIABLE)) {
      const name = match[1]!.trim();
      if (!(SCRIPT_VARIABLES as readonly string[]).includes(name))
        ctx.addIssue({ code: 'custom', message: `unknown variable {${name}}; known: ${SCRIPT_VARIABLES.join(', ')}` });
    }
  });
const tip = z.string().min(1).max(1000);
const itemId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'an id is lower-case letters, digits and dashes')
  .max(60);

const ChecklistItemSchema = z.strictObject({
  id: itemId,
  text: z.string().min(1).max(300),
  required: z.boolean().default(false),
});

const PhaseSchema = z.strictObject({
  id: z.string(),
  title: z.string().min(1).max(80),
  say: z.array(sayLine).default([]),
  tips: z.array(tip).default([]),
  checklist: z.array(ChecklistItemSchema).default([]),
  /** Call events that move the guidance forward to this phase. */
  startsOn: z.array(z.enum(GUIDANCE_EVENTS)).default([]),
  /** With autoAdvance on: move on to the next phase after this many seconds in this one. */
  advanceAfterSeconds: z.number().int().min(1).max(3600).optional(),
  /**
   * Identify only: the record's identification keys become checklist items (labelled here); the
   * caller counts as verified once `minimum` of those the record has are ticked.
   */
  identification: z
    .strictObject({
      minimum: z.number().int().min(1).max(3).default(2),
      labels: z.strictObject({ dateOfBirth: z.string(), postcode: z.string(), customerCode: z.string() }),
    })
    .optional(),
});
export type ScriptPhase = z.infer<typeof PhaseSchema>;

const Block = z.strictObject({
  title: z.string().min(1).max(80),
  say: z.array(sayLine).default([]),
  tips: z.array(tip).default([]),
});

function phasesFor(direction: 'inbound' | 'outbound', order: readonly string[]) {
  return z
    .array(PhaseSchema)
    .min(2)
    .superRefine((phases, ctx) => {
      let last = -1;
      phases.forEach((phase, index) => {
        const at = order.indexOf(phase.id);
        if (at < 0)
          ctx.addIssue({
            code: 'custom',
            path: [index, 'id'],
            message: `"${phase.id}" is not a phase of an ${direction} call; use: ${order.join(', ')}`,
          });
        else if (at <= last)
          ctx.addIssue({
            code: 'custom',
            path: [index, 'id'],
            message: `"${phase.id}" is out of order or repeated; the order is: ${order.join(', ')}`,
          });
        else last = at;
        if (phase.identification && phase.id !== 'identify')
          ctx.addIssue({
            code: 'custom',
            path: [index, 'identification'],
            message: 'only the identify phase has identification keys',
          });
        const ids = new Set<string>();
        phase.checklist.forEach((item, itemIndex) => {
          if (ids.has(item.id))
            ctx.addIssue({
              code: 'custom',
              path: [index, 'checklist', itemIndex, 'id'],
              message: `item "${item.id}" is repeated`,
            });
          ids.add(item.id);
        });
      });
      for (const needed of ['prepare', 'close'])
        if (!phases.some((phase) => phase.id === needed))
          ctx.addIssue({ code: 'custom', message: `the "${needed}" phase is missing` });
    });
}

export const ScriptSchema = z.strictObject({
  $schema: z.string().optional(),
  format: z.literal(SCRIPT_FORMAT),
  version: z.literal(SCRIPT_FORMAT_VERSION),
  /** Unique among the desk's scripts, e.g. "general-en". */
  id: itemId,
  /** The set a line names (its `scriptSet`); "general" is used when a line names none. */
  scriptSet: itemId,
  /** BCP 47: "en", "it", "el", "ru", "ro", or with a region ("pt-BR"). */
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as "en" or "pt-BR"'),
  name: z.string().min(1).max(120),
  revision: z.number().int().min(1).default(1),
  /** `{greeting}` by the agent's local time: before 12, before 18, after. */
  greetings: z.strictObject({ morning: z.string().min(1), afternoon: z.string().min(1), evening: z.string().min(1) }),
  inbound: phasesFor('inbound', INBOUND_PHASES),
  outbound: phasesFor('outbound', OUTBOUND_PHASES),
  hold: z.strictObject({
    /** Before the hold: ask permission, give the reason and how long. */
    ask: z.array(sayLine).min(1),
    /** At the reminder: go back and say where things stand. */
    reminder: z.array(sayLine).min(1),
    /** Back from the hold. */
    thanks: z.array(sayLine).min(1),
  }),
  procedures: z.strictObject({
    escalate: Block,
    abusive: Block.extend({ warning: z.array(sayLine).min(1) }),
    nuisance: Block,
    unidentified: Block,
  }),
});
export type Script = z.infer<typeof ScriptSchema>;

export type ScriptSource = 'shipped' | 'folder' | 'crm';
export interface LoadedScript {
  script: Script;
  source: ScriptSource;
  /** Where it came from: a file path, "crm:<id>", "shipped:<id>". */
  origin: string;
}

export type ParseResult = { ok: true; script: Script } | { ok: false; problems: ScriptProblem[] };

/**
 * Reads a script from JSON or YAML text (JSON is YAML too, so one parser gives positions for
 * both). Every problem comes with its line and column in the text and the path to the value.
 */
export function parseScript(text: string, source: string): ParseResult {
  const result = parseYamlWith(ScriptSchema, text, source);
  return result.ok ? { ok: true, script: result.value } : result;
}

/** Checks an already-parsed script (from the CRM, whose body is JSON in the record). */
export function checkScript(
  value: unknown,
  source: string,
  position: (path: PropertyKey[]) => { line: number; column: number } | undefined = () => undefined,
): ParseResult {
  const result = checkWith(ScriptSchema, value, source, position);
  return result.ok ? { ok: true, script: result.value } : result;
}

/**
 * Reads a JSON or YAML text against a schema: the value, or every problem with its line and column
 * in the text and the path to the value. Shared by the script files and the demo's scenario files.
 */
export function parseYamlWith<T>(
  schema: z.ZodType<T>,
  text: string,
  source: string,
): { ok: true; value: T } | { ok: false; problems: ScriptProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const at = error.linePos?.[0];
        return { source, line: at?.line, column: at?.col, message: error.message.split('\n')[0]! };
      }),
    };
  }
  return checkWith(schema, doc.toJS(), source, (path) => locate(doc, lineCounter, path));
}

function checkWith<T>(
  schema: z.ZodType<T>,
  value: unknown,
  source: string,
  position: (path: PropertyKey[]) => { line: number; column: number } | undefined,
): { ok: true; value: T } | { ok: false; problems: ScriptProblem[] } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      source,
      ...position(issue.path),
      path: formatPath(issue.path),
      message: issue.message,
    })),
  };
}

function locate(
  doc: Document,
  counter: LineCounter,
  path: PropertyKey[],
): { line: number; column: number } | undefined {
  // The deepest node that exists on the way: a missing key points at the object that lacks it.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) {
      const { line, col } = counter.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return undefined;
}

export function formatPath(path: PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
