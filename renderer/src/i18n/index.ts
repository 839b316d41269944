import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import it from './locales/it.json';

export const resources = { en: { translation: en }, it: { translation: it } } as const;

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
