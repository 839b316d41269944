import type { Ref } from 'react';
import { Input, Label, TextField } from 'react-aria-components';
import { useController, type Control, type FieldPath, type FieldValues } from 'react-hook-form';
import { FieldErrorMessage, RequiredMark } from '../FormFields.js';

/** One of the two fields, controlled by the form around it. */
export interface WhenFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  /** The form's name for the field, where it has one. */
  name?: string;
  inputRef?: Ref<HTMLInputElement>;
  /** What is wrong with it: a key of the translations, or words as they are. */
  error?: string;
  /** Invalid: by default, when there is an `error`. */
  isInvalid?: boolean;
  autoFocus?: boolean;
}

function WhenField({
  type,
  label,
  value,
  onChange,
  onBlur,
  name,
  inputRef,
  error,
  isInvalid,
  autoFocus,
  requiredMark,
  autoComplete,
}: WhenFieldProps & {
  type: 'date' | 'time';
  requiredMark: boolean;
  autoComplete: string | undefined;
}) {
  return (
    <TextField
      className="field"
      name={name}
      type={type}
      value={value}
      onChange={onChange}
      onBlur={onBlur}
      isRequired
      isInvalid={isInvalid ?? Boolean(error)}
      validationBehavior="aria"
      autoFocus={autoFocus}
    >
      <Label>
        {label}
        {requiredMark && <RequiredMark />}
      </Label>
      <Input ref={inputRef} autoComplete={autoComplete} />
      <FieldErrorMessage message={error} />
    </TextField>
  );
}

/**
 * When to call back: a date and a time in the agent's local time, both required, each with what is
 * wrong with it. The two fields only; the caller lays them out (side by side in a `wrapup__row`, or in
 * its own row of fields).
 */
export function CallbackWhen({
  date,
  time,
  requiredMark = false,
  autoComplete,
}: {
  date: WhenFieldProps;
  time: WhenFieldProps;
  /** The star after the labels. */
  requiredMark?: boolean;
  autoComplete?: string;
}) {
  return (
    <>
      <WhenField {...date} type="date" requiredMark={requiredMark} autoComplete={autoComplete} />
      <WhenField {...time} type="time" requiredMark={requiredMark} autoComplete={autoComplete} />
    </>
  );
}

/** One field of a react-hook-form form, as `CallbackWhen` takes it. */
function useWhenField<T extends FieldValues>(control: Control<T>, name: FieldPath<T>, label: string): WhenFieldProps {
  const { field, fieldState } = useController({ control, name });
  return {
    label,
    name: field.name,
    value: String(field.value ?? ''),
    onChange: field.onChange,
    onBlur: field.onBlur,
    inputRef: field.ref,
    error: fieldState.error?.message,
    isInvalid: Boolean(fieldState.error),
  };
}

/** `CallbackWhen` for a react-hook-form form: its date and time fields by name, the form validates them. */
export function FormCallbackWhen<T extends FieldValues>({
  control,
  dateName,
  timeName,
  dateLabel,
  timeLabel,
  requiredMark = false,
}: {
  control: Control<T>;
  dateName: FieldPath<T>;
  timeName: FieldPath<T>;
  dateLabel: string;
  timeLabel: string;
  requiredMark?: boolean;
}) {
  const date = useWhenField(control, dateName, dateLabel);
  const time = useWhenField(control, timeName, timeLabel);
  return <CallbackWhen date={date} time={time} requiredMark={requiredMark} autoComplete="off" />;
}
