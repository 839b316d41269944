import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import el from './locales/el.json';
import en from './locales/en.json';
import it from './locales/it.json';
import ro from './locales/ro.json';
import ru from './locales/ru.json';

/**
 * Each interface language is offered under its own name, whatever language the interface is in.
 * English and Italian carry theirs in the locale files; these are the names of the languages added
 * since, given to every locale here. A name a locale file has itself wins.
 */
const ownNames = { el: 'Ελληνικά', ru: 'Русский', ro: 'Română' } as const;
const named = <T extends { language: object }>(locale: T) => ({
  ...locale,
  language: { ...ownNames, ...locale.language },
});

export const resources = {
  en: { translation: named(en) },
  it: { translation: named(it) },
  el: { translation: named(el) },
  ru: { translation: named(ru) },
  ro: { translation: named(ro) },
} as const;

/** Every user-visible string goes through here; the language follows the agent's setting. */
export function initI18n(language = 'en'): typeof i18next {
  void i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
}
