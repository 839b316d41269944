import type { ServiceLine } from '../contract/customers.js';
import type { NormalisedCustomer } from './bulk-writer.js';
import type { CaseRecord, InteractionRecord } from './repository.js';

/**
 * Synthetic customers for demos and benchmarks: names in English, Italian, Greek (Greek script),
 * Russian (Cyrillic) and Romanian (with its diacritics), valid numbers of GB/US, IT, GR, RU and
 * RO, companies whose staff share the switchboard number, households sharing the home number,
 * identification keys, cases (some open) and past contacts. The same seed gives the same
 * customers, byte for byte. Small word lists of our own instead of a faker library: a million
 * customers come out in seconds. E-mail domains are under the reserved `.example` top-level
 * domain, so no address can reach a real mailbox.
 */

export interface GeneratedCustomer {
  customer: NormalisedCustomer;
  cases: CaseRecord[];
  /** `caseIndex` points into `cases`: the case the contact was about. */
  interactions: (Omit<InteractionRecord, 'caseId'> & { caseIndex?: number })[];
}

export interface GeneratorOptions {
  seed: number;
  /** The "today" of the data: birthdays, cases and contacts lie before it. Default 2026-01-01. */
  now?: number;
}

export const DEFAULT_GENERATOR_NOW = Date.UTC(2026, 0, 1);

const DAY = 86_400_000;
const YEAR = 365.25 * DAY;

/** A small, fast PRNG (sfc32) seeded through splitmix32: the same seed, the same sequence. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.float();
  }

  /** In [0, 1). */
  float(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** `count` random decimal digits. */
  digits(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += String(this.int(10));
    return out;
  }
}

type Gender = 'f' | 'm';

interface City {
  /** E.164 prefixes of its landlines and how many digits follow (-1: an American exchange and line). */
  landline: [prefixes: readonly string[], digits: number];
  postcode: (random: Random) => string;
}

interface Locale {
  country: 'GB' | 'US' | 'IT' | 'GR' | 'RU' | 'RO';
  language: string;
  /** Share of the customers, out of 100. */
  weight: number;
  given: Record<Gender, readonly string[]>;
  family: readonly string[];
  /** The family name as a woman carries it (Greek and Russian names change). */
  feminine: (family: string) => string;
  titles: Record<Gender, readonly string[]>;
  mobile: (random: Random) => string;
  cities: readonly City[];
  company: (random: Random, family: string) => string;
  /** Latin letters for e-mail addresses. */
  latin: (text: string) => string;
  mailDomains: readonly string[];
  notes: readonly string[];
}

const same = (name: string) => name;
/** A word list written as one comma-separated text, to keep the lists readable here. */
const words = (text: string): readonly string[] =>
  text
    .split(',')
    .map((word) => word.trim())
    .filter((word) => word !== '');
const pad = (value: number, length: number) => String(value).padStart(length, '0');
/** Numbers made of `prefix`, one of the ranges, and `digits` random digits. */
const numbers = (prefix: string, ranges: string, digits: number) => {
  const list = words(ranges);
  return (random: Random) => `${prefix}${random.pick(list)}${random.digits(digits)}`;
};
const withinRange = (base: number, spread: number, length: number) => (random: Random) =>
  pad(base + random.int(spread), length);

/** Strips accents and anything but letters, for the local part and domain of an e-mail address. */
const asciiWord = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

const GREEK_LATIN: Record<string, string> = {
  α: 'a',
  β: 'v',
  γ: 'g',
  δ: 'd',
  ε: 'e',
  ζ: 'z',
  η: 'i',
  θ: 'th',
  ι: 'i',
  κ: 'k',
  λ: 'l',
  μ: 'm',
  ν: 'n',
  ξ: 'x',
  ο: 'o',
  π: 'p',
  ρ: 'r',
  σ: 's',
  ς: 's',
  τ: 't',
  υ: 'y',
  φ: 'f',
  χ: 'ch',
  ψ: 'ps',
  ω: 'o',
};
function greekLatin(text: string): string {
  const plain = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ου/g, 'u')
    .replace(/αι/g, 'ai');
  return asciiWord([...plain].map((char) => GREEK_LATIN[char] ?? char).join(''));
}

const CYRILLIC_LATIN: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
};
const cyrillicLatin = (text: string) =>
  asciiWord([...text.toLowerCase()].map((char) => CYRILLIC_LATIN[char] ?? char).join(''));

/** Παπαδόπουλος → Παπαδοπούλου, Παπαδάκης → Παπαδάκη, Θεοδωρίδης → Θεοδωρίδου, Γεωργίου stays. */
function greekFeminine(family: string): string {
  if (family.endsWith('όπουλος')) return `${family.slice(0, -7)}οπούλου`;
  if (/(ίδης|άδης)$/.test(family)) return `${family.slice(0, -2)}ου`;
  if (family.endsWith('ης') || family.endsWith('ής')) return family.slice(0, -1);
  if (family.endsWith('ας') || family.endsWith('άς')) return family.slice(0, -1);
  if (family.endsWith('ός')) return `${family.slice(0, -2)}ού`;
  if (family.endsWith('ος')) return `${family.slice(0, -2)}ου`;
  return family;
}

/** Иванов → Иванова, Соколовский → Соколовская, Шевченко stays. */
function russianFeminine(family: string): string {
  if (/(ов|ев|ёв|ин|ын)$/.test(family)) return `${family}а`;
  if (family.endsWith('ский')) return `${family.slice(0, -4)}ская`;
  if (family.endsWith('цкий')) return `${family.slice(0, -4)}цкая`;
  if (family.endsWith('ой')) return `${family.slice(0, -2)}ая`;
  return family;
}

const ENGLISH_GIVEN = {
  f: words(`
    Olivia, Amelia, Isla, Emily, Sophie, Charlotte, Jessica, Emma, Sarah, Elizabeth, Hannah, Grace, Lucy,
    Megan, Jennifer, Ashley, Chloe, Rebecca, Laura, Zoë, Niamh, Siobhán
  `),
  m: words(`
    James, Oliver, George, Harry, Jack, William, Thomas, Michael, David, Daniel, Robert, John, Christopher,
    Matthew, Andrew, Joseph, Samuel, Benjamin, Ryan, Liam, Seán, Owen
  `),
};
const ENGLISH_FAMILY = words(`
  Smith, Jones, Taylor, Brown, Williams, Wilson, Johnson, Davies, Robinson, Wright, Thompson, Evans, Walker,
  White, Roberts, Green, Hall, Wood, Jackson, Clarke, O'Brien, Murphy, Miller, Davis, Garcia, Martinez,
  Anderson, Thomas, Moore, Martin, Lee, Harris, Clark, Lewis, Young, King, Scott, Baker, Adams, Nelson, Hill,
  Campbell, Mitchell, Carter, Phillips, Turner, Parker, Collins, Edwards, Stewart, Morris, Cook, Rogers,
  Morgan, Cooper, Peterson, Bailey, Reed, Kelly, Howard, Cox, Ward, Richardson, Watson, Brooks, Bennett, Gray,
  Hughes, Price, Sanders, Patel, Khan, Ali, O'Connor, McDonald, MacLeod, Fitzgerald, Nguyen, Kowalski
`);
const ENGLISH_NOTES = [
  'Prefers a call back in the afternoon.',
  'Hard of hearing: speak slowly and clearly.',
  'Asked for all letters by e-mail.',
  'Moved house last year; check the address.',
  'Pays by direct debit.',
  'Complained about waiting times in the past.',
];
const englishCompany = (random: Random, family: string) =>
  random.chance(0.5)
    ? `${family} ${random.pick(['& Sons Ltd', 'Ltd', 'Holdings plc', 'Logistics Ltd', 'Consulting', 'Builders Ltd'])}`
    : `${random.pick(['Northern', 'Blue Harbour', 'Redwood', 'Greenfield', 'Silver Birch', 'Riverside', 'Summit', 'Oak'])} ` +
      random.pick(['Foods Ltd', 'Rail Supplies', 'Energy Ltd', 'Dental Care', 'Print & Design', 'Estates', 'Software']);

const ITALIAN_GIVEN = {
  f: words(`
    Giulia, Francesca, Chiara, Sara, Martina, Alessia, Elena, Valentina, Federica, Silvia, Anna, Laura, Paola,
    Roberta, Beatrice, Giorgia, Aurora, Ilaria, Lucia, Maria Grazia
  `),
  m: words(`
    Marco, Luca, Andrea, Giuseppe, Francesco, Alessandro, Matteo, Lorenzo, Davide, Simone, Nicolò, Giovanni,
    Antonio, Stefano, Paolo, Riccardo, Fabio, Salvatore, Gianluca, Gian Marco
  `),
};
const ITALIAN_FAMILY = words(`
  Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, Gallo, Conti,
  De Luca, Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti, Barbieri, Fontana, Santoro, Mariani, Rinaldi,
  Caruso, Ferrara, Galli, Martini, Leone, Longo, Gentile, Martinelli, Vitale, Lombardo, Serra, Coppola,
  De Santis, D'Angelo, Marchetti, Parisi, Villa, Conte, Ferraro, Fabbri, Bianco, Marini, Grasso, Valentini,
  Messina, Sala, De Angelis, Gatti, Pellegrini, Palumbo, Sanna, Farina, Rizzi, Monti, Cattaneo, Morelli, Amato,
  Silvestri, Mazza, Testa, Grassi, Carbone, Giuliani, Benedetti, Barone, Caputo, Montanari, Guerra, Palmieri,
  Bernardi, Fiore, De Rosa, Ferretti, Bellini, Basile, Riva, Donati, Piras, Battaglia, Sartori, Neri, Milani,
  Pagano, Ruggiero, Sorrentino, D'Amico, Orlando, Negri, Cantù, Lucà, Niccolò
`);
const ITALIAN_NOTES = [
  'Preferisce essere richiamato nel pomeriggio.',
  'Cliente storico, molto cordiale.',
  'Chiede sempre la fattura per e-mail.',
  'Ha cambiato indirizzo: verificare.',
  'Paga con domiciliazione bancaria.',
  'Si è lamentato dei tempi di attesa.',
];
const italianCompany = (random: Random, family: string) =>
  random.chance(0.6)
    ? `${family} ${random.pick(['Costruzioni', 'Trasporti', 'Impianti', 'Ristorazione', 'Edilizia', 'Ceramiche', 'Elettronica'])} ` +
      random.pick(['S.r.l.', 'S.p.A.', 'S.n.c.', '& Figli S.r.l.'])
    : `${random.pick(['Officine', 'Cantina', 'Studio', 'Farmacia', 'Agenzia', 'Caseificio', 'Pasticceria'])} ` +
      `${random.pick(['San Marco', 'Del Po', 'Alpina', 'Mediterranea', 'Città Nuova', 'Dolomiti', 'Etna'])} S.r.l.`;

const GREEK_GIVEN = {
  f: words(`
    Μαρία, Ελένη, Αικατερίνη, Βασιλική, Σοφία, Αγγελική, Γεωργία, Δήμητρα, Κωνσταντίνα, Παρασκευή, Ευαγγελία,
    Χριστίνα, Ιωάννα, Αναστασία, Δέσποινα, Φωτεινή, Ειρήνη, Χαρίκλεια
  `),
  m: words(`
    Γιώργος, Δημήτρης, Κωνσταντίνος, Γιάννης, Νίκος, Παναγιώτης, Βασίλης, Χρήστος, Αθανάσιος, Μιχάλης,
    Ευάγγελος, Σπύρος, Αντώνης, Ιωάννης, Θοδωρής, Στέλιος, Άγγελος, Ηλίας
  `),
};
const GREEK_FAMILY = words(`
  Παπαδόπουλος, Παπαδάκης, Γεωργίου, Οικονόμου, Νικολάου, Παπανικολάου, Βασιλείου, Ιωάννου, Δημητρίου,
  Κωνσταντίνου, Αλεξίου, Καραγιάννης, Μακρής, Παππάς, Αντωνίου, Χριστοδούλου, Θεοδωρίδης, Γεωργιάδης,
  Κωνσταντινίδης, Αθανασίου, Πετρίδης, Λαμπρόπουλος, Αναγνωστόπουλος, Σταματόπουλος, Ζαχαρίου, Μιχαηλίδης,
  Κατσαρός, Σαββίδης, Μαυρίδης, Τσολάκης, Δημόπουλος, Φραγκιαδάκης, Μπακογιάννης, Καλογεράκης, Ραφαηλίδης,
  Βλάχος, Αλεξανδρόπουλος, Σπυρόπουλος, Χατζηδάκης, Ζερβός, Κυριακίδης, Πολυχρόνης, Μελετίου, Τζανετάκης,
  Ξενάκης, Ψαρράς
`);
const GREEK_NOTES = [
  'Προτιμά να την καλούμε το απόγευμα.',
  'Ζητά τους λογαριασμούς με e-mail.',
  'Άλλαξε διεύθυνση πέρυσι.',
  'Πληρώνει με πάγια εντολή.',
  'Έχει παραπονεθεί για την αναμονή.',
];
const greekCompany = (random: Random, family: string) =>
  random.chance(0.5)
    ? `${random.pick(['Ελληνική', 'Αθηναϊκή', 'Μακεδονική', 'Κρητική', 'Ιόνια', 'Αιγαιοπελαγίτικη'])} ` +
      `${random.pick(['Τεχνική', 'Εμπορική', 'Μεταφορική', 'Ενεργειακή', 'Τουριστική', 'Κατασκευαστική'])} ` +
      random.pick(['Α.Ε.', 'Ε.Π.Ε.', 'Ι.Κ.Ε.'])
    : `${family} ${random.pick(['Α.Ε.', 'Ο.Ε.', 'Ι.Κ.Ε.'])}`;

const RUSSIAN_GIVEN = {
  f: words(`
    Анна, Мария, Елена, Ольга, Наталья, Татьяна, Екатерина, Ирина, Светлана, Юлия, Анастасия, Дарья, Ксения,
    Алёна, Виктория, Людмила, Полина, Софья
  `),
  m: words(`
    Александр, Дмитрий, Максим, Сергей, Андрей, Алексей, Артём, Илья, Кирилл, Михаил, Никита, Иван, Евгений,
    Владимир, Павел, Николай, Фёдор, Юрий
  `),
};
const RUSSIAN_FAMILY = words(`
  Иванов, Смирнов, Кузнецов, Попов, Васильев, Петров, Соколов, Михайлов, Новиков, Фёдоров, Морозов, Волков,
  Алексеев, Лебедев, Семёнов, Егоров, Павлов, Козлов, Степанов, Николаев, Орлов, Андреев, Макаров, Никитин,
  Захаров, Зайцев, Соловьёв, Борисов, Яковлев, Григорьев, Романов, Воробьёв, Сергеев, Кузьмин, Фролов,
  Александров, Дмитриев, Королёв, Гусев, Киселёв, Ильин, Максимов, Поляков, Сорокин, Виноградов, Ковалёв,
  Белов, Медведев, Антонов, Тарасов, Жуков, Баранов, Филиппов, Комаров, Давыдов, Беляев, Герасимов, Богданов,
  Осипов, Сидоров, Соколовский, Вишневский, Шевченко, Бондаренко, Толстой, Трубецкой, Заболоцкий
`);
const RUSSIAN_NOTES = [
  'Просит звонить после обеда.',
  'Счета отправлять по электронной почте.',
  'В прошлом году сменил адрес.',
  'Оплачивает автоплатежом.',
  'Жаловался на долгое ожидание.',
];
const RUSSIAN_COMPANY_NAMES = words(
  'Северный ветер, Альфа-Строй, ТехноСервис, Волга-Логистик, СтройИнвест, Восток, Меридиан, Гарант, Энергия, ' +
    'Сибирь, Уральские заводы, Балтика-Трейд',
);
const russianCompany = (random: Random, family: string) =>
  random.chance(0.7) ? `${random.pick(['ООО', 'АО', 'ПАО'])} «${random.pick(RUSSIAN_COMPANY_NAMES)}»` : `ИП ${family}`;

const ROMANIAN_GIVEN = {
  f: words(`
    Ioana, Maria, Elena, Andreea, Mihaela, Ana, Cristina, Alexandra, Gabriela, Daniela, Ștefania, Bianca,
    Irina, Oana, Roxana, Cătălina, Mădălina, Loredana
  `),
  m: words(`
    Alexandru, Andrei, Mihai, Ștefan, Ion, Gheorghe, Constantin, Răzvan, Bogdan, Cătălin, Ionuț, Florin,
    Vasile, Adrian, Cosmin, Dragoș, Sorin, Tudor
  `),
};
const ROMANIAN_FAMILY = words(`
  Popescu, Ionescu, Popa, Dumitrescu, Stan, Stoica, Gheorghe, Matei, Ciobanu, Rusu, Munteanu, Stănescu,
  Rădulescu, Constantinescu, Țurcanu, Mureșan, Lupșa, Ștefănescu, Neagu, Bălan, Crăciun, Dobre, Moldovan,
  Nistor, Toma, Sârbu, Țăranu, Diaconu, Mocanu, Oprea, Lungu, Pîrvu, Căpraru, Ene, Niculescu, Vlăduț, Bîrsan,
  Surdu, Anghel, Iordache, Mihăilescu, Coman
`);
const ROMANIAN_NOTES = [
  'Preferă să fie sunat după-amiaza.',
  'Dorește facturile pe e-mail.',
  'S-a mutat anul trecut; verificați adresa.',
  'Plătește prin debit direct.',
  'S-a plâns de timpul de așteptare.',
];
const romanianCompany = (random: Random, family: string) =>
  random.chance(0.5)
    ? `${random.pick(['Construcții', 'Transporturi', 'Agricola', 'Tehnică', 'Distribuție', 'Panificație'])} ${family} ` +
      random.pick(['S.R.L.', 'S.A.'])
    : `${random.pick(['Carpați', 'Dunărea', 'Miorița', 'Bucegi', 'Țara Bârsei', 'Someș'])} ` +
      `${random.pick(['Impex', 'Trans', 'Construct', 'Serv', 'Grup'])} S.R.L.`;

const US_MOBILE_AREAS = words('646, 917, 415, 628, 312, 872, 617, 857, 305, 786, 713, 206');
const GB_OUTWARD = ['SW1A', 'EC1A', 'W1D', 'N1', 'E14', 'SE1', 'NW3', 'WC2H'];
const GB_LETTERS = [...'ABDEFGHJLNPQRSTUWXYZ'];
const gbPostcode = (outward: readonly string[]) => (random: Random) =>
  `${random.pick(outward)} ${random.int(10)}${random.pick(GB_LETTERS)}${random.pick(GB_LETTERS)}`;

export const LOCALES: readonly Locale[] = [
  {
    country: 'GB',
    language: 'en-GB',
    weight: 13,
    given: ENGLISH_GIVEN,
    family: ENGLISH_FAMILY,
    feminine: same,
    titles: { f: ['Mrs', 'Ms', 'Miss', 'Dr'], m: ['Mr', 'Dr'] },
    mobile: numbers(
      '+447',
      '400, 412, 425, 436, 501, 511, 538, 549, 701, 711, 723, 734, 747, 752, 766, 788, 801, 812, 825, 836, 849, 868, 877, 886, 901, 912, 920, 944, 958, 961, 970, 983',
      6,
    ),
    cities: [
      { landline: [['+44203', '+44207', '+44208'], 7], postcode: gbPostcode(GB_OUTWARD) },
      { landline: [['+44161'], 7], postcode: gbPostcode(['M1', 'M4', 'M20']) },
      { landline: [['+44121'], 7], postcode: gbPostcode(['B1', 'B15', 'B29']) },
      { landline: [['+44131'], 7], postcode: gbPostcode(['EH1', 'EH3', 'EH10']) },
      { landline: [['+44117'], 7], postcode: gbPostcode(['BS1', 'BS8']) },
    ],
    company: englishCompany,
    latin: asciiWord,
    mailDomains: ['mail.example', 'post.example', 'inbox.example'],
    notes: ENGLISH_NOTES,
  },
  {
    country: 'US',
    language: 'en-US',
    weight: 7,
    given: ENGLISH_GIVEN,
    family: ENGLISH_FAMILY,
    feminine: same,
    titles: { f: ['Mrs.', 'Ms.', 'Dr.'], m: ['Mr.', 'Dr.'] },
    mobile: (random) => `+1${random.pick(US_MOBILE_AREAS)}${usExchange(random)}`,
    cities: [
      { landline: [['+1212'], -1], postcode: withinRange(10001, 280, 5) },
      { landline: [['+1718'], -1], postcode: withinRange(11201, 40, 5) },
      { landline: [['+1415'], -1], postcode: withinRange(94102, 30, 5) },
      { landline: [['+1312'], -1], postcode: withinRange(60601, 60, 5) },
      { landline: [['+1617'], -1], postcode: withinRange(2108, 30, 5) },
      { landline: [['+1713'], -1], postcode: withinRange(77002, 90, 5) },
    ],
    company: englishCompany,
    latin: asciiWord,
    mailDomains: ['mail.example', 'webmail.example', 'inbox.example'],
    notes: ENGLISH_NOTES,
  },
  {
    country: 'IT',
    language: 'it',
    weight: 35,
    given: ITALIAN_GIVEN,
    family: ITALIAN_FAMILY,
    feminine: same,
    titles: { f: ['Sig.ra', 'Dott.ssa', 'Avv.', 'Ing.'], m: ['Sig.', 'Dott.', 'Avv.', 'Ing.'] },
    mobile: numbers(
      '+393',
      '20, 24, 27, 28, 29, 30, 31, 33, 34, 35, 36, 38, 39, 40, 42, 45, 46, 47, 48, 49, 66, 80, 88, 89, 91, 92, 93',
      7,
    ),
    cities: [
      { landline: [['+3906'], 8], postcode: withinRange(118, 82, 5) },
      { landline: [['+3902'], 8], postcode: withinRange(20121, 42, 5) },
      { landline: [['+39011'], 7], postcode: withinRange(10121, 36, 5) },
      { landline: [['+39055'], 7], postcode: withinRange(50121, 22, 5) },
      { landline: [['+39081'], 7], postcode: withinRange(80121, 27, 5) },
      { landline: [['+39051'], 7], postcode: withinRange(40121, 21, 5) },
      { landline: [['+39091'], 7], postcode: withinRange(90121, 30, 5) },
    ],
    company: italianCompany,
    latin: asciiWord,
    mailDomains: ['posta.example', 'libero-mail.example', 'mail.example'],
    notes: ITALIAN_NOTES,
  },
  {
    country: 'GR',
    language: 'el',
    weight: 15,
    given: GREEK_GIVEN,
    family: GREEK_FAMILY,
    feminine: greekFeminine,
    titles: { f: ['κα', 'Δρ'], m: ['κ.', 'Δρ'] },
    mobile: numbers('+3069', '0, 3, 4, 5, 7, 8, 9', 7),
    cities: [
      {
        landline: [['+30210'], 7],
        postcode: (random) => `${random.pick(['104', '105', '106', '112', '115', '117'])} ${random.digits(2)}`,
      },
      { landline: [['+302310'], 6], postcode: (random) => `${random.pick(['546', '551', '562'])} ${random.digits(2)}` },
      { landline: [['+302610'], 6], postcode: (random) => `262 ${random.digits(2)}` },
      { landline: [['+302810'], 6], postcode: (random) => `71${random.int(4)} ${random.digits(2)}` },
    ],
    company: greekCompany,
    latin: greekLatin,
    mailDomains: ['tachydromeio.example', 'mail.example'],
    notes: GREEK_NOTES,
  },
  {
    country: 'RU',
    language: 'ru',
    weight: 15,
    given: RUSSIAN_GIVEN,
    family: RUSSIAN_FAMILY,
    feminine: russianFeminine,
    titles: { f: ['г-жа'], m: ['г-н'] },
    mobile: numbers(
      '+79',
      '01, 03, 05, 06, 09, 10, 12, 15, 16, 17, 19, 20, 21, 25, 26, 27, 29, 31, 36, 50, 51, 52, 53, 58, 60, 61, 62, 63, 64, 65, 67, 68, 77, 78, 81, 82, 85, 88, 91, 95, 96, 97, 99',
      7,
    ),
    cities: [
      { landline: [['+7495'], 7], postcode: withinRange(101000, 28999, 6) },
      { landline: [['+7499'], 7], postcode: withinRange(101000, 28999, 6) },
      { landline: [['+7812'], 7], postcode: withinRange(190000, 9999, 6) },
      { landline: [['+7343'], 7], postcode: withinRange(620000, 999, 6) },
      { landline: [['+7383'], 7], postcode: withinRange(630000, 999, 6) },
    ],
    company: russianCompany,
    latin: cyrillicLatin,
    mailDomains: ['pochta.example', 'mail.example'],
    notes: RUSSIAN_NOTES,
  },
  {
    country: 'RO',
    language: 'ro',
    weight: 15,
    given: ROMANIAN_GIVEN,
    family: ROMANIAN_FAMILY,
    feminine: same,
    titles: { f: ['Dna.', 'Dr.'], m: ['Dl.', 'Dr.'] },
    mobile: numbers(
      '+407',
      '20, 22, 23, 24, 26, 27, 28, 29, 30, 31, 33, 34, 40, 42, 44, 45, 46, 47, 48, 49, 51, 52, 55, 56, 60, 62, 65, 66, 68, 69, 70, 72, 73, 74, 75, 76, 77, 78, 79, 80, 83, 84, 85, 86, 88',
      6,
    ),
    cities: [
      { landline: [['+4021'], 7], postcode: withinRange(10011, 52000, 6) },
      { landline: [['+40264'], 6], postcode: withinRange(400001, 700, 6) },
      { landline: [['+40232'], 6], postcode: withinRange(700001, 700, 6) },
      { landline: [['+40256'], 6], postcode: withinRange(300001, 700, 6) },
      { landline: [['+40241'], 6], postcode: withinRange(900001, 700, 6) },
    ],
    company: romanianCompany,
    latin: asciiWord,
    mailDomains: ['posta-ro.example', 'mail.example'],
    notes: ROMANIAN_NOTES,
  },
];

/** An American exchange and line: NXX (not N11, not 555) and four digits. */
function usExchange(random: Random): string {
  for (;;) {
    const exchange = 200 + random.int(800);
    if (exchange % 100 !== 11 && exchange !== 555) return `${exchange}${random.digits(4)}`;
  }
}

/** A landline of the city: its prefix and a subscriber number starting with 2, 3 or 4 (valid in every city here). */
function landline(random: Random, city: City): string {
  const [prefixes, digits] = city.landline;
  const prefix = random.pick(prefixes);
  if (digits < 0) return `${prefix}${usExchange(random)}`;
  return `${prefix}${2 + random.int(3)}${random.digits(digits - 1)}`;
}

const CASES: readonly { category: string; subjects: readonly string[] }[] = [
  {
    category: 'billing',
    subjects: ['Invoice higher than expected', 'Refund request', 'Payment not registered', 'Change of payment method'],
  },
  {
    category: 'technical',
    subjects: ['No service since yesterday', 'Meter reading wrong', 'Device not working', 'Slow connection'],
  },
  {
    category: 'contract',
    subjects: ['Change of tariff', 'Cancellation request', 'Contract renewal', 'Transfer to new address'],
  },
  {
    category: 'complaint',
    subjects: ['Complaint about waiting times', 'Engineer did not come', 'Unsolicited sales call'],
  },
];
const OPEN_STATUSES = ['new', 'in progress', 'waiting for customer', 'escalated'];
const CLOSED_STATUSES = ['resolved', 'closed'];
const OUTCOMES = ['resolved', 'callback', 'escalated', 'information given', 'no answer', 'voicemail'];
const SUMMARIES = [
  'Explained the last invoice.',
  'Customer asked about the new tariff.',
  'Booked an engineer visit.',
  'Updated the payment details.',
  'Sent a copy of the contract.',
  'Customer will call back with the meter reading.',
  'Reported a fault; ticket opened.',
];
/** Mostly calls: the contact centre's own record. */
const CHANNELS = words(
  'call, call, call, call, call, call, call, email, email, chat, sms, letter',
) as readonly InteractionRecord['channel'][];
const FLAGS: readonly [flag: string, share: number][] = [
  ['vip', 0.04],
  ['complaint', 0.03],
  ['late-payer', 0.03],
  ['prefers-email', 0.05],
  ['hearing-impaired', 0.01],
  ['do-not-call', 0.005],
];

/**
 * The service lines of the demo contact centre: the numbers and queues customers call, in each
 * of the generator's countries.
 */
export const SERVICE_LINES: readonly ServiceLine[] = [
  {
    called: '+390699001000',
    serviceName: 'Energia Casa — Assistenza clienti',
    scriptSet: 'energy-home',
    language: 'it',
  },
  { called: '+390699001001', serviceName: 'Energia Business', scriptSet: 'energy-business', language: 'it' },
  { called: '+39800123456', serviceName: 'Numero Verde Guasti', scriptSet: 'faults', language: 'it' },
  {
    called: '+442030001000',
    serviceName: 'Home Energy UK — Customer Care',
    scriptSet: 'energy-home',
    language: 'en-GB',
  },
  {
    called: '+12129000100',
    serviceName: 'Home Energy US — Customer Care',
    scriptSet: 'energy-home',
    language: 'en-US',
  },
  { called: '+302109001000', serviceName: 'Εξυπηρέτηση Πελατών', scriptSet: 'energy-home', language: 'el' },
  { called: '+74959001000', serviceName: 'Служба поддержки клиентов', scriptSet: 'energy-home', language: 'ru' },
  { called: '+40219001000', serviceName: 'Asistență clienți', scriptSet: 'energy-home', language: 'ro' },
  { called: 'queue-billing', serviceName: 'Billing', scriptSet: 'billing', language: 'en' },
  { called: 'queue-vip', serviceName: 'VIP desk', scriptSet: 'vip', language: 'en' },
];

interface Company {
  name: string;
  switchboard: string;
  domain: string;
  city: City;
}

interface Household {
  family: string;
  home: string;
  postcode: string;
  city: City;
}

/**
 * Makes customers one after another; the n-th customer depends only on the seed and the ones
 * before it. Companies and households are shared by later customers of the same country.
 */
export class CustomerGenerator {
  private readonly random: Random;
  private readonly now: number;
  private readonly weights: number[];
  private readonly companies = new Map<Locale, Company[]>();
  private readonly households = new Map<Locale, Household>();
  private index = 0;

  constructor(options: GeneratorOptions) {
    this.random = new Random(options.seed);
    this.now = options.now ?? DEFAULT_GENERATOR_NOW;
    let total = 0;
    this.weights = LOCALES.map((locale) => (total += locale.weight));
  }

  next(): GeneratedCustomer {
    const r = this.random;
    const index = this.index++;
    const roll = r.float() * (this.weights[this.weights.length - 1] ?? 1);
    const locale = LOCALES[this.weights.findIndex((limit) => roll < limit)] ?? (LOCALES[0] as Locale);
    const gender: Gender = r.chance(0.5) ? 'f' : 'm';
    const externalId = `CUST-${pad(index + 1, 7)}`;
    const phones: NormalisedCustomer['phones'] = [];
    const emails: string[] = [];

    let company: Company | undefined;
    let household: Household | undefined;
    let familyBase: string;
    let city: City;
    let postcode: string;
    if (r.chance(0.22)) {
      company = this.company(locale);
      familyBase = r.pick(locale.family);
      city = company.city;
      postcode = city.postcode(r);
    } else {
      const last = this.households.get(locale);
      if (last && r.chance(0.08)) {
        household = last;
      } else if (r.chance(0.45)) {
        const homeCity = r.pick(locale.cities);
        household = {
          family: r.pick(locale.family),
          home: landline(r, homeCity),
          postcode: homeCity.postcode(r),
          city: homeCity,
        };
        this.households.set(locale, household);
      }
      familyBase = household?.family ?? r.pick(locale.family);
      city = household?.city ?? r.pick(locale.cities);
      postcode = household?.postcode ?? city.postcode(r);
    }

    const givenName = r.pick(locale.given[gender]);
    const familyName = gender === 'f' ? locale.feminine(familyBase) : familyBase;
    const title = r.chance(0.25) ? r.pick(locale.titles[gender]) : undefined;
    const local = `${locale.latin(givenName)}.${locale.latin(familyName)}`;

    if (r.chance(0.9)) phones.push({ e164: locale.mobile(r), label: 'mobile' });
    if (household) phones.push({ e164: household.home, label: 'home' });
    else if (!company && phones.length === 0 && r.chance(0.7)) phones.push({ e164: landline(r, city), label: 'home' });
    if (company) {
      if (r.chance(0.7)) phones.push({ e164: company.switchboard, label: 'switchboard' });
      if (r.chance(0.4)) phones.push({ e164: landline(r, company.city), label: 'office' });
      if (r.chance(0.9)) emails.push(`${local}@${company.domain}`);
    }
    if (!company || r.chance(0.2)) {
      if (r.chance(company ? 1 : 0.65)) {
        emails.push(`${local}${r.chance(0.4) ? r.int(100) : ''}@${r.pick(locale.mailDomains)}`);
      }
    }

    const flags = FLAGS.filter(([, share]) => r.chance(share)).map(([flag]) => flag);
    const age = 18 + r.int(72);
    const birth = new Date(this.now - age * YEAR - r.int(365) * DAY).toISOString().slice(0, 10);
    const updatedAt = this.now - r.int(365) * DAY - r.int(DAY);
    const customer: NormalisedCustomer = {
      externalId,
      title,
      givenName,
      familyName,
      company: company?.name,
      language: locale.language,
      accountNumber: `AC${pad((index * 7919 + 1_000_003) % 100_000_000, 8)}`,
      emails,
      flags,
      notes: r.chance(0.1) ? r.pick(locale.notes) : undefined,
      identification: {
        dateOfBirth: birth,
        postcode,
        customerCode: `${locale.country}-${r.digits(4)}-${String.fromCharCode(65 + r.int(26))}`,
      },
      phones,
      updatedAt,
    };

    const cases: CaseRecord[] = [];
    if (r.chance(0.3)) {
      const count = 1 + r.int(3);
      for (let n = 1; n <= count; n++) {
        const kind = r.pick(CASES);
        const open = r.chance(0.35);
        const openedAt = this.now - r.int(400) * DAY - r.int(DAY);
        cases.push({
          externalId: `${externalId}-K${n}`,
          subject: r.pick(kind.subjects),
          category: kind.category,
          status: r.pick(open ? OPEN_STATUSES : CLOSED_STATUSES),
          open,
          openedAt,
          updatedAt: Math.min(this.now, openedAt + r.int(30) * DAY),
        });
      }
    }
    const interactions: GeneratedCustomer['interactions'] = [];
    if (r.chance(0.6)) {
      const count = 1 + r.int(5);
      for (let n = 1; n <= count; n++) {
        const channel = r.pick(CHANNELS);
        const startedAt = this.now - r.int(730) * DAY - r.int(DAY);
        interactions.push({
          externalId: `${externalId}-I${n}`,
          caseIndex: cases.length > 0 && r.chance(0.5) ? r.int(cases.length) : undefined,
          channel,
          direction: r.chance(0.7) ? 'in' : 'out',
          startedAt,
          endedAt: channel === 'call' || channel === 'chat' ? startedAt + 30_000 + r.int(20 * 60_000) : undefined,
          outcome: r.pick(OUTCOMES),
          summary: r.pick(SUMMARIES),
        });
      }
    }
    return { customer, cases, interactions };
  }

  /** A company of the country: mostly one met before (its staff share the switchboard), sometimes a new one. */
  private company(locale: Locale): Company {
    const r = this.random;
    const known = this.companies.get(locale) ?? [];
    this.companies.set(locale, known);
    if (known.length > 0 && r.chance(0.7)) return r.pick(known);
    const city = r.pick(locale.cities);
    const name = locale.company(r, r.pick(locale.family));
    const slug = locale.latin(name).slice(0, 20) || 'company';
    const company = { name, switchboard: landline(r, city), domain: `${slug}${known.length}.example`, city };
    known.push(company);
    return company;
  }
}

/** `count` customers from the seed. */
export function* generateCustomers(count: number, options: GeneratorOptions): Generator<GeneratedCustomer> {
  const generator = new CustomerGenerator(options);
  for (let i = 0; i < count; i++) yield generator.next();
}
