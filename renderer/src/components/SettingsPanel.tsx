import { FirstSyncProgress } from './sync/FirstSyncProgress.js';
import { zodResolver } from '@hookform/resolvers/zod';
import { getCountries } from 'libphonenumber-js';
import { useEffect, useId, useMemo, useState } from 'react';
import {
  Button,
  FieldError,
  Form,
  Group,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  NumberField,
  Popover,
  Select,
  SelectValue,
  Text,
  TextField,
} from 'react-aria-components';
import {
  Controller,
  useForm,
  type Control,
  type FieldError as FormFieldError,
  type FieldPath,
  type RefCallBack,
} from 'react-hook-form';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import {
  Settings,
  UI_LANGUAGES,
  type SettingKey,
  type SettingsPatch,
  type SettingsView,
} from '../../../src/contract/index.js';
import { useSoftphone } from '../state/store.js';
import { CheckboxField } from './FormFields.js';
import { languageName } from './guidance/guidanceState.js';
import { syncTone } from './sync/SyncIndicator.js';

/** The form validates with the same schema the core checks with, plus the secrets' fields. */
const FormSchema = Settings.extend({
  sipPassword: z.string().max(256, 'invalid.tooLong'),
  crmToken: z.string().max(4096, 'invalid.tooLong'),
});
type FormValues = z.infer<typeof FormSchema>;

const HOTKEYS = ['desktop.hotkeyAnswer', 'desktop.hotkeyHangup', 'desktop.hotkeyHold', 'desktop.hotkeyMute'] as const;

const HELP: Partial<Record<SettingKey, string>> = {
  'updates.url': 'settings.field.updates.urlHelp',
  'desktop.hotkeyAnswer': 'settings.desktop.hotkeyHelp',
  'desktop.hotkeyHangup': 'settings.desktop.hotkeyHelp',
  'desktop.hotkeyHold': 'settings.desktop.hotkeyHelp',
  'desktop.hotkeyMute': 'settings.desktop.hotkeyHelp',
  'sip.wsUrl': 'settings.field.sip.wsUrlHelp',
  'sip.wsUrlSecondary': 'settings.field.sip.wsUrlSecondaryHelp',
  'sip.authUser': 'settings.field.sip.authUserHelp',
  'crm.url': 'settings.field.crm.urlHelp',
  'crm.pullIntervalSeconds': 'settings.field.crm.pullIntervalSecondsHelp',
  'guidance.holdReminderSeconds': 'settings.field.guidance.holdReminderSecondsHelp',
  'guidance.scriptsFolder': 'settings.field.guidance.scriptsFolderHelp',
  'work.callbackReminderMinutes': 'settings.field.work.callbackReminderMinutesHelp',
};

/** The secrets are fields of the form, not settings: their labels by name. */
const SECRET_LABELS: Partial<Record<FieldPath<FormValues>, string>> = {
  sipPassword: 'settings.field.sip.password',
  crmToken: 'settings.field.crm.token',
};

function TextSetting({
  name,
  control,
  locked,
  type = 'text',
  problem,
}: {
  name: FieldPath<FormValues>;
  control: Control<FormValues>;
  locked: boolean;
  type?: string;
  /** What the host found wrong with the saved value (a hotkey another program holds). */
  problem?: string;
}) {
  const { t } = useTranslation();
  const help = HELP[name as SettingKey];
  return (
    <Controller
      name={name}
      control={control}
      render={({ field, fieldState }) => (
        <TextField
          className="field"
          name={field.name}
          value={String(field.value ?? '')}
          onChange={field.onChange}
          onBlur={field.onBlur}
          isDisabled={locked}
          isInvalid={Boolean(fieldState.error)}
          validationBehavior="aria"
          type={type}
        >
          <Label>{t(SECRET_LABELS[name] ?? `settings.field.${name}`)}</Label>
          <Input ref={field.ref} autoComplete={type === 'password' ? 'new-password' : 'off'} spellCheck={false} />
          {problem ? (
            <Text slot="description" className="field__error">
              {problem}
            </Text>
          ) : (
            (locked || help) && (
              <Text slot="description" className="field__help">
                {locked ? `🔒 ${t('settings.locked')}` : t(help!)}
              </Text>
            )
          )}
          <FieldError className="field__error">
            {fieldState.error?.message ? t(fieldState.error.message) : ''}
          </FieldError>
        </TextField>
      )}
    />
  );
}

/** A whole number, with steps; an empty field is not a number and the schema says so. */
function NumberSetting({
  name,
  control,
  locked,
  minValue,
  maxValue,
}: {
  name: FieldPath<FormValues>;
  control: Control<FormValues>;
  locked: boolean;
  minValue: number;
  maxValue: number;
}) {
  const { t } = useTranslation();
  const help = HELP[name as SettingKey];
  return (
    <Controller
      name={name}
      control={control}
      render={({ field, fieldState }) => (
        <NumberField
          className="field"
          name={field.name}
          value={typeof field.value === 'number' ? field.value : Number.NaN}
          onChange={field.onChange}
          onBlur={field.onBlur}
          isDisabled={locked}
          isInvalid={Boolean(fieldState.error)}
          validationBehavior="aria"
          minValue={minValue}
          maxValue={maxValue}
          step={1}
          formatOptions={{ maximumFractionDigits: 0, useGrouping: false }}
        >
          <Label>{t(`settings.field.${name}`)}</Label>
          <Group className="number-field">
            <Button slot="decrement" className="number-field__step">
              −
            </Button>
            <Input ref={field.ref} autoComplete="off" />
            <Button slot="increment" className="number-field__step">
              +
            </Button>
          </Group>
          {(locked || help) && (
            <Text slot="description" className="field__help">
              {locked ? `🔒 ${t('settings.locked')}` : t(help!, { min: minValue, max: maxValue })}
            </Text>
          )}
          <FieldError className="field__error">
            {fieldState.error?.message ? t(fieldState.error.message, { min: minValue, max: maxValue }) : ''}
          </FieldError>
        </NumberField>
      )}
    />
  );
}

/** A yes/no setting as a checkbox. */
function CheckboxSetting({
  name,
  control,
  locked,
}: {
  name: FieldPath<FormValues>;
  control: Control<FormValues>;
  locked: boolean;
}) {
  const { t } = useTranslation();
  return (
    <CheckboxField
      name={name}
      control={control}
      label={t(`settings.field.${name}`)}
      disabled={locked}
      help={locked ? <>🔒 {t('settings.locked')}</> : undefined}
    />
  );
}

function ChoiceSetting({
  name,
  control,
  locked,
  options,
}: {
  name: FieldPath<FormValues>;
  control: Control<FormValues>;
  locked: boolean;
  /** `value` when the setting is not a string (a number, a yes/no); `id` otherwise. */
  options: Array<{ id: string; label: string; value?: unknown }>;
}) {
  const { t } = useTranslation();
  return (
    <Controller
      name={name}
      control={control}
      render={({ field }) => (
        <Select
          className="field"
          selectedKey={options.find((option) => (option.value ?? option.id) === field.value)?.id ?? String(field.value)}
          onSelectionChange={(key) => {
            const option = options.find((candidate) => candidate.id === key);
            field.onChange(option?.value ?? String(key));
          }}
          isDisabled={locked}
        >
          <Label>{t(`settings.field.${name}`)}</Label>
          <Button className="select__button" ref={field.ref}>
            <SelectValue />
            <span aria-hidden="true">▾</span>
          </Button>
          {locked && (
            <Text slot="description" className="field__help">
              🔒 {t('settings.locked')}
            </Text>
          )}
          <Popover className="select__popover">
            <ListBox items={options}>
              {(item) => (
                <ListBoxItem className="select__option" id={item.id}>
                  {item.label}
                </ListBoxItem>
              )}
            </ListBox>
          </Popover>
        </Select>
      )}
    />
  );
}

/** Comma-separated words typed by the agent → the list the setting holds (trimmed, no empty ones). */
function reasonList(text: string): string[] {
  return text
    .split(',')
    .map((reason) => reason.trim())
    .filter((reason) => reason.length > 0);
}

/** Messages of the list's schema, said for this field (the shared `invalid.required` speaks of the line). */
const REASON_ERRORS: Record<string, string> = {
  'invalid.required': 'settings.field.work.notReadyReasonsRequired',
  'invalid.tooLong': 'settings.field.work.notReadyReasonsTooLong',
  'invalid.range': 'settings.field.work.notReadyReasonsTooMany',
};

/** The Not-ready reasons: typed as one line, comma-separated; kept as a list. */
function ReasonsSetting({ control, locked }: { control: Control<FormValues>; locked: boolean }) {
  const { t } = useTranslation();
  return (
    <Controller
      name="work.notReadyReasons"
      control={control}
      render={({ field, fieldState }) => (
        <ReasonsInput
          name={field.name}
          value={field.value}
          onChange={field.onChange}
          onBlur={field.onBlur}
          inputRef={field.ref}
          error={fieldState.error}
          locked={locked}
          t={t}
        />
      )}
    />
  );
}

function ReasonsInput({
  name,
  value,
  onChange,
  onBlur,
  inputRef,
  error,
  locked,
  t,
}: {
  name: string;
  value: string[];
  onChange: (value: string[]) => void;
  onBlur: () => void;
  inputRef: RefCallBack;
  error: FormFieldError | undefined;
  locked: boolean;
  t: TFunction;
}) {
  const [text, setText] = useState(() => value.join(', '));
  // A new value from outside (saved, reset): show it, unless it is what the text already says.
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    setSeen(value);
    if (reasonList(text).join('\n') !== value.join('\n')) setText(value.join(', '));
  }
  // An error on the list, or on one of its reasons.
  const itemError = Array.isArray(error)
    ? (error as unknown as Array<FormFieldError | undefined>).find(Boolean)
    : undefined;
  const message = error?.message ?? error?.root?.message ?? itemError?.message;
  return (
    <TextField
      className="field"
      name={name}
      value={text}
      onChange={(typed) => {
        setText(typed);
        onChange(reasonList(typed));
      }}
      onBlur={onBlur}
      isDisabled={locked}
      isInvalid={Boolean(message)}
      validationBehavior="aria"
    >
      <Label>{t('settings.field.work.notReadyReasons')}</Label>
      <Input ref={inputRef} autoComplete="off" />
      <Text slot="description" className="field__help">
        {locked ? `🔒 ${t('settings.locked')}` : t('settings.field.work.notReadyReasonsHelp')}
      </Text>
      <FieldError className="field__error">{message ? t(REASON_ERRORS[message] ?? message) : ''}</FieldError>
    </TextField>
  );
}

function Problems({ view }: { view: SettingsView }) {
  const { t } = useTranslation();
  if (view.problems.length === 0) return null;
  return (
    <section className="problems" aria-labelledby="problems-title" role="alert">
      <h3 id="problems-title">{t('settings.problems')}</h3>
      <p>{t('settings.problemsHelp')}</p>
      <ul>
        {view.problems.map((problem, index) => {
          const values = {
            layer: t(`settings.layer.${problem.layer}`),
            file: problem.file,
            key: problem.key,
            message: t(problem.message, { detail: problem.detail, defaultValue: problem.message }),
          };
          return (
            <li key={index}>{problem.key ? t('settings.problemAt', values) : t('settings.problemFile', values)}</li>
          );
        })}
      </ul>
    </section>
  );
}

/** Builds the change to send: only what differs, never a locked key. */
function changesOf(values: FormValues, view: SettingsView): SettingsPatch {
  const patch: Record<string, Record<string, unknown>> = {};
  for (const section of ['sip', 'agent', 'ui', 'phone', 'calls', 'audio', 'crm', 'guidance', 'work'] as const) {
    for (const [field, value] of Object.entries(values[section] ?? {})) {
      const key = `${section}.${field}`;
      const before = (view.values[section] as Record<string, unknown> | undefined)?.[field];
      // Lists (the Not-ready reasons) by their contents.
      const same = Array.isArray(value) ? JSON.stringify(value) === JSON.stringify(before) : value === before;
      if (!same && !view.locked.includes(key)) (patch[section] ??= {})[field] = value;
    }
  }
  return patch as SettingsPatch;
}

/** The devices to choose from; "default" stands for the system's own choice (an empty setting). */
function deviceOptions(devices: MediaDeviceInfo[], kind: MediaDeviceKind, defaultLabel: string) {
  return [
    { id: 'default', value: '', label: defaultLabel },
    ...devices
      .filter((device) => device.kind === kind && device.deviceId && device.deviceId !== 'default')
      .map((device, index) => ({ id: device.deviceId, label: device.label || `${kind} ${index + 1}` })),
  ];
}

function useAudioDevices(): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    const media = navigator.mediaDevices;
    if (!media?.enumerateDevices) return;
    const load = () => void media.enumerateDevices().then(setDevices, () => setDevices([]));
    load();
    media.addEventListener('devicechange', load);
    return () => media.removeEventListener('devicechange', load);
  }, []);
  return devices;
}

/** Where the CRM sync stands, in one line, with the way to its panel. */
function CrmSyncSummary({ onOpenSync }: { onOpenSync?: () => void }) {
  const { t } = useTranslation();
  const sync = useSoftphone((s) => s.sync);
  return (
    <div className="crm-summary">
      <p className={`crm-summary__state sync-panel__state--${syncTone(sync)}`}>
        {t(`sync.state.${sync.state}`)}
        {sync.problems.length > 0 && <> {t('sync.announce.problems', { count: sync.problems.length })}</>}
      </p>
      {/* Right after saving, the agent sees the first sync start here, or why it cannot. */}
      {sync.error && (
        <p className="field__error" role="alert">
          {sync.error.message}
        </p>
      )}
      {sync.firstSync && <FirstSyncProgress progress={sync.firstSync} />}
      {onOpenSync && (
        <Button className="button" onPress={onOpenSync}>
          {t('sync.open')}
        </Button>
      )}
    </div>
  );
}

/** The call scripts the desk has, and the files it could not use with where the problem is. */
function ScriptsSummary() {
  const { t, i18n } = useTranslation();
  const status = useSoftphone((s) => s.scripts);
  const problemsId = useId();
  return (
    <div className="scripts">
      {status.scripts.length === 0 ? (
        <p className="field__help">{t('settings.scripts.none')}</p>
      ) : (
        <table className="scripts__table">
          <caption>{t('settings.scripts.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('settings.scripts.name')}</th>
              <th scope="col">{t('settings.scripts.language')}</th>
              <th scope="col">{t('settings.scripts.source')}</th>
            </tr>
          </thead>
          <tbody>
            {status.scripts.map((script) => (
              <tr key={script.id}>
                <td>{script.name}</td>
                <td>
                  {languageName(script.language, i18n.language)} ({script.language})
                </td>
                <td>{t(`settings.scripts.from.${script.source}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {status.problems.length > 0 && (
        <section className="problems script-problems" aria-labelledby={problemsId}>
          <h3 id={problemsId}>{t('settings.scripts.problems')}</h3>
          <p>{t('settings.scripts.problemsHelp')}</p>
          <ul>
            {status.problems.map((problem, index) => (
              <li key={index}>
                <code className="script-problems__where">
                  {problem.source}
                  {problem.line !== undefined && `:${problem.line}`}
                  {problem.line !== undefined && problem.column !== undefined && `:${problem.column}`}
                </code>
                {problem.path && <> {t('settings.scripts.at', { path: problem.path })}</>}: {problem.message}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

export function SettingsPanel({ view, onOpenSync }: { view: SettingsView; onOpenSync?: () => void }) {
  const { t, i18n } = useTranslation();
  const devices = useAudioDevices();
  const send = useSoftphone((s) => s.send);
  const app = useSoftphone((s) => s.app);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const { control, handleSubmit, reset, setError, formState } = useForm<FormValues>({
    mode: 'onChange',
    resolver: zodResolver(FormSchema),
    defaultValues: { ...view.values, sipPassword: '', crmToken: '' },
  });
  const locked = (key: SettingKey) => view.locked.includes(key);

  const regions = useMemo(() => {
    const names = new Intl.DisplayNames([i18n.language], { type: 'region' });
    return getCountries()
      .map((code) => ({ id: code, label: `${names.of(code) ?? code} (${code})` }))
      .sort((a, b) => a.label.localeCompare(b.label, i18n.language));
  }, [i18n.language]);
  const languages = UI_LANGUAGES.map((code) => ({ id: code, label: t(`language.${code}`) }));

  const onSubmit = handleSubmit(async (values) => {
    setOutcome(undefined);
    const result = await send({
      type: 'settings.update',
      changes: changesOf(values, view),
      sipPassword: values.sipPassword || undefined,
      // Sent only when typed: the token is never shown back, and an empty field keeps the saved one.
      crmToken: values.crmToken || undefined,
    });
    if (result.ok) {
      const saved = (result.value as SettingsView | undefined)?.values ?? values;
      reset({ ...saved, sipPassword: '', crmToken: '' });
      setOutcome({ ok: true, text: t('settings.saved') });
      return;
    }
    for (const issue of result.error.issues ?? []) {
      setError(issue.path as FieldPath<FormValues>, { message: issue.message });
    }
    const message = t(`error.${result.error.message}`, { defaultValue: t(`error.${result.error.code}`) });
    setOutcome({ ok: false, text: t('settings.notSaved', { message }) });
  });

  /** An empty token removes the saved one from the secret store; nothing else changes. */
  const removeCrmToken = async () => {
    setOutcome(undefined);
    const result = await send({ type: 'settings.update', changes: {}, crmToken: '' });
    if (result.ok) {
      setOutcome({ ok: true, text: t('settings.field.crm.tokenRemoved') });
      return;
    }
    const message = t(`error.${result.error.message}`, { defaultValue: t(`error.${result.error.code}`) });
    setOutcome({ ok: false, text: t('settings.notSaved', { message }) });
  };

  return (
    <section className="settings" aria-labelledby="settings-title">
      <h2 id="settings-title">{t('settings.title')}</h2>
      <Problems view={view} />
      <Form onSubmit={(event) => void onSubmit(event)} validationBehavior="aria">
        <fieldset>
          <legend>{t('settings.section.sip')}</legend>
          <TextSetting name="sip.wsUrl" control={control} locked={locked('sip.wsUrl')} />
          <TextSetting name="sip.wsUrlSecondary" control={control} locked={locked('sip.wsUrlSecondary')} />
          <TextSetting name="sip.user" control={control} locked={locked('sip.user')} />
          <TextSetting name="sip.authUser" control={control} locked={locked('sip.authUser')} />
          <TextSetting name="sip.domain" control={control} locked={locked('sip.domain')} />
          <TextSetting name="sip.displayName" control={control} locked={locked('sip.displayName')} />
          <TextSetting name="sipPassword" control={control} locked={false} type="password" />
          <p className="field__help">
            {view.hasSipPassword ? t('settings.field.sip.passwordSaved') : t('settings.field.sip.passwordNone')}
          </p>
        </fieldset>
        <fieldset>
          <legend>{t('settings.section.agent')}</legend>
          <TextSetting name="agent.name" control={control} locked={locked('agent.name')} />
          <TextSetting name="agent.company" control={control} locked={locked('agent.company')} />
        </fieldset>
        <fieldset>
          <legend>{t('settings.section.ui')}</legend>
          <ChoiceSetting name="ui.language" control={control} locked={locked('ui.language')} options={languages} />
        </fieldset>
        <fieldset>
          <legend>{t('settings.section.phone')}</legend>
          <ChoiceSetting
            name="phone.defaultRegion"
            control={control}
            locked={locked('phone.defaultRegion')}
            options={regions}
          />
        </fieldset>
        <fieldset>
          <legend>{t('settings.section.calls')}</legend>
          <ChoiceSetting
            name="calls.dtmfMethod"
            control={control}
            locked={locked('calls.dtmfMethod')}
            options={[
              { id: 'rfc4733', label: t('settings.dtmf.rfc4733') },
              { id: 'info', label: t('settings.dtmf.info') },
            ]}
          />
          <ChoiceSetting
            name="calls.declineCode"
            control={control}
            locked={locked('calls.declineCode')}
            options={[
              { id: '486', value: 486, label: t('settings.decline.486') },
              { id: '603', value: 603, label: t('settings.decline.603') },
            ]}
          />
          <ChoiceSetting
            name="calls.callWaiting"
            control={control}
            locked={locked('calls.callWaiting')}
            options={[
              { id: 'ring', label: t('settings.waiting.ring') },
              { id: 'decline', label: t('settings.waiting.decline') },
            ]}
          />
          <ChoiceSetting
            name="calls.autoAnswer"
            control={control}
            locked={locked('calls.autoAnswer')}
            options={[
              { id: 'no', value: false, label: t('settings.autoAnswer.no') },
              { id: 'yes', value: true, label: t('settings.autoAnswer.yes') },
            ]}
          />
          <CheckboxSetting name="calls.confirmLinks" control={control} locked={locked('calls.confirmLinks')} />
        </fieldset>
        <fieldset>
          <legend>{t('settings.section.audio')}</legend>
          <ChoiceSetting
            name="audio.input"
            control={control}
            locked={locked('audio.input')}
            options={deviceOptions(devices, 'audioinput', t('settings.device.default'))}
          />
          <ChoiceSetting
            name="audio.output"
            control={control}
            locked={locked('audio.output')}
            options={deviceOptions(devices, 'audiooutput', t('settings.device.default'))}
          />
          <ChoiceSetting
            name="audio.ringer"
            control={control}
            locked={locked('audio.ringer')}
            options={deviceOptions(devices, 'audiooutput', t('settings.device.default'))}
          />
          {!devices.some((device) => device.kind === 'audiooutput') && (
            <p className="field__help">{t('settings.device.noOutputChoice')}</p>
          )}
        </fieldset>
        <fieldset>
          <legend>{t('settings.section.crm')}</legend>
          <CrmSyncSummary onOpenSync={onOpenSync} />
          <TextSetting name="crm.url" control={control} locked={locked('crm.url')} />
          <NumberSetting
            name="crm.pullIntervalSeconds"
            control={control}
            locked={locked('crm.pullIntervalSeconds')}
            minValue={5}
            maxValue={3600}
          />
          <TextSetting name="crmToken" control={control} locked={false} type="password" />
          <div className="crm-token">
            <p className="field__help" data-testid="crm-token-state">
              {view.hasCrmToken ? t('settings.field.crm.tokenSaved') : t('settings.field.crm.tokenNone')}
            </p>
            {view.hasCrmToken && (
              <Button className="button button--small" onPress={() => void removeCrmToken()}>
                {t('settings.field.crm.removeToken')}
              </Button>
            )}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('settings.section.guidance')}</legend>
          <CheckboxSetting name="guidance.askBeforeHold" control={control} locked={locked('guidance.askBeforeHold')} />
          <NumberSetting
            name="guidance.holdReminderSeconds"
            control={control}
            locked={locked('guidance.holdReminderSeconds')}
            minValue={10}
            maxValue={600}
          />
          <CheckboxSetting name="guidance.autoAdvance" control={control} locked={locked('guidance.autoAdvance')} />
          <TextSetting name="guidance.scriptsFolder" control={control} locked={locked('guidance.scriptsFolder')} />
          <ScriptsSummary />
        </fieldset>
        <fieldset>
          <legend>{t('settings.section.work')}</legend>
          <NumberSetting
            name="work.wrapUpSeconds"
            control={control}
            locked={locked('work.wrapUpSeconds')}
            minValue={0}
            maxValue={3600}
          />
          <ChoiceSetting
            name="work.wrapUpExpiry"
            control={control}
            locked={locked('work.wrapUpExpiry')}
            options={[
              { id: 'stay', label: t('settings.work.expiry.stay') },
              { id: 'available', label: t('settings.work.expiry.available') },
            ]}
          />
          <ChoiceSetting
            name="work.whenNotAvailable"
            control={control}
            locked={locked('work.whenNotAvailable')}
            options={[
              { id: 'decline', label: t('settings.work.notAvailable.decline') },
              { id: 'ring', label: t('settings.work.notAvailable.ring') },
            ]}
          />
          <ReasonsSetting control={control} locked={locked('work.notReadyReasons')} />
          <NumberSetting
            name="work.callbackReminderMinutes"
            control={control}
            locked={locked('work.callbackReminderMinutes')}
            minValue={0}
            maxValue={240}
          />
          <NumberSetting
            name="work.breakReminderMinutes"
            control={control}
            locked={locked('work.breakReminderMinutes')}
            minValue={0}
            maxValue={480}
          />
        </fieldset>
        <fieldset>
          <legend>{t('settings.section.desktop')}</legend>
          {app?.host !== 'electron' && <p className="field__help">{t('settings.desktop.only')}</p>}
          <CheckboxSetting name="desktop.startOnLogin" control={control} locked={locked('desktop.startOnLogin')} />
          <CheckboxSetting
            name="desktop.raiseOnIncoming"
            control={control}
            locked={locked('desktop.raiseOnIncoming')}
          />
          {HOTKEYS.map((key) => {
            const problem = view.hotkeyProblems.find((p) => p.key === key);
            return (
              <TextSetting
                key={key}
                name={key}
                control={control}
                locked={locked(key)}
                {...(problem ? { problem: t(`settings.desktop.problem.${problem.reason}`) } : {})}
              />
            );
          })}
        </fieldset>
        <fieldset>
          <legend>{t('settings.section.updates')}</legend>
          {app?.host !== 'electron' && <p className="field__help">{t('settings.desktop.only')}</p>}
          <CheckboxSetting name="updates.enabled" control={control} locked={locked('updates.enabled')} />
          <ChoiceSetting
            name="updates.channel"
            control={control}
            locked={locked('updates.channel')}
            options={[
              { id: 'latest', label: t('settings.updates.latest') },
              { id: 'beta', label: t('settings.updates.beta') },
            ]}
          />
          <TextSetting name="updates.url" control={control} locked={locked('updates.url')} />
        </fieldset>
        <div className="settings__actions">
          <Button type="submit" className="button button--primary" isDisabled={formState.isSubmitting}>
            {formState.isSubmitting ? t('settings.saving') : t('settings.save')}
          </Button>
          <span role="status" className={outcome?.ok === false ? 'outcome outcome--error' : 'outcome'}>
            {outcome?.text}
          </span>
        </div>
      </Form>
    </section>
  );
}
