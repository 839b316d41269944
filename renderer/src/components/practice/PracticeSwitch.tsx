import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { SettingsView } from '../../../../src/contract/index.js';
import { useSoftphone } from '../../state/store.js';

/**
 * Into or out of practice mode. Not a field of the settings form: the switch is kept in the real
 * settings while the form edits the folder the desk runs on, and flipping it restarts the desk.
 */
export function PracticeSwitch({ view }: { view: SettingsView }) {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const practice = useSoftphone((s) => s.practice);
  const [problem, setProblem] = useState<string>();
  const on = practice?.enabled === true;
  // Switching from this mode until the restarted desk says it is in the other one.
  const [switchingFrom, setSwitchingFrom] = useState<boolean>();
  const switching = switchingFrom === on;
  const locked = view.locked.includes('practice.enabled');
  const flip = async () => {
    setProblem(undefined);
    setSwitchingFrom(on);
    const result = await send({ type: 'practice.set', enabled: !on });
    if (!result.ok) {
      setSwitchingFrom(undefined);
      setProblem(t(`practice.switchError.${result.error.message}`, { defaultValue: result.error.message }));
    }
  };
  return (
    <section className="practice-switch" aria-labelledby="practice-switch-title">
      <h3 id="practice-switch-title">{t('practice.switch.title')}</h3>
      <p className="field__help">{t(on ? 'practice.switch.onHelp' : 'practice.switch.offHelp')}</p>
      {locked ? (
        <p className="field__help">🔒 {t('settings.locked')}</p>
      ) : (
        <Button className="button" isDisabled={switching} onPress={() => void flip()}>
          {switching ? t('practice.switch.switching') : t(on ? 'practice.switch.leave' : 'practice.switch.enter')}
        </Button>
      )}
      {problem && (
        <p role="alert" className="field__error">
          {problem}
        </p>
      )}
    </section>
  );
}
