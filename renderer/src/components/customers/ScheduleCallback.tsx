import { zodResolver } from '@hookform/resolvers/zod';
import { useId, useMemo, useState } from 'react';
import { Input, Label, TextArea, TextField } from 'react-aria-components';
import { Controller, useForm, type Control } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { localDateTime } from '../../../../src/contract/index.js';
import { useSoftphone } from '../../state/store.js';
import { FieldErrorMessage, FormActions, NativeFieldError } from '../FormFields.js';
import { FormCallbackWhen } from '../work/CallbackWhen.js';
import { localInputs } from '../work/workText.js';

const NOTE_MAX = 500;

const NewCallback = z.object({
  number: z.string().max(40),
  date: z.string().max(10),
  time: z.string().max(5),
  note: z.string().max(NOTE_MAX),
});
type NewCallback = z.infer<typeof NewCallback>;
type Field = keyof NewCallback;

/**
 * A callback from the card: a number, a date and time in the agent's local time, still to come, and
 * a note. The messages are keys of the translations (the wrap-up's callback says the same things).
 */
export function newCallbackSchema(now: () => number = Date.now) {
  return NewCallback.superRefine((form, ctx) => {
    const issue = (path: Field, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!/^[+0-9 ()./-]{3,40}$/.test(form.number.trim())) issue('number', 'wrapup.invalid.number');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(form.date)) issue('date', 'wrapup.invalid.date');
    if (!/^\d{2}:\d{2}$/.test(form.time)) issue('time', 'wrapup.invalid.time');
    else if (/^\d{4}-\d{2}-\d{2}$/.test(form.date)) {
      const due = localDateTime(form.date, form.time);
      if (due === undefined) issue('date', 'wrapup.invalid.date');
      else if (due <= now()) issue('time', 'wrapup.invalid.past');
    }
  });
}

/** Where an issue of the core's answer points: "number" → number, "dueAt" → the time. */
function fieldOf(path: string): Field | undefined {
  const last = path.split('.').at(-1) ?? '';
  if (last === 'dueAt') return 'time';
  return last === 'number' || last === 'note' ? last : undefined;
}

/** The number to call, typed: for a card without numbers. */
function NumberInput({ label, control }: { label: string; control: Control<NewCallback> }) {
  return (
    <Controller
      name="number"
      control={control}
      render={({ field, fieldState }) => (
        <TextField
          className="field"
          name={field.name}
          value={field.value}
          onChange={field.onChange}
          onBlur={field.onBlur}
          isRequired
          isInvalid={Boolean(fieldState.error)}
          validationBehavior="aria"
        >
          <Label>{label}</Label>
          <Input ref={field.ref} autoComplete="off" autoFocus maxLength={40} inputMode="tel" />
          <FieldErrorMessage message={fieldState.error?.message} />
        </TextField>
      )}
    />
  );
}

export interface NumberChoice {
  /** As the core takes it (E.164). */
  value: string;
  /** As the agent reads it: "Mobile · +39 347 123 4567". */
  label: string;
}

/** The card's numbers to choose from (the first by default). */
function NumberSelect({ numbers, control }: { numbers: NumberChoice[]; control: Control<NewCallback> }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <Controller
      name="number"
      control={control}
      render={({ field, fieldState }) => (
        <div className="field">
          <label htmlFor={`${id}-select`}>{t('callbacks.new.number')}</label>
          <select
            id={`${id}-select`}
            ref={field.ref}
            name={field.name}
            className="field__select"
            value={field.value}
            onChange={(event) => field.onChange(event.target.value)}
            onBlur={field.onBlur}
            aria-invalid={fieldState.error ? 'true' : undefined}
            aria-describedby={fieldState.error ? `${id}-error` : undefined}
            autoFocus
          >
            {numbers.map((number) => (
              <option key={number.value} value={number.value}>
                {number.label}
              </option>
            ))}
          </select>
          <NativeFieldError id={`${id}-error`} message={fieldState.error?.message} />
        </div>
      )}
    />
  );
}

/**
 * The small form under a customer's card for a promise to call them back: which of their numbers,
 * when (the agent's local date and time), and a note. `onScheduled` gets the time it is due.
 */
export function ScheduleCallback({
  customerId,
  numbers,
  onScheduled,
  onCancel,
}: {
  customerId: number;
  numbers: NumberChoice[];
  onScheduled: (dueAt: number) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const resolver = useMemo(() => zodResolver(newCallbackSchema()), []);
  const [defaults] = useState<NewCallback>(() => ({
    number: numbers[0]?.value ?? '',
    date: localInputs(Date.now()).date,
    time: '',
    note: '',
  }));
  const { control, handleSubmit, setError, formState } = useForm<NewCallback>({
    resolver,
    defaultValues: defaults,
    mode: 'onSubmit',
    reValidateMode: 'onChange',
  });
  const [problem, setProblem] = useState<string>();

  const onValid = async (form: NewCallback) => {
    setProblem(undefined);
    const dueAt = localDateTime(form.date, form.time);
    if (dueAt === undefined) return setError('date', { message: 'wrapup.invalid.date' }, { shouldFocus: true });
    const result = await send({
      type: 'callback.create',
      number: form.number.trim(),
      customerId,
      dueAt,
      note: form.note.trim(),
    });
    if (result.ok) return onScheduled(dueAt);
    const loose: string[] = [];
    let first = true;
    for (const issue of result.error.issues ?? []) {
      const field = fieldOf(issue.path);
      if (field) {
        setError(field, { message: issue.message }, { shouldFocus: first });
        first = false;
      } else loose.push(t(issue.message, { defaultValue: issue.message }));
    }
    if (!first && loose.length === 0) return;
    const message =
      loose.join(' ') ||
      t(`callbacks.error.${result.error.message}`, {
        defaultValue: result.error.message || t(`error.${result.error.code}`),
      });
    setProblem(t('callbacks.new.failed', { message }));
  };

  return (
    <section className="new-callback" aria-label={t('callbacks.new.title')}>
      <h4 className="new-callback__title">{t('callbacks.new.title')}</h4>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!formState.isSubmitting) void handleSubmit(onValid)();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            onCancel();
          }
        }}
      >
        {numbers.length > 0 ? (
          <NumberSelect numbers={numbers} control={control} />
        ) : (
          <NumberInput label={t('callbacks.new.number')} control={control} />
        )}
        <div className="wrapup__row">
          <FormCallbackWhen
            control={control}
            dateName="date"
            timeName="time"
            dateLabel={t('callbacks.new.date')}
            timeLabel={t('callbacks.new.time')}
          />
        </div>
        <Controller
          name="note"
          control={control}
          render={({ field }) => (
            <TextField
              className="field field--area"
              name={field.name}
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
            >
              <Label>{t('callbacks.new.note')}</Label>
              <TextArea ref={field.ref} rows={2} maxLength={NOTE_MAX} />
            </TextField>
          )}
        />
        <FormActions
          save={t('callbacks.new.save')}
          cancel={t('callbacks.new.cancel')}
          onCancel={onCancel}
          isDisabled={formState.isSubmitting}
          problem={problem}
        />
      </form>
    </section>
  );
}
