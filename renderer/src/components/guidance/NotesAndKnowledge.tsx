import { useEffect, useId, useRef, useState } from 'react';
import { Button, Input, Label, SearchField, Text, TextArea, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { KnowledgeSnippet, type GuidanceView } from '../../../../src/contract/index.js';
import { useSoftphone } from '../../state/store.js';
import type { Act } from './guidanceState.js';

const DEBOUNCE_MS = 300;
const NOTES_MAX = 8000;
const EXCERPT_CHARS = 180;

/** What knowledge.search answers: the snippets, as a list or wrapped in an object. */
const SearchAnswer = z.union([
  z.array(KnowledgeSnippet),
  z.object({ snippets: z.array(KnowledgeSnippet) }).transform((answer) => answer.snippets),
]);

function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS).trimEnd()}…` : flat;
}

/** Knowledge snippets found by words, each a press away from the notes; folded away until wanted. */
function Knowledge({ act, onInsert }: { act: Act; onInsert: (snippet: KnowledgeSnippet) => Promise<boolean> }) {
  const { t } = useTranslation();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<KnowledgeSnippet[]>();
  const [problem, setProblem] = useState<string>();
  const [inserted, setInserted] = useState<string>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  /** Only the answer to the latest search is shown. */
  const asked = useRef(0);
  useEffect(() => () => clearTimeout(timer.current), []);

  const search = (value: string) => {
    setQuery(value);
    clearTimeout(timer.current);
    const text = value.trim();
    const mine = ++asked.current;
    if (!text) {
      setResults(undefined);
      setProblem(undefined);
      return;
    }
    timer.current = setTimeout(() => {
      void act({ type: 'knowledge.search', query: text.slice(0, 200), limit: 10 }, { quiet: true }).then((result) => {
        if (mine !== asked.current) return;
        const parsed = result.ok ? SearchAnswer.safeParse(result.value ?? []) : undefined;
        if (parsed?.success) {
          setResults(parsed.data);
          setProblem(undefined);
        } else setProblem(t('guidance.knowledge.failed'));
      });
    }, DEBOUNCE_MS);
  };

  return (
    <div className="knowledge">
      <Button className="disclosure" aria-expanded={open} onPress={() => setOpen(!open)}>
        <span aria-hidden="true" className="disclosure__mark">
          {open ? '▾' : '▸'}
        </span>{' '}
        {t('guidance.knowledge.title')}
      </Button>
      {open && (
        <div className="knowledge__body">
          <SearchField className="field" value={query} onChange={search} autoFocus>
            <Label>{t('guidance.knowledge.search')}</Label>
            <Input placeholder={t('guidance.knowledge.hint')} maxLength={200} />
          </SearchField>
          {problem && (
            <p role="alert" className="field__error">
              {problem}
            </p>
          )}
          {results && results.length === 0 && <p className="pop__muted">{t('guidance.knowledge.none')}</p>}
          {results && results.length > 0 && (
            <ul className="knowledge__results" aria-label={t('guidance.knowledge.results')}>
              {results.map((snippet) => (
                <li key={snippet.id} className="knowledge__item">
                  <strong id={`${id}-${snippet.id}`} className="knowledge__title">
                    {snippet.title}
                  </strong>
                  <p className="knowledge__excerpt">{excerpt(snippet.body)}</p>
                  <div className="knowledge__actions">
                    <Button
                      className="button button--small"
                      aria-describedby={`${id}-${snippet.id}`}
                      onPress={() => void onInsert(snippet).then((ok) => setInserted(ok ? snippet.id : undefined))}
                    >
                      {t('guidance.knowledge.insert')}
                    </Button>
                    {inserted === snippet.id && (
                      <span className="knowledge__done" role="status">
                        {t('guidance.knowledge.inserted')}
                      </span>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

/**
 * The agent's notes on the call, saved as they are typed. The text typed stays put while the core
 * echoes it back; a change from elsewhere (a knowledge snippet inserted) replaces it.
 */
export function NotesAndKnowledge({ view, act }: { view: GuidanceView; act: Act }) {
  const { t } = useTranslation();
  const callId = view.callId;
  const [text, setText] = useState(view.notes);
  const [seen, setSeen] = useState(view.notes);
  /** What was sent lately: the core's echoes of these are not news. */
  const [sent, setSent] = useState<string[]>([]);
  if (view.notes !== seen) {
    setSeen(view.notes);
    if (!sent.includes(view.notes)) setText(view.notes);
  }
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  /** Typed but not sent yet. */
  const unsent = useRef<string>(undefined);
  const lastChange = useRef(0);

  // Leaving the call (another one rings, the panel closes) keeps what was typed.
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      if (unsent.current !== undefined)
        void useSoftphone.getState().send({ type: 'guidance.notes', callId, notes: unsent.current });
    },
    [callId],
  );

  const save = (notes: string) => {
    clearTimeout(timer.current);
    unsent.current = undefined;
    setSent((before) => [...before.slice(-19), notes]);
    return act({ type: 'guidance.notes', callId, notes });
  };

  const insert = async (snippet: KnowledgeSnippet) => {
    if (unsent.current !== undefined) await save(unsent.current);
    const result = await act({ type: 'knowledge.use', callId, snippetId: snippet.id });
    return result.ok;
  };

  return (
    <div className="guidance-notes">
      <TextField
        className="field notes"
        value={text}
        onChange={(value) => {
          setText(value);
          unsent.current = value;
          clearTimeout(timer.current);
          // The first change after a pause (a paste, a quick word before the call ends) goes at
          // once; while typing goes on, the text goes when it stops for a moment.
          const quiet = Date.now() - lastChange.current > DEBOUNCE_MS;
          lastChange.current = Date.now();
          if (quiet) void save(value);
          else timer.current = setTimeout(() => void save(value), DEBOUNCE_MS);
        }}
        onBlur={() => {
          if (unsent.current !== undefined) void save(unsent.current);
        }}
      >
        <Label>{t('guidance.notes')}</Label>
        <TextArea rows={4} maxLength={NOTES_MAX} />
        <Text slot="description" className="field__help">
          {t('guidance.notesHelp')}
        </Text>
      </TextField>
      <Knowledge act={act} onInsert={insert} />
    </div>
  );
}
