import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form, Input, Label, TextArea, TextField } from 'react-aria-components';
import { Controller, useForm, type Control } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import {
  CustomerDraft,
  NewCustomer,
  type CustomerCard,
  type CustomerDraft as Draft,
} from '../../../../src/contract/index.js';
import { useSoftphone } from '../../state/store.js';
import { FieldErrorMessage } from '../FormFields.js';

/** What the agent types; turned into a draft and checked with the schema the core checks with. */
const Fields = z.object({
  givenName: z.string(),
  familyName: z.string(),
  company: z.string(),
  emails: z.string(),
  number: z.string(),
  numberLabel: z.string(),
  notes: z.string(),
});
type Fields = z.infer<typeof Fields>;
type FieldName = keyof Fields;

const splitList = (text: string) =>
  text
    .split(/[,;\s]+/)
    .map((part) => part.trim())
    .filter(Boolean);

function toDraft(fields: Fields, card: CustomerCard | undefined): Draft {
  const phones = card ? card.customer.phones.map((phone) => ({ number: phone.e164, label: phone.label })) : [];
  if (fields.number.trim())
    phones.push({ number: fields.number.trim(), label: fields.numberLabel.trim() || undefined });
  return {
    givenName: fields.givenName.trim() || undefined,
    familyName: fields.familyName.trim() || undefined,
    company: fields.company.trim() || undefined,
    emails: splitList(fields.emails),
    phones,
    notes: fields.notes.trim() || undefined,
  };
}

/** Where a schema problem of the draft shows in the form. */
function fieldOf(path: readonly PropertyKey[]): FieldName {
  const [first] = path;
  if (first === 'emails') return 'emails';
  if (first === 'phones') return 'number';
  if (first === 'givenName' || first === 'familyName' || first === 'company' || first === 'notes') return first;
  return 'familyName';
}

function schemaFor(card: CustomerCard | undefined) {
  const schema = card ? CustomerDraft : NewCustomer;
  return Fields.superRefine((fields, ctx) => {
    const parsed = schema.safeParse(toDraft(fields, card));
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      const path = fieldOf(issue.path);
      ctx.addIssue({ code: 'custom', path: [path], message: `customer.invalid.${path}` });
    }
  });
}

function TextInput({ name, control, multiline }: { name: FieldName; control: Control<Fields>; multiline?: boolean }) {
  const { t } = useTranslation();
  return (
    <Controller
      name={name}
      control={control}
      render={({ field, fieldState }) => (
        <TextField
          className="field"
          name={field.name}
          value={field.value}
          onChange={field.onChange}
          onBlur={field.onBlur}
          isInvalid={Boolean(fieldState.error)}
          validationBehavior="aria"
        >
          <Label>{t(`customer.field.${name}`)}</Label>
          {multiline ? <TextArea ref={field.ref} rows={3} /> : <Input ref={field.ref} spellCheck={false} />}
          <FieldErrorMessage message={fieldState.error?.message} />
        </TextField>
      )}
    />
  );
}

/**
 * A new customer (from an unknown caller: the number is filled in) or corrections to one: saved in
 * the local cache at once, and kept for the CRM. A refusal from the core leaves what was typed.
 */
export function CustomerForm({
  callId,
  number,
  card,
  onDone,
  onCancel,
}: {
  callId?: string;
  /** The caller's number, for a new customer. */
  number?: string;
  /** The customer to correct; absent for a new one. */
  card?: CustomerCard;
  onDone?: () => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const [problem, setProblem] = useState<string>();
  const customer = card?.customer;
  const { control, handleSubmit, formState } = useForm<Fields>({
    resolver: zodResolver(schemaFor(card)),
    defaultValues: {
      givenName: customer?.givenName ?? '',
      familyName: customer?.familyName ?? '',
      company: customer?.company ?? '',
      emails: customer?.emails.join(', ') ?? '',
      number: card ? '' : (number ?? ''),
      numberLabel: '',
      notes: customer?.notes ?? '',
    },
  });
  const submit = handleSubmit(async (fields) => {
    const draft = toDraft(fields, card);
    const result = card
      ? await send({ type: 'customers.update', customerId: card.customer.id, changes: draft })
      : await send({ type: 'customers.create', callId, customer: draft });
    if (!result.ok) {
      setProblem(
        t(`customer.error.${result.error.message}`, {
          defaultValue: result.error.issues?.[0]?.message ?? t('customer.error.failed'),
        }),
      );
      return;
    }
    setProblem(undefined);
    onDone?.();
  });
  return (
    <Form
      className="customer-form"
      aria-label={card ? t('customer.editTitle') : t('customer.createTitle')}
      onSubmit={(event) => void submit(event)}
      validationBehavior="aria"
    >
      <h3 className="customer-form__title">{card ? t('customer.editTitle') : t('customer.createTitle')}</h3>
      <div className="customer-form__row">
        {/* No autofocus: while the call rings, the keyboard belongs to Answer. */}
        <TextInput name="givenName" control={control} />
        <TextInput name="familyName" control={control} />
      </div>
      <TextInput name="company" control={control} />
      <TextInput name="emails" control={control} />
      <div className="customer-form__row">
        <TextInput name="number" control={control} />
        <TextInput name="numberLabel" control={control} />
      </div>
      <TextInput name="notes" control={control} multiline />
      {problem && (
        <p role="alert" className="field__error">
          {problem}
        </p>
      )}
      <div className="call__actions">
        <Button type="submit" className="button button--primary" isDisabled={formState.isSubmitting}>
          {card ? t('customer.saveChanges') : t('customer.create')}
        </Button>
        {onCancel && (
          <Button className="button" onPress={onCancel}>
            {t('customer.cancel')}
          </Button>
        )}
      </div>
    </Form>
  );
}
