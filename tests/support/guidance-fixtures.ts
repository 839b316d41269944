import type { CustomerCard } from '../../src/contract/index.js';
import { checkScript, type LoadedScript } from '../../src/guidance/script.js';
import english from '../../src/guidance/scripts/general.en.json';

/** The shipped English script, as the desk loads it. */
export function shippedEnglishScript(): LoadedScript {
  const result = checkScript(english, 'shipped:general-en');
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return { script: result.script, source: 'shipped', origin: 'shipped:general-en' };
}

/** Giulia Bianchi's card as the screen-pop gives it, in the language asked for. */
export function giuliaCard(language: string): CustomerCard {
  return {
    customer: {
      id: 7,
      title: 'Mrs',
      givenName: 'Giulia',
      familyName: 'Bianchi',
      language,
      flags: [],
      openCases: 0,
      emails: [],
      identification: { dateOfBirth: '1980-03-12', postcode: '00184', customerCode: 'C-991' },
      phones: [],
    },
    cases: [],
    interactions: [],
  };
}
