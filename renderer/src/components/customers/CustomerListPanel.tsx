import { useState } from 'react';
import { Button, FileTrigger } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { MAX_IMPORT_CHARS } from '../../../../src/contract/index.js';
import { useSoftphone } from '../../state/store.js';

/**
 * The local customer list for whoever looks after the desk: how many customers, what waits for the
 * CRM, and an import from a CSV file (the columns are in docs/customer-import.md), with the report
 * of rejected rows by line.
 */
export function CustomerListPanel() {
  const { t, i18n } = useTranslation();
  const status = useSoftphone((s) => s.customers);
  const send = useSoftphone((s) => s.send);
  const [problem, setProblem] = useState<string>();
  const number = (value: number) => value.toLocaleString(i18n.language);
  const running = status.import?.state === 'running';

  const importFile = async (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    setProblem(undefined);
    if (file.size > MAX_IMPORT_CHARS) {
      setProblem(t('customers.tooLarge', { name: file.name }));
      return;
    }
    const content = await file.text();
    const result = await send({ type: 'customers.import', fileName: file.name, content });
    if (!result.ok) {
      setProblem(
        t(`customers.error.${result.error.message}`, {
          defaultValue: result.error.issues?.[0]?.message ?? t('customers.error.failed'),
        }),
      );
    }
  };

  const report = status.import;
  return (
    <section className="settings customer-list" aria-labelledby="customer-list-title">
      <h2 id="customer-list-title">{t('customers.title')}</h2>
      {status.state === 'unavailable' ? (
        <p role="alert" className="notice notice--warning">
          {status.problem}
        </p>
      ) : (
        <p>
          {t('customers.count', { count: status.customers, formatted: number(status.customers) })}{' '}
          {status.pendingChanges > 0 && t('customers.pending', { count: status.pendingChanges })}
        </p>
      )}
      <FileTrigger acceptedFileTypes={['.csv', 'text/csv']} onSelect={(files) => void importFile(files)}>
        <Button className="button" isDisabled={running || status.state === 'unavailable'}>
          {t('customers.import')}
        </Button>
      </FileTrigger>
      <p className="field__help">{t('customers.importHelp')}</p>
      {problem && (
        <p role="alert" className="field__error">
          {problem}
        </p>
      )}
      {report && (
        <div role="status" aria-label={t('customers.importStatus')} className="customer-list__report">
          <p>
            {report.state === 'running'
              ? t('customers.running', { name: report.fileName, rows: number(report.rowsRead) })
              : report.state === 'done'
                ? t('customers.done', {
                    count: report.rejected,
                    name: report.fileName,
                    imported: number(report.imported),
                    rejected: number(report.rejected),
                  })
                : t('customers.failed', { name: report.fileName, problem: report.problem ?? '' })}
          </p>
          {report.rejections.length > 0 && (
            <ul aria-label={t('customers.rejectedRows')}>
              {report.rejections.map((row) => (
                <li key={row.line}>{t('customers.rejectedRow', { line: row.line, reason: row.reason })}</li>
              ))}
              {report.rejected > report.rejections.length && (
                <li>{t('customers.moreRejected', { count: report.rejected - report.rejections.length })}</li>
              )}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
