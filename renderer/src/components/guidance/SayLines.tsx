import { useTranslation } from 'react-i18next';
import type { GuidanceLine } from '../../../../src/contract/index.js';

/**
 * Lines the agent may say, each as a quote. A variable the call does not have is already a "…" in
 * the text; the line is marked, and its title says what is missing.
 */
export function SayLines({ lines, className }: { lines: GuidanceLine[]; className?: string }) {
  const { t } = useTranslation();
  if (lines.length === 0) return null;
  return (
    <div className={className ? `say ${className}` : 'say'}>
      {lines.map((line, index) => {
        const gap = line.missing.length > 0;
        return (
          <blockquote
            key={index}
            className={gap ? 'say__line say__line--gap' : 'say__line'}
            title={
              gap
                ? t('guidance.missing', {
                    names: line.missing
                      .map((name) => t(`guidance.variable.${name}`, { defaultValue: name }))
                      .join(', '),
                  })
                : undefined
            }
          >
            <p>{line.text}</p>
          </blockquote>
        );
      })}
    </div>
  );
}

/** Advice for the agent, not to be read out. */
export function Tips({ tips }: { tips: string[] }) {
  const { t } = useTranslation();
  if (tips.length === 0) return null;
  return (
    <ul className="tips" aria-label={t('guidance.tips')}>
      {tips.map((tip, index) => (
        <li key={index}>{tip}</li>
      ))}
    </ul>
  );
}
