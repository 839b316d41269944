import { zodResolver } from '@hookform/resolvers/zod';
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import {
  Button,
  ComboBox,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  TextArea,
  TextField,
} from 'react-aria-components';
import { Controller, useForm, useWatch, type Control, type FieldPath } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import {
  COMPLAINT_SEVERITIES,
  WrapUpDraft,
  wrapUpSchema,
  type ContractError,
  type WrapUpField,
  type WrapUpView,
} from '../../../../src/contract/index.js';
import { useSoftphone } from '../../state/store.js';
import { CheckboxField, FieldErrorMessage, NativeFieldError, RequiredMark } from '../FormFields.js';
import { FormCallbackWhen } from './CallbackWhen.js';
import { timeOfDay } from './workText.js';
import { markSubmitted, typedDrafts } from './wrapUpTracking.js';

const DEBOUNCE_MS = 300;
const FIELDS = Object.keys(WrapUpDraft.shape) as Array<keyof WrapUpDraft>;

/** The most each field takes (the contract's limits), so that a draft is always one the core accepts. */
const MAX: Partial<Record<keyof WrapUpDraft, number>> = {
  reason: 200,
  summary: 8000,
  steps: 4000,
  complaintCategory: 100,
  callbackNumber: 40,
  callbackNote: 500,
};

/** Not asked: the radio's value for "" (a radio cannot have an empty value). */
const NOT_ASKED = 'none';

/** Where an issue of the core's answer points: "form.callbackTime" → "callbackTime". */
function fieldOf(path: string): keyof WrapUpDraft | undefined {
  const last = path.split('.').at(-1) ?? '';
  return (FIELDS as string[]).includes(last) ? (last as keyof WrapUpDraft) : undefined;
}

/** Whether the agent is typing in a field outside the wrap-up: then the form does not take the focus. */
function typingElsewhere(form: HTMLElement | null): boolean {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || active === document.body) return false;
  if (form?.contains(active)) return false;
  return active.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(active.tagName);
}

/** A text field (one line, or several) of the form, with its error in words. */
function TextInput({
  name,
  label,
  control,
  required,
  multiline,
  inputRef,
}: {
  name: FieldPath<WrapUpDraft>;
  label: string;
  control: Control<WrapUpDraft>;
  required: boolean;
  multiline?: boolean;
  inputRef?: (element: HTMLInputElement | null) => void;
}) {
  return (
    <Controller
      name={name}
      control={control}
      render={({ field, fieldState }) => (
        <TextField
          className={multiline ? 'field field--area' : 'field'}
          name={field.name}
          value={String(field.value ?? '')}
          onChange={field.onChange}
          onBlur={field.onBlur}
          isRequired={required}
          isInvalid={Boolean(fieldState.error)}
          validationBehavior="aria"
        >
          <Label>
            {label}
            {required && <RequiredMark />}
          </Label>
          {multiline ? (
            <TextArea ref={field.ref} rows={name === 'summary' ? 4 : 3} maxLength={MAX[name]} />
          ) : (
            <Input
              ref={(element) => {
                field.ref(element);
                inputRef?.(element);
              }}
              maxLength={MAX[name]}
              autoComplete="off"
              inputMode={name === 'callbackNumber' ? 'tel' : undefined}
            />
          )}
          <FieldErrorMessage message={fieldState.error?.message} />
        </TextField>
      )}
    />
  );
}

/** The disposition: typed to filter the line's list, chosen with the arrows and Enter. */
function Outcome({ control, view }: { control: Control<WrapUpDraft>; view: WrapUpView }) {
  const { t } = useTranslation();
  const label = t('wrapup.field.disposition');
  // A line without a list takes any outcome in words.
  if (view.rules.dispositions.length === 0)
    return <TextInput name="disposition" label={label} control={control} required />;
  return (
    <Controller
      name="disposition"
      control={control}
      render={({ field, fieldState }) => (
        <ComboBox
          className="field combobox"
          name={field.name}
          defaultItems={view.rules.dispositions}
          value={field.value || null}
          onChange={(key) => field.onChange(key === null ? '' : String(key))}
          onBlur={field.onBlur}
          isRequired
          isInvalid={Boolean(fieldState.error)}
          validationBehavior="aria"
          menuTrigger="focus"
        >
          <Label>
            {label}
            <RequiredMark />
          </Label>
          <div className="combobox__control">
            <Input ref={field.ref} className="combobox__input" placeholder={t('wrapup.field.dispositionHint')} />
            <Button className="combobox__button" aria-label={t('wrapup.field.dispositionList')}>
              <span aria-hidden="true">▾</span>
            </Button>
          </div>
          <FieldErrorMessage message={fieldState.error?.message} />
          <Popover className="select__popover combobox__popover" placement="bottom start">
            <ListBox
              className="combobox__list"
              renderEmptyState={() => <p className="combobox__empty">{t('wrapup.field.dispositionNone')}</p>}
            >
              {(item: { code: string; label: string }) => (
                <ListBoxItem className="select__option" id={item.code} textValue={item.label}>
                  {item.label}
                </ListBoxItem>
              )}
            </ListBox>
          </Popover>
        </ComboBox>
      )}
    />
  );
}

/**
 * A row of radio buttons (native ones: arrows move between them, Space chooses); `""` (not answered)
 * is no choice, or the `emptyAs` choice when there is one.
 */
function Choice({
  name,
  label,
  control,
  required,
  options,
  emptyAs,
}: {
  name: FieldPath<WrapUpDraft>;
  label: string;
  control: Control<WrapUpDraft>;
  required: boolean;
  options: Array<{ value: string; label: string }>;
  emptyAs?: string;
}) {
  const id = useId();
  return (
    <Controller
      name={name}
      control={control}
      render={({ field, fieldState }) => {
        const chosen = field.value === '' ? emptyAs : String(field.value);
        return (
          <div
            className="field radios"
            role="radiogroup"
            aria-labelledby={`${id}-label`}
            aria-required={required || undefined}
            aria-invalid={fieldState.error ? true : undefined}
            aria-describedby={fieldState.error ? `${id}-error` : undefined}
            data-invalid={fieldState.error ? true : undefined}
            ref={(element) =>
              field.ref(
                element
                  ? { focus: () => element.querySelector<HTMLInputElement>('input:checked, input')?.focus() }
                  : null,
              )
            }
          >
            <span id={`${id}-label`} className="radios__label">
              {label}
              {required && <RequiredMark />}
            </span>
            <div className="radios__row">
              {options.map((option) => (
                <label key={option.value} className="radio">
                  <input
                    type="radio"
                    name={`${id}-${field.name}`}
                    value={option.value}
                    checked={chosen === option.value}
                    onChange={() => field.onChange(option.value === emptyAs ? '' : option.value)}
                    onBlur={field.onBlur}
                  />
                  <span>{option.label}</span>
                </label>
              ))}
            </div>
            <NativeFieldError id={`${id}-error`} message={fieldState.error?.message} />
          </div>
        );
      }}
    />
  );
}

function Severity({ control }: { control: Control<WrapUpDraft> }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <Controller
      name="complaintSeverity"
      control={control}
      render={({ field, fieldState }) => (
        <div className="field">
          <label htmlFor={`${id}-select`}>
            {t('wrapup.field.complaintSeverity')}
            <RequiredMark />
          </label>
          <select
            id={`${id}-select`}
            ref={field.ref}
            name={field.name}
            className="field__select"
            value={field.value}
            onChange={(event) => field.onChange(event.target.value)}
            onBlur={field.onBlur}
            aria-required="true"
            aria-invalid={fieldState.error ? 'true' : undefined}
            aria-describedby={fieldState.error ? `${id}-error` : undefined}
          >
            <option value="">{t('wrapup.severity.choose')}</option>
            {COMPLAINT_SEVERITIES.map((severity) => (
              <option key={severity} value={severity}>
                {t(`wrapup.severity.${severity}`)}
              </option>
            ))}
          </select>
          <NativeFieldError id={`${id}-error`} message={fieldState.error?.message} />
        </div>
      )}
    />
  );
}

/** Whether the agent is already in the form: "Saved", or what went wrong. */
type SubmitOutcome = { kind: 'saved' } | { kind: 'error'; text: string } | { kind: 'invalid' };

/**
 * The wrap-up of one call: validated with the line's rules (the same schema the core uses), every
 * change kept as a draft on disk within a moment, saved with "Save wrap-up" or Ctrl+Enter. Nothing
 * typed is lost on an error, on a crash, or when the agent looks at another wrap-up.
 */
export function WrapUpForm({ view, autoFocus }: { view: WrapUpView; autoFocus: boolean }) {
  const { t, i18n } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const callId = view.callId;
  const rulesKey = JSON.stringify(view.rules);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the rules by value: a new event with the same rules keeps the resolver
  const resolver = useMemo(() => zodResolver(wrapUpSchema(view.rules)), [rulesKey]);
  const [initial] = useState<WrapUpDraft>(() => {
    const draft = typedDrafts.get(callId) ?? view.draft;
    return { ...draft, callbackNumber: draft.callbackNumber || view.number };
  });
  const { control, handleSubmit, getValues, setError, subscribe, formState } = useForm<WrapUpDraft>({
    resolver,
    defaultValues: initial,
    mode: 'onSubmit',
    reValidateMode: 'onChange',
  });
  const complaint = useWatch({ control, name: 'complaint' });
  const callback = useWatch({ control, name: 'callback' });
  const required = (field: WrapUpField) => view.rules.required.includes(field);

  const [outcome, setOutcome] = useState<SubmitOutcome>();
  const [saving, setSaving] = useState(0);
  const [draftProblem, setDraftProblem] = useState<string>();
  const formRef = useRef<HTMLFormElement>(null);
  const firstField = useRef<HTMLInputElement | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  /** Typed but not sent yet. */
  const unsent = useRef<WrapUpDraft>(undefined);
  const lastSent = useRef(JSON.stringify(initial));
  const lastChange = useRef(0);
  /** Saved: no more drafts of this wrap-up. */
  const finished = useRef(false);

  const saveDraft = useCallback(
    (draft: WrapUpDraft) => {
      clearTimeout(timer.current);
      unsent.current = undefined;
      lastSent.current = JSON.stringify(draft);
      setSaving((n) => n + 1);
      void send({ type: 'wrapup.draft', callId, draft }).then((result) => {
        setSaving((n) => n - 1);
        setDraftProblem(result.ok ? undefined : result.error.message);
      });
    },
    [send, callId],
  );

  // Every change goes to the core: the first after a pause at once, then when typing stops for a moment.
  useEffect(
    () =>
      subscribe({
        formState: { values: true },
        callback: () => {
          if (finished.current) return;
          const draft = getValues();
          const text = JSON.stringify(draft);
          if (text === lastSent.current && unsent.current === undefined) return;
          typedDrafts.set(callId, draft);
          unsent.current = draft;
          const quiet = Date.now() - lastChange.current > DEBOUNCE_MS;
          lastChange.current = Date.now();
          clearTimeout(timer.current);
          if (quiet) saveDraft(draft);
          else timer.current = setTimeout(() => unsent.current && saveDraft(unsent.current), DEBOUNCE_MS);
        },
      }),
    [subscribe, getValues, saveDraft, callId],
  );

  // Leaving the wrap-up (another tab, another panel, the window closing) keeps what was typed.
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      if (unsent.current !== undefined && !finished.current)
        void useSoftphone.getState().send({ type: 'wrapup.draft', callId, draft: unsent.current });
    },
    [callId],
  );

  // A new wrap-up takes the focus, unless the agent is typing somewhere else.
  useEffect(() => {
    const active = document.activeElement;
    const lost = !active || active === document.body;
    if ((autoFocus && !typingElsewhere(formRef.current)) || lost) firstField.current?.focus();
  }, [autoFocus]);

  const failure = (error: ContractError): SubmitOutcome => {
    const loose: string[] = [];
    let first = true;
    for (const issue of error.issues ?? []) {
      const field = fieldOf(issue.path);
      if (field) {
        setError(field, { message: issue.message }, { shouldFocus: first });
        first = false;
      } else loose.push(t(issue.message, { defaultValue: issue.message }));
    }
    if (!first && loose.length === 0) return { kind: 'invalid' };
    const message =
      loose.join(' ') ||
      (error.message === 'core-unreachable'
        ? t('wrapup.error.core-unreachable')
        : t(`wrapup.error.${error.message}`, { defaultValue: error.message || t(`error.${error.code}`) }));
    return { kind: 'error', text: t('wrapup.notSaved', { message }) };
  };

  const onValid = async (values: WrapUpDraft) => {
    setOutcome(undefined);
    // The submit carries everything typed: no draft after it.
    clearTimeout(timer.current);
    unsent.current = undefined;
    markSubmitted(callId, true);
    const result = await send({ type: 'wrapup.submit', callId, form: values });
    if (result.ok) {
      finished.current = true;
      setOutcome({ kind: 'saved' });
      return;
    }
    markSubmitted(callId, false);
    // Not saved: what was typed stays in the form, and on disk as the draft.
    saveDraft(getValues());
    setOutcome(failure(result.error));
  };
  const submit = () => handleSubmit(onValid, () => setOutcome({ kind: 'invalid' }))();

  const busy = formState.isSubmitting;
  const saved = outcome?.kind === 'saved';
  const onKeyDownCapture = (event: KeyboardEvent) => {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    event.stopPropagation();
    if (!busy && !saved) void submit();
  };

  return (
    <form
      ref={formRef}
      className="wrapup__form"
      aria-label={t('wrapup.formLabel')}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy && !saved) void submit();
      }}
      onKeyDownCapture={onKeyDownCapture}
    >
      <fieldset className="wrapup__fields" disabled={saved}>
        <legend className="visually-hidden">{t('wrapup.formLabel')}</legend>
        <TextInput
          name="reason"
          label={t('wrapup.field.reason')}
          control={control}
          required={required('reason')}
          inputRef={(element) => {
            firstField.current = element;
          }}
        />
        <Outcome control={control} view={view} />
        <Choice
          name="resolved"
          label={t('wrapup.field.resolved')}
          control={control}
          required={required('resolved')}
          options={[
            { value: 'yes', label: t('wrapup.yes') },
            { value: 'no', label: t('wrapup.no') },
          ]}
        />
        <TextInput
          name="summary"
          label={t('wrapup.field.summary')}
          control={control}
          required={required('summary')}
          multiline
        />
        <TextInput
          name="steps"
          label={t('wrapup.field.steps')}
          control={control}
          required={required('steps')}
          multiline
        />
        <CheckboxField name="complaint" label={t('wrapup.field.complaint')} control={control} />
        {complaint && (
          <div className="wrapup__group wrapup__row">
            <TextInput
              name="complaintCategory"
              label={t('wrapup.field.complaintCategory')}
              control={control}
              required
            />
            <Severity control={control} />
          </div>
        )}
        <CheckboxField name="callback" label={t('wrapup.field.callback')} control={control} />
        {callback && (
          <div className="wrapup__group">
            <div className="wrapup__row">
              <FormCallbackWhen
                control={control}
                dateName="callbackDate"
                timeName="callbackTime"
                dateLabel={t('wrapup.field.callbackDate')}
                timeLabel={t('wrapup.field.callbackTime')}
                requiredMark
              />
            </div>
            <TextInput name="callbackNumber" label={t('wrapup.field.callbackNumber')} control={control} required />
            <TextInput name="callbackNote" label={t('wrapup.field.callbackNote')} control={control} required={false} />
          </div>
        )}
        <Choice
          name="satisfaction"
          label={t('wrapup.field.satisfaction')}
          control={control}
          required={required('satisfaction')}
          emptyAs={NOT_ASKED}
          options={[
            ...['1', '2', '3', '4', '5'].map((value) => ({ value, label: value })),
            { value: NOT_ASKED, label: t('wrapup.notAsked') },
          ]}
        />
      </fieldset>
      <p className="field__help">{t('wrapup.requiredHint')}</p>
      <div className="wrapup__actions">
        <Button
          className="button button--primary"
          isDisabled={busy || saved}
          onPress={() => {
            if (!busy && !saved) void submit();
          }}
        >
          {busy ? t('wrapup.saving') : t('wrapup.save')}
        </Button>
        <span className="wrapup__keys">{t('wrapup.keys')}</span>
        <span className="wrapup__draft">
          {saving > 0
            ? t('wrapup.draftSaving')
            : view.draftSavedAt !== undefined
              ? t('wrapup.draftKept', { time: timeOfDay(view.draftSavedAt, i18n.language, undefined, true) })
              : ''}
          {draftProblem && saving === 0 && (
            <span className="field__error"> {t('wrapup.draftProblem', { message: draftProblem })}</span>
          )}
        </span>
      </div>
      <p role="status" className="wrapup__outcome wrapup__outcome--ok">
        {saved ? t('wrapup.saved') : ''}
      </p>
      {outcome?.kind === 'error' && (
        <p role="alert" className="field__error wrapup__outcome">
          {outcome.text}
        </p>
      )}
      {outcome?.kind === 'invalid' && Object.keys(formState.errors).length > 0 && (
        <p role="alert" className="field__error wrapup__outcome">
          {t('wrapup.checkFields')}
        </p>
      )}
    </form>
  );
}
