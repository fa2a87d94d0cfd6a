"""Indexes for the keyword search of 新現役 (participants/selectors/search.py). PostgreSQL only.

Japanese is written without spaces between words, so a keyword must match as a substring
(「販路」 in 「海外販路開拓の経験」). Two GIN indexes over SeniorProfile.search_text serve that:

* ``participants_senior_search_trgm``: pg_trgm's gin_trgm_ops on the column itself. It serves
  ``search_text LIKE/ILIKE '%keyword%'`` for keywords of 3 or more characters (a trigram needs 3).
* ``participants_senior_search_grams``: a GIN index on the expression ``sks_search_grams(search_text)``,
  the lower-cased text cut into every single character and every pair of adjacent characters. A keyword of
  1 or 2 characters (「DX」, 「販路」, 「酒」) occurs in the text exactly when it is one of these, so
  ``sks_search_grams(search_text) @> ARRAY['dx']`` finds it through the index, with no recheck.
  pg_trgm cannot do this (a 2-character pattern gives it no trigram, so it scans the whole index) and
  pg_bigm, which would, is not packaged for Debian's PostgreSQL.
* ``participants_senior_search_recent``: a btree on (updated_at, id), the order of a search without
  keywords, so that its first page is read in order and stops after 20 rows instead of sorting them all.

No model field or Meta index declares these (they are expression/opclass indexes that SQLite cannot
have), so `makemigrations` knows nothing about them and SQLite skips this migration's work entirely.
"""

from django.db import migrations

GRAMS_INDEX = "participants_senior_search_grams"
TRGM_INDEX = "participants_senior_search_trgm"
RECENT_INDEX = "participants_senior_search_recent"

# Only pg_catalog functions in the body (it must survive pg_dump/restore with an empty search_path) and a
# single expression (no per-character SQL loop): ~45 µs for a 200-character profile. Pairs are cut twice,
# from the first and from the second character, so every adjacent pair appears whole in one of the two
# passes; pairs that contain whitespace are junk that no keyword asks for (keywords are split on it).
# PL/pgSQL rather than SQL so that the planner never inlines it, and COST says what it really costs
# (~2000 × cpu_operator_cost): inlined and priced as cheap, it was evaluated on every row of a parallel
# sequential scan (2.7 s on 100,000 profiles) instead of being read from the index.
GRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION sks_search_grams(t text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 2000 AS $$
BEGIN
  RETURN string_to_array(lower(t), NULL)
      || string_to_array(regexp_replace(lower(t), '(..)', '\1 ', 'g'), ' ')
      || string_to_array(regexp_replace(substr(lower(t), 2), '(..)', '\1 ', 'g'), ' ');
END
$$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("participants", "SeniorProfile")._meta.db_table)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(GRAMS_FUNCTION)
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON {table} USING gin (search_text gin_trgm_ops)")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {GRAMS_INDEX} ON {table} USING gin (sks_search_grams(search_text))"
    )
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {RECENT_INDEX} ON {table} (updated_at, id)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {RECENT_INDEX}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {GRAMS_INDEX}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
    schema_editor.execute("DROP FUNCTION IF EXISTS sks_search_grams(text)")
    # pg_trgm stays: another app may use it, and keeping an extension is harmless.


class Migration(migrations.Migration):
    dependencies = [("participants", "0002_load_reference_data")]

    operations = [migrations.RunPython(create, drop)]
