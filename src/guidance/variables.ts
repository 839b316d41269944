import type { GuidanceLine } from '../contract/guidance.js';
import type { ScriptVariable } from './script.js';

/** The values a script's lines can use; a missing one leaves a gap the agent fills by voice. */
export type VariableValues = Partial<Record<ScriptVariable, string>>;

const VARIABLE = /\{([^{}|]+)(?:\|([^{}]*))?\}/g;

/**
 * Fills `{name}` and `{name|fallback}` in a script line. Without a value, the fallback is said
 * (an empty one makes the variable vanish, and the punctuation around it is tidied: "Thank you,
 * ." reads "Thank you."); without a fallback either, "…" marks the gap and the name is reported.
 */
export function fillLine(template: string, values: VariableValues): GuidanceLine {
  const missing: string[] = [];
  let text = template.replace(VARIABLE, (_whole, rawName: string, fallback: string | undefined) => {
    const name = rawName.trim() as ScriptVariable;
    const value = values[name]?.trim();
    if (value) return value;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return '…';
  });
  text = text
    .replace(/[ \t]+([,.!?;:])/g, '$1')
    .replace(/,([.!?;:])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  return { text, missing };
}

export interface VariableContext {
  agent: { name: string; company: string };
  customer?: { title?: string; givenName?: string; familyName?: string; company?: string };
  line?: { serviceName?: string };
  call?: { number?: string };
  /** The agent's local hour (0–23), for `{greeting}`. */
  hour: number;
  greetings: { morning: string; afternoon: string; evening: string };
}

/** The variables from what the desk knows of the call, the customer and the agent. */
export function variableValues(context: VariableContext): VariableValues {
  const { customer } = context;
  const fullName = [customer?.givenName, customer?.familyName].filter(Boolean).join(' ');
  const salutation =
    customer?.title && customer.familyName ? `${customer.title} ${customer.familyName}` : fullName || undefined;
  const greeting =
    context.hour < 12
      ? context.greetings.morning
      : context.hour < 18
        ? context.greetings.afternoon
        : context.greetings.evening;
  return {
    greeting,
    'agent.name': context.agent.name || undefined,
    'agent.firstName': context.agent.name.split(/\s+/)[0] || undefined,
    company: context.agent.company || undefined,
    'customer.title': customer?.title,
    'customer.firstName': customer?.givenName,
    'customer.lastName': customer?.familyName,
    'customer.name': fullName || undefined,
    'customer.salutation': salutation,
    'customer.company': customer?.company,
    'line.service': context.line?.serviceName,
    'call.number': context.call?.number,
  };
}
