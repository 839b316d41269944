import { useId, useState } from 'react';
import { Button, Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { AgentState, ChosenState } from '../../../../src/contract/index.js';
import { useNow } from '../../hooks/useNow.js';
import { useSoftphone } from '../../state/store.js';
import { agentStateText, elapsed } from './workText.js';

interface Choice {
  id: string;
  state: ChosenState;
  reason?: string;
  label: string;
}

const NO_REASONS: string[] = [];

/** The key of a chosen state in the menu: "break", "not-ready:training". */
function keyOf(state: string, reason?: string): string {
  return state === 'not-ready' ? `not-ready:${reason ?? ''}` : state;
}

/**
 * The agent's state in the status bar, with the time in it, and the menu to choose another: Available,
 * Break, Not ready with each configured reason, Offline. Chosen during a call, the new state waits
 * for the end of the call's work: "then: Break" says so.
 */
export function AgentStateControl() {
  const { t, i18n } = useTranslation();
  const agent = useSoftphone((s) => s.agent);
  const reasons = useSoftphone((s) => s.settings?.values.work?.notReadyReasons ?? NO_REASONS);
  const send = useSoftphone((s) => s.send);
  const now = useNow(agent !== undefined);
  const [error, setError] = useState<string>();
  const describedBy = useId();
  if (!agent) return null;

  const choices: Choice[] = [
    { id: 'available', state: 'available', label: t('agent.state.available') },
    { id: 'break', state: 'break', label: t('agent.state.break') },
    ...reasons.map((reason) => ({
      id: keyOf('not-ready', reason),
      state: 'not-ready' as const,
      reason,
      label: agentStateText('not-ready', reason, t, i18n),
    })),
    { id: 'offline', state: 'offline', label: t('agent.state.offline') },
  ];
  const text = agentStateText(agent.state, agent.reason, t, i18n);
  const next = agent.next ? agentStateText(agent.next.state, agent.next.reason, t, i18n) : undefined;
  const chosen = agent.next ? keyOf(agent.next.state, agent.next.reason) : keyOf(agent.state, agent.reason);

  const choose = async (choice: Choice) => {
    setError(undefined);
    const result = await send({
      type: 'agent.state',
      state: choice.state,
      ...(choice.reason !== undefined ? { reason: choice.reason } : {}),
    });
    if (!result.ok)
      setError(
        t(`agent.error.${result.error.message}`, {
          defaultValue: t('agent.error.failed', { message: result.error.message }),
        }),
      );
  };

  return (
    <div className={`agent agent--${agent.state}`} data-state={agent.state}>
      <MenuTrigger>
        <Button className="agent__button" aria-label={t('agent.label')} aria-describedby={describedBy}>
          <span className="agent__caption">{t('agent.label')}</span>
          <span className="agent__dot" aria-hidden="true" />
          <span id={describedBy} className="agent__now">
            <strong className="agent__state">{text}</strong>{' '}
            <span className="agent__time">{elapsed(now - agent.since)}</span>
            {next && <span className="agent__next"> · {t('agent.then', { state: next })}</span>}
          </span>
          <span aria-hidden="true" className="agent__chevron">
            ▾
          </span>
        </Button>
        <Popover className="select__popover agent__popover" placement="bottom start">
          <Menu
            className="agent__menu"
            aria-label={t('agent.choose')}
            items={choices}
            selectionMode="single"
            selectedKeys={[chosen]}
            onAction={(key) => {
              const choice = choices.find((candidate) => candidate.id === key);
              if (choice) void choose(choice);
            }}
          >
            {(choice) => (
              <MenuItem className="select__option agent__option" id={choice.id} textValue={choice.label}>
                {choice.label}
              </MenuItem>
            )}
          </Menu>
        </Popover>
      </MenuTrigger>
      {error && (
        <span role="alert" className="field__error agent__error">
          {error}
        </span>
      )}
    </div>
  );
}

/** A screen break is due: a notice under the status bar until the agent takes it or puts it off. */
export function BreakNotice() {
  const { t } = useTranslation();
  const agent = useSoftphone((s) => s.agent);
  const send = useSoftphone((s) => s.send);
  const due = agent?.breakDue === true;
  // "Later" hides it until the reminder comes again (breakDue goes off and on, a new stretch of work).
  const stretch = due ? `due:${agent?.workingSince ?? ''}` : '';
  const [later, setLater] = useState(false);
  const [seen, setSeen] = useState(stretch);
  // How long the agent has worked, fixed when the notice appears (the alert is not re-read every minute).
  const [minutes, setMinutes] = useState(() => workedMinutes(agent));
  if (stretch !== seen) {
    setSeen(stretch);
    setLater(false);
    if (due) setMinutes(workedMinutes(agent));
  }
  if (!due || later) return null;
  return (
    <div role="alert" className="notice notice--break">
      <span>{t('agent.breakDue', { count: minutes })}</span>
      <span className="notice__actions">
        <Button
          className="button button--small button--primary"
          onPress={() => void send({ type: 'agent.state', state: 'break' })}
        >
          {t('agent.takeBreak')}
        </Button>
        <Button className="button button--small" onPress={() => setLater(true)}>
          {t('agent.later')}
        </Button>
      </span>
    </div>
  );
}

function workedMinutes(agent: AgentState | undefined): number {
  if (agent?.workingSince === undefined) return 0;
  return Math.max(0, Math.floor((Date.now() - agent.workingSince) / 60_000));
}
