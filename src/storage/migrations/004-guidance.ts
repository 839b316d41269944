import type { Migration } from '../database.js';

/**
 * Live call guidance: the checklist items a line requires (its CRM configuration), the guidance
 * trail kept with each call's interaction, and a word index over the CRM's knowledge snippets.
 * The index follows `crm_documents` through triggers, so the sync needs to know nothing of it.
 */
export const guidance: Migration = {
  version: 4,
  name: 'guidance',
  up(db) {
    db.exec(`
      ALTER TABLE lines ADD COLUMN required_checks TEXT CHECK (required_checks IS NULL OR json_valid(required_checks));
      ALTER TABLE interactions ADD COLUMN guidance TEXT CHECK (guidance IS NULL OR json_valid(guidance));

      CREATE VIRTUAL TABLE knowledge_words USING fts5(
        external_id UNINDEXED, title, body, tags,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER knowledge_words_insert AFTER INSERT ON crm_documents WHEN new.kind = 'knowledge' BEGIN
        INSERT INTO knowledge_words (external_id, title, body, tags) VALUES (new.external_id,
          coalesce(json_extract(new.data, '$.title'), ''), coalesce(json_extract(new.data, '$.body'), ''),
          coalesce((SELECT group_concat(value, ' ') FROM json_each(new.data, '$.tags')), ''));
      END;
      CREATE TRIGGER knowledge_words_delete AFTER DELETE ON crm_documents WHEN old.kind = 'knowledge' BEGIN
        DELETE FROM knowledge_words WHERE external_id = old.external_id;
      END;
      CREATE TRIGGER knowledge_words_update AFTER UPDATE ON crm_documents BEGIN
        DELETE FROM knowledge_words WHERE external_id = old.external_id AND old.kind = 'knowledge';
        INSERT INTO knowledge_words (external_id, title, body, tags) SELECT new.external_id,
          coalesce(json_extract(new.data, '$.title'), ''), coalesce(json_extract(new.data, '$.body'), ''),
          coalesce((SELECT group_concat(value, ' ') FROM json_each(new.data, '$.tags')), '')
          WHERE new.kind = 'knowledge';
      END;
      INSERT INTO knowledge_words (external_id, title, body, tags)
        SELECT external_id, coalesce(json_extract(data, '$.title'), ''), coalesce(json_extract(data, '$.body'), ''),
          coalesce((SELECT group_concat(value, ' ') FROM json_each(data, '$.tags')), '')
        FROM crm_documents WHERE kind = 'knowledge';
    `);
  },
};
