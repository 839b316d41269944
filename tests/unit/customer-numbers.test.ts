import { describe, expect, it } from 'vitest';
import { foldForSearch, wordsQuery } from '../../src/customers/fold.js';
import { isWithheld, normaliseNumber, numberCandidates, searchableDigits } from '../../src/customers/numbers.js';

describe('numbers from the CRM are stored in E.164', () => {
  it.each([
    ['+39 347 123 4567', 'IT', '+393471234567'],
    ['347 123 4567', 'IT', '+393471234567'],
    ['0039 347 1234567', 'IT', '+393471234567'],
    ['06 1234 5678', 'IT', '+390612345678'],
    ['030 1234567', 'DE', '+49301234567'],
    ['(030) 123-4567', 'DE', '+49301234567'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['07911 123456', 'GB', '+447911123456'],
    ['01 23 45 67 89', 'FR', '+33123456789'],
    ['210 123 4567', 'GR', '+302101234567'],
    ['8 (495) 123-45-67', 'RU', '+74951234567'],
    ['(202) 555-0143', 'US', '+12025550143'],
    ['011 44 20 7946 0958', 'US', '+442079460958'],
    ['tel:+30-210-123-4567', 'IT', '+302101234567'],
    ['+44 20 7946 0958', 'XX', '+442079460958'],
  ])('%s in %s → %s', (raw, region, e164) => {
    expect(normaliseNumber(raw, region)).toBe(e164);
  });

  it.each(['', 'n/a', 'call me', '12ab34', '+0123'])('refuses %j', (raw) => {
    expect(normaliseNumber(raw, 'IT')).toBeUndefined();
  });
});

describe('the numbers a caller may be, as the PBX sends them', () => {
  it.each([
    ['+393471234567', 'IT', '+393471234567'],
    ['sip:+393471234567@pbx.test;user=phone', 'IT', '+393471234567'],
    ['<sip:+302101234567@pbx.test>', 'IT', '+302101234567'],
    ['tel:+44-20-7946-0958', 'IT', '+442079460958'],
    ['393471234567', 'IT', '+393471234567'], // country code without "+"
    ['00393471234567', 'IT', '+393471234567'], // international prefix
    ['3471234567', 'IT', '+393471234567'], // national
    ['0612345678', 'IT', '+390612345678'], // national, the 0 is part of Italian landlines
    ['03471234567', 'IT', '+393471234567'], // the PBX's outside-line 0 in front
    ['0301234567', 'DE', '+49301234567'], // trunk 0
    ['301234567', 'DE', '+49301234567'], // national without trunk 0
    ['00301234567', 'DE', '+49301234567'], // outside-line 0 + trunk 0 (not Greece: +30 1234567 is no number)
    ['004930123456', 'DE', '+4930123456'],
    ['02079460958', 'GB', '+442079460958'],
    ['011442079460958', 'US', '+442079460958'], // the US international prefix
    ['12025550143', 'US', '+12025550143'],
    ['2025550143', 'US', '+12025550143'],
    ['84951234567', 'RU', '+74951234567'], // Russian trunk prefix 8
    ['2101234567', 'GR', '+302101234567'],
    ['6912345678', 'GR', '+306912345678'],
  ])('%s in %s: first try %s', (raw, region, first) => {
    expect(numberCandidates(raw, region)[0]).toBe(first);
  });

  it('keeps the other readings as fallbacks, valid numbers before merely possible ones, once each', () => {
    // Outside-line 0 + Rome, or the international prefix 00 + an Australian number.
    expect(numberCandidates('00612345678', 'IT')).toEqual(['+390612345678', '+612345678']);
    const all = numberCandidates('0612345678', 'IT');
    expect(all[0]).toBe('+390612345678');
    expect(new Set(all).size).toBe(all.length);
    // Valid both as a German national number and as a British one sent without "+".
    expect(numberCandidates('442079460958', 'DE')).toEqual(['+49442079460958', '+442079460958']);
  });

  it.each(['1002', '*97#', 'queue-sales', 'sip:1002@pbx.test', ''])('has nothing to look up for %j', (raw) => {
    expect(numberCandidates(raw, 'IT')).toEqual([]);
  });
});

describe('withheld callers', () => {
  it.each([
    'sip:anonymous@anonymous.invalid',
    '<sip:anonymous@anonymous.invalid>',
    'sip:user@anonymous.invalid',
    'anonymous',
    'Anonymous',
    'unavailable',
    'RESTRICTED',
    'private',
    '',
    '   ',
  ])('%j is withheld', (raw) => {
    expect(isWithheld(raw)).toBe(true);
  });

  it('treats a missing caller as withheld', () => {
    expect(isWithheld(undefined)).toBe(true);
  });

  it.each(['+393471234567', 'sip:+393471234567@pbx.test', '1002'])('%j is not', (raw) => {
    expect(isWithheld(raw)).toBe(false);
  });
});

describe('the digits a number is searched by', () => {
  it('holds the E.164 and the national form', () => {
    expect(searchableDigits('+49301234567')).toBe('49301234567 0301234567');
    expect(searchableDigits('+393471234567')).toBe('393471234567 3471234567');
  });
});

describe('folding text for search', () => {
  it.each([
    ['Müller', 'muller'],
    ['José Núñez', 'jose nunez'],
    ['Ærøskøbing', 'ærøskøbing'], // no decomposition: left to FTS5's own folding
    ['Παπαδόπουλος', 'παπαδοπουλοσ'],
    ['ΣΟΦΊΑ', 'σοφια'],
    ['Ёлкин Сергей', 'елкин сергеи'],
    ['ﬁnance', 'finance'],
    ['İzmir', 'izmir'],
  ])('%s → %s', (text, folded) => {
    expect(foldForSearch(text)).toBe(folded);
  });

  it('turns what the agent typed into prefix terms that must all match', () => {
    expect(wordsQuery(' Mül  anna.r@ex ')).toBe('"mul"* "anna"* "r"* "ex"*');
    expect(wordsQuery('"OR" NEAR(')).toBe('"or"* "near"*');
    expect(wordsQuery(' -*- ')).toBeUndefined();
  });
});
