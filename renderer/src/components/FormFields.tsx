import { useId, type ReactNode } from 'react';
import { Button, FieldError } from 'react-aria-components';
import { Controller, type Control, type FieldPath, type FieldValues } from 'react-hook-form';
import { useTranslation } from 'react-i18next';

/** The star after a required field's label: seen, not read out (the field itself says it is required). */
export function RequiredMark() {
  return (
    <span aria-hidden="true" className="field__required">
      {' '}
      *
    </span>
  );
}

/** What is wrong with a field, in a react-aria field: a key of the translations, or words as they are. */
export function FieldErrorMessage({ message }: { message: string | undefined }) {
  const { t } = useTranslation();
  return <FieldError className="field__error">{message ? t(message, { defaultValue: message }) : ''}</FieldError>;
}

/**
 * What is wrong with a native control (a select, a group of radios), which points to it with
 * `aria-describedby={id}`: a key of the translations, or words as they are; nothing while it is fine.
 */
export function NativeFieldError({ id, message }: { id: string; message: string | undefined }) {
  const { t } = useTranslation();
  if (!message) return null;
  return (
    <span id={id} className="field__error">
      {t(message, { defaultValue: message })}
    </span>
  );
}

/** A yes/no field of a form as a native checkbox; `help` is said under it and describes it. */
export function CheckboxField<T extends FieldValues>({
  name,
  control,
  label,
  disabled,
  help,
}: {
  name: FieldPath<T>;
  control: Control<T>;
  label: string;
  disabled?: boolean;
  help?: ReactNode;
}) {
  const helpId = useId();
  return (
    <Controller
      name={name}
      control={control}
      render={({ field }) => (
        <div className="field field--checkbox">
          <label className="checkbox">
            <input
              type="checkbox"
              ref={field.ref}
              name={field.name}
              checked={field.value === true}
              onChange={(event) => field.onChange(event.target.checked)}
              onBlur={field.onBlur}
              disabled={disabled}
              aria-describedby={help ? helpId : undefined}
            />
            <span>{label}</span>
          </label>
          {help && (
            <p id={helpId} className="field__help">
              {help}
            </p>
          )}
        </div>
      )}
    />
  );
}

/** A small form's Save and Cancel, and what went wrong with the save, in the words given. */
export function FormActions({
  save,
  cancel,
  onCancel,
  isDisabled,
  problem,
}: {
  save: string;
  cancel: string;
  onCancel: () => void;
  isDisabled: boolean;
  problem: string | undefined;
}) {
  return (
    <>
      <div className="call__actions">
        <Button type="submit" className="button button--primary button--small" isDisabled={isDisabled}>
          {save}
        </Button>
        <Button className="button button--small" onPress={onCancel}>
          {cancel}
        </Button>
      </div>
      {problem && (
        <p role="alert" className="field__error">
          {problem}
        </p>
      )}
    </>
  );
}
