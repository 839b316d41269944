import type { KnowledgeSnippet } from '../contract/guidance.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../storage/database.js';
import type { CrmScriptRecord } from './library.js';

/**
 * What the guidance reads from the customer database: the scripts and knowledge snippets the CRM
 * sync stored (`crm_documents`), the snippets searched by words through `knowledge_words`.
 * `db` gives the cache's connection, or nothing while the cache is unavailable.
 */
export class GuidanceDocuments {
  private statements:
    | {
        db: Db;
        scripts: Statement<[]>;
        search: Statement<[string, number]>;
        get: Statement<[string]>;
        dispositions: Statement<[]>;
      }
    | undefined;

  constructor(private readonly db: () => Db | undefined) {}

  scripts(): CrmScriptRecord[] {
    const sql = this.sql();
    if (!sql) return [];
    return (sql.scripts.all() as { external_id: string; version: number; data: string }[]).map((row) => ({
      externalId: row.external_id,
      version: row.version,
      data: JSON.parse(row.data) as CrmScriptRecord['data'],
    }));
  }

  /** Snippets matching every word typed (each as a prefix), best first. */
  search(query: string, limit: number): KnowledgeSnippet[] {
    const sql = this.sql();
    if (!sql) return [];
    const words = query.match(/[\p{L}\p{N}]+/gu) ?? [];
    if (words.length === 0) return [];
    const match = words.map((word) => `"${word.replace(/"/g, '""')}"*`).join(' ');
    return (sql.search.all(match, limit) as { external_id: string; data: string }[]).map(toSnippet);
  }

  /** The CRM's dispositions (wrap-up outcomes), in their order; `lines` empty means every line. */
  dispositions(): { code: string; label: string; lines: string[] }[] {
    const sql = this.sql();
    if (!sql) return [];
    return (sql.dispositions.all() as { data: string }[])
      .map((row) => JSON.parse(row.data) as { code: string; label: string; lines?: string[]; order?: number })
      .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
      .map((d) => ({ code: d.code, label: d.label, lines: d.lines ?? [] }));
  }

  get(id: string): KnowledgeSnippet | undefined {
    const sql = this.sql();
    const row = sql?.get.get(id) as { external_id: string; data: string } | undefined;
    return row ? toSnippet(row) : undefined;
  }

  private sql() {
    const db = this.db();
    if (!db) return undefined;
    if (this.statements?.db !== db) {
      this.statements = {
        db,
        scripts: db.prepare<[]>("SELECT external_id, version, data FROM crm_documents WHERE kind = 'script'"),
        search: db.prepare<[string, number]>(`
          SELECT d.external_id, d.data FROM knowledge_words k JOIN crm_documents d ON d.external_id = k.external_id
          WHERE knowledge_words MATCH ? ORDER BY bm25(knowledge_words, 0, 8.0, 1.0, 4.0) LIMIT ?`),
        dispositions: db.prepare<[]>("SELECT data FROM crm_documents WHERE kind = 'disposition'"),
        get: db.prepare<[string]>(
          "SELECT external_id, data FROM crm_documents WHERE external_id = ? AND kind = 'knowledge'",
        ),
      };
    }
    return this.statements;
  }
}

function toSnippet(row: { external_id: string; data: string }): KnowledgeSnippet {
  const data = JSON.parse(row.data) as { title?: string; body?: string; tags?: string[]; language?: string };
  return {
    id: row.external_id,
    title: data.title ?? '',
    body: data.body ?? '',
    tags: data.tags ?? [],
    ...(data.language ? { language: data.language } : {}),
  };
}
