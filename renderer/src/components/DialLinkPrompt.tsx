import { useEffect, useRef } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useSoftphone } from '../state/store.js';

/**
 * A click-to-dial link from another program (a CRM page, the browser, a mail): the desk says what
 * it would call and waits for the agent's yes, so that no page can make the desk call by itself.
 * Enter calls (the focus is on Call), Escape does not. A link that holds nothing callable is named.
 */
export function DialLinkPrompt() {
  const { t } = useTranslation();
  const prompt = useSoftphone((s) => s.dialLink);
  const send = useSoftphone((s) => s.send);
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (prompt) first.current?.focus();
  }, [prompt]);
  if (!prompt) return null;
  const answer = (call: boolean) => void send({ type: 'link.answer', call });
  return (
    <section
      role="alertdialog"
      aria-labelledby="dial-link-title"
      aria-describedby="dial-link-body"
      className="desk-notice dial-link"
      onKeyDown={(event) => {
        if (event.key === 'Escape') answer(false);
      }}
    >
      <h2 id="dial-link-title" className="desk-notice__title">
        {t('dialLink.title')}
      </h2>
      {prompt.kind === 'confirm' ? (
        <>
          <p id="dial-link-body">{t('dialLink.confirm', { number: prompt.number })}</p>
          <div className="call__actions">
            <Button ref={first} className="button button--answer" onPress={() => answer(true)}>
              {t('dialLink.call')}
            </Button>
            <Button className="button" onPress={() => answer(false)}>
              {t('dialLink.cancel')}
            </Button>
          </div>
        </>
      ) : (
        <>
          <p id="dial-link-body">{t('dialLink.unusable', { link: prompt.link })}</p>
          <Button ref={first} className="button" onPress={() => answer(false)}>
            {t('dialLink.dismiss')}
          </Button>
        </>
      )}
    </section>
  );
}
