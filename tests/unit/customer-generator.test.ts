import fs from 'node:fs';
import path from 'node:path';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { importCustomersCsv } from '../../src/customers/csv-import.js';
import {
  CustomerGenerator,
  generateCustomers,
  LOCALES,
  SERVICE_LINES,
  type GeneratedCustomer,
} from '../../src/customers/generator.js';
import { normaliseNumber } from '../../src/customers/numbers.js';
import { CustomerRepository } from '../../src/customers/repository.js';
import { seedCustomers, writeCustomersCsv } from '../../src/customers/seed.js';
import { migrate, openDatabase } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import { tempDir } from '../support/tmp.js';

const sample = (count: number, seed = 7): GeneratedCustomer[] => [...generateCustomers(count, { seed })];

/** The script a name must be written in, per language the generator speaks. */
const SCRIPT: Record<string, RegExp> = {
  'en-GB': /^[\p{Script=Latin}' .-]+$/u,
  'en-US': /^[\p{Script=Latin}' .-]+$/u,
  it: /^[\p{Script=Latin}' .-]+$/u,
  ro: /^[\p{Script=Latin}' .-]+$/u,
  el: /^[\p{Script=Greek} ]+$/u,
  ru: /^[\p{Script=Cyrillic} -]+$/u,
};

describe('the synthetic customer generator', () => {
  it('is deterministic: the same seed gives the same customers, another seed others', () => {
    const first = sample(500, 42);
    expect(sample(500, 42)).toEqual(first);
    // The n-th customer does not depend on how many are asked for.
    expect(sample(100, 42)).toEqual(first.slice(0, 100));
    const other = sample(500, 43);
    expect(other.filter((c, i) => c.customer.familyName === first[i]?.customer.familyName).length).toBeLessThan(100);
    const now = Date.UTC(2030, 5, 1);
    const later = new CustomerGenerator({ seed: 42, now }).next();
    expect(later.customer.givenName).toBe(first[0]?.customer.givenName);
    expect(later.customer.updatedAt).toBeLessThanOrEqual(now);
    expect(later.customer.updatedAt).toBeGreaterThan(Date.UTC(2029, 0, 1));
  });

  it('gives every customer valid numbers of its own country and names in the script of its language', () => {
    const customers = sample(5000);
    const countries = new Map(LOCALES.map((locale) => [locale.language, locale.country]));
    for (const { customer } of customers) {
      for (const name of [customer.givenName, customer.familyName]) {
        expect(name, customer.externalId).toMatch(SCRIPT[customer.language!]!);
      }
      for (const phone of customer.phones) {
        const parsed = parsePhoneNumberFromString(phone.e164);
        expect(parsed?.isValid(), `${customer.externalId} ${phone.e164}`).toBe(true);
        // Read back as the import and the lookup read it: the same E.164.
        expect(normaliseNumber(phone.e164, 'IT')).toBe(phone.e164);
        if (phone.label === 'mobile') {
          expect(parsed?.country, phone.e164).toBe(countries.get(customer.language!));
          expect(['MOBILE', 'FIXED_LINE_OR_MOBILE']).toContain(parsed?.getType());
        }
      }
    }
    const languages = new Set(customers.map((c) => c.customer.language));
    expect([...languages].sort()).toEqual(['el', 'en-GB', 'en-US', 'it', 'ro', 'ru']);
    const romanian = customers.filter((c) => c.customer.language === 'ro').map((c) => c.customer.familyName ?? '');
    expect(romanian.some((name) => /[ăâîșț]/i.test(name))).toBe(true);
    expect(romanian.some((name) => /[şţ]/.test(name))).toBe(false); // comma below, not the cedilla
  });

  it('gives women the feminine form of Greek and Russian family names', () => {
    const customers = sample(3000).map((c) => c.customer);
    const women = (language: string) => {
      const names = LOCALES.find((locale) => locale.language === language)!.given.f;
      return customers.filter((c) => c.language === language && names.includes(c.givenName!));
    };
    expect(women('el').length).toBeGreaterThan(100);
    for (const c of women('el')) expect(c.familyName, c.givenName).not.toMatch(/(ος|ός|ης|ής|ας|άς)$/);
    expect(women('ru').length).toBeGreaterThan(100);
    for (const c of women('ru')) expect(c.familyName, c.givenName).toMatch(/(а|ая|ко)$/);
  });

  it('makes households and switchboards share numbers, VIPs, open cases and past contacts', () => {
    const customers = sample(5000);
    const holders = new Map<string, Set<string>>();
    for (const { customer } of customers) {
      for (const phone of customer.phones) {
        const set = holders.get(phone.e164) ?? new Set<string>();
        set.add(customer.externalId);
        holders.set(phone.e164, set);
      }
    }
    const shared = [...holders.values()].filter((set) => set.size > 1);
    expect(shared.length).toBeGreaterThan(100);
    const labels = (label: string) => customers.filter((c) => c.customer.phones.some((p) => p.label === label));
    expect(labels('switchboard').length).toBeGreaterThan(300);
    expect(labels('home').length).toBeGreaterThan(1000);
    const vip = customers.filter((c) => c.customer.flags?.includes('vip')).length;
    expect(vip / customers.length).toBeGreaterThan(0.02);
    expect(vip / customers.length).toBeLessThan(0.07);
    expect(customers.filter((c) => c.customer.company).length).toBeGreaterThan(700);
    const cases = customers.flatMap((c) => c.cases);
    expect(cases.filter((k) => k.open).length).toBeGreaterThan(200);
    expect(cases.filter((k) => !k.open).length).toBeGreaterThan(400);
    for (const { cases: own, interactions } of customers) {
      for (const contact of interactions) {
        if (contact.caseIndex !== undefined) expect(contact.caseIndex).toBeLessThan(own.length);
        if (contact.endedAt !== undefined) expect(contact.endedAt).toBeGreaterThan(contact.startedAt);
      }
    }
    expect(customers.every((c) => c.customer.identification?.dateOfBirth && c.customer.identification.postcode)).toBe(
      true,
    );
    expect(
      customers
        .flatMap((c) => c.customer.emails ?? [])
        .every((email) => /^[a-z0-9.]+@[a-z0-9.-]+\.example$/.test(email)),
    ).toBe(true);
  });

  it('is fast: thousands of customers in well under a second', () => {
    const generator = new CustomerGenerator({ seed: 1 });
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) generator.next();
    // About 20 µs each on the 2-core CI machine; generous for a busy one.
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('seeding the cache', () => {
  it('writes customers, cases, contacts and service lines that lookup, search and the card find', () => {
    const { dir, cleanup } = tempDir();
    const db = openDatabase(path.join(dir, 'customers.sqlite'));
    try {
      migrate(db, CUSTOMER_MIGRATIONS);
      const progress: number[] = [];
      const report = seedCustomers(db, {
        count: 3000,
        seed: 5,
        progressEvery: 1000,
        onProgress: (n) => progress.push(n),
      });
      expect(report).toMatchObject({ customers: 3000, created: 3000, lines: SERVICE_LINES.length });
      expect(progress).toEqual([1000, 2000, 3000, 3000]);
      const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
      expect([count('customers'), count('phones'), count('cases'), count('interactions')]).toEqual([
        3000,
        report.phones,
        report.cases,
        report.interactions,
      ]);
      const repo = new CustomerRepository(db);
      const customers = sample(3000, 5).map((c) => c.customer);

      const greek = customers.find((c) => c.language === 'el' && c.familyName?.endsWith('ου'))!;
      const found = repo.search(`${greek.familyName} ${greek.givenName}`.toLowerCase());
      expect(found.map((c) => c.familyName)).toContain(greek.familyName);
      const russian = customers.find((c) => c.language === 'ru')!;
      expect(repo.search(russian.familyName!.toUpperCase().slice(0, 4)).length).toBeGreaterThan(0);

      const switchboard = customers.flatMap((c) => c.phones).find((p) => p.label === 'switchboard')!;
      const national = parsePhoneNumberFromString(switchboard.e164)!;
      const sharing = customers.filter((c) => c.phones.some((p) => p.e164 === switchboard.e164)).length;
      const lookup = repo.lookupByNumber(`00${switchboard.e164.slice(1)}`, 'IT');
      expect(lookup.kind).toBe(sharing > 1 ? 'many' : 'one');
      expect(repo.search(national.nationalNumber.slice(-7)).length).toBeGreaterThan(0);

      const withCases = repo.search(customers.find((c) => c.accountNumber)!.accountNumber!)[0]!;
      expect(repo.card(withCases.id)?.customer.identification.dateOfBirth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(repo.lineFor('06 9900 1000', 'IT')?.serviceName).toBe('Energia Casa — Assistenza clienti');
      expect(repo.lineFor('sip:queue-vip@pbx.test', 'IT')?.serviceName).toBe('VIP desk');

      // Seeding again replaces the same customers rather than adding others.
      expect(seedCustomers(db, { count: 100, seed: 5 })).toMatchObject({ customers: 100, created: 0 });
      expect(count('customers')).toBe(3000);
    } finally {
      db.close();
      cleanup();
    }
  });

  it('writes a CSV file that the import takes whole', async () => {
    const { dir, cleanup } = tempDir();
    const db = openDatabase(path.join(dir, 'customers.sqlite'));
    try {
      migrate(db, CUSTOMER_MIGRATIONS);
      const file = path.join(dir, 'seed.csv');
      expect(writeCustomersCsv(file, { count: 2000, seed: 9 })).toBe(2000);
      expect(fs.existsSync(`${file}.partial`)).toBe(false);
      const report = await importCustomersCsv(db, file, { region: 'GB' });
      expect(report).toMatchObject({ rowsRead: 2000, imported: 2000, rejected: 0 });
      const repo = new CustomerRepository(db);
      const [first] = sample(1, 9);
      const card = repo.card(repo.search(first!.customer.accountNumber!)[0]!.id)!;
      expect(card.customer).toMatchObject({
        givenName: first!.customer.givenName,
        familyName: first!.customer.familyName,
        phones: first!.customer.phones,
        emails: first!.customer.emails,
        flags: first!.customer.flags,
      });
      expect(db.prepare('SELECT updated_at FROM customers WHERE id = ?').pluck().get(card.customer.id)).toBe(
        first!.customer.updatedAt,
      );
    } finally {
      db.close();
      cleanup();
    }
  });
});
