import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * The wrap-up outcomes a desk offers when the CRM sends none, in the interface's language. The
 * codes are what the CRM receives; the CRM's own dispositions (synced) replace these.
 */
const LABELS: Record<string, Record<string, string>> = {
  resolved: { en: 'Resolved', it: 'Risolto', el: 'Επιλύθηκε', ru: 'Решено', ro: 'Rezolvat' },
  information: {
    en: 'Information given',
    it: 'Informazioni fornite',
    el: 'Δόθηκαν πληροφορίες',
    ru: 'Предоставлена информация',
    ro: 'Informații oferite',
  },
  'complaint-logged': {
    en: 'Complaint logged',
    it: 'Reclamo registrato',
    el: 'Καταχωρίστηκε παράπονο',
    ru: 'Жалоба зарегистрирована',
    ro: 'Reclamație înregistrată',
  },
  escalated: { en: 'Escalated', it: 'Inoltrato', el: 'Κλιμακώθηκε', ru: 'Передано выше', ro: 'Escaladat' },
  'callback-arranged': {
    en: 'Callback arranged',
    it: 'Richiamata fissata',
    el: 'Ορίστηκε επανάκληση',
    ru: 'Назначен обратный звонок',
    ro: 'Reapel programat',
  },
  'not-resolved': { en: 'Not resolved', it: 'Non risolto', el: 'Δεν επιλύθηκε', ru: 'Не решено', ro: 'Nerezolvat' },
  'wrong-number': {
    en: 'Wrong number',
    it: 'Numero errato',
    el: 'Λάθος αριθμός',
    ru: 'Ошибочный номер',
    ro: 'Număr greșit',
  },
  nuisance: {
    en: 'Nuisance call',
    it: 'Chiamata molesta',
    el: 'Ενοχλητική κλήση',
    ru: 'Хулиганский звонок',
    ro: 'Apel abuziv',
  },
};

export function defaultDispositions(language: string): { code: string; label: string }[] {
  return Object.entries(LABELS).map(([code, labels]) => ({ code, label: labels[language] ?? labels.en! }));
}

/** Countries with one time zone (or one that nearly everyone uses), for a callback's local time. */
const ZONES: Record<string, string> = {
  IT: 'Europe/Rome',
  GR: 'Europe/Athens',
  RO: 'Europe/Bucharest',
  MD: 'Europe/Chisinau',
  CY: 'Asia/Nicosia',
  GB: 'Europe/London',
  IE: 'Europe/Dublin',
  FR: 'Europe/Paris',
  DE: 'Europe/Berlin',
  ES: 'Europe/Madrid',
  AT: 'Europe/Vienna',
  CH: 'Europe/Zurich',
  BE: 'Europe/Brussels',
  NL: 'Europe/Amsterdam',
  PL: 'Europe/Warsaw',
  BG: 'Europe/Sofia',
  UA: 'Europe/Kyiv',
  BY: 'Europe/Minsk',
  SM: 'Europe/San_Marino',
  VA: 'Europe/Vatican',
  MT: 'Europe/Malta',
};

/** The customer's time zone from their number, when the country has one; undefined otherwise (e.g. Russia). */
export function timeZoneForNumber(number: string, region: string): string | undefined {
  const parsed = parsePhoneNumberFromString(number, region as never);
  const country = parsed?.country;
  return country ? ZONES[country] : undefined;
}
