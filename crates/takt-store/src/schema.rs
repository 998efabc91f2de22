//! The file's schema: numbered, append-only migrations, each applied in one transaction with
//! the `user_version` that marks it. `application_id` marks a Takt file.

use rusqlite::Connection;

/// "TAKT" in ASCII: the `application_id` of every Takt document.
pub const APPLICATION_ID: i32 = 0x5441_4B54;

/// Migrations, in order; migration `i` brings the file to schema version `i + 1`. Never edit
/// one that has shipped: add a new one.
const MIGRATIONS: &[&str] = &[
    // 1: scenarios, their records, their edit history, snapshots of the current state.
    r#"
    CREATE TABLE scenarios (
        id       INTEGER PRIMARY KEY,
        name     TEXT NOT NULL UNIQUE,
        kind     TEXT NOT NULL CHECK (kind IN ('current', 'future')),
        parent   INTEGER REFERENCES scenarios(id) ON DELETE SET NULL,
        position INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX one_current_state ON scenarios(kind) WHERE kind = 'current';

    -- A map is records keyed by kind and id, in the order of their collections.
    CREATE TABLE records (
        scenario INTEGER NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
        kind     TEXT NOT NULL,
        id       TEXT NOT NULL,
        position INTEGER NOT NULL,
        body     TEXT NOT NULL,
        PRIMARY KEY (scenario, kind, id)
    ) WITHOUT ROWID;
    CREATE INDEX records_in_order ON records(scenario, kind, position);

    -- Every edit, with its diff: undo applies the inverse, redo the diff again.
    CREATE TABLE history (
        scenario INTEGER NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
        seq      INTEGER NOT NULL,
        op       TEXT NOT NULL,
        diff     TEXT NOT NULL,
        undone   INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
        PRIMARY KEY (scenario, seq)
    ) WITHOUT ROWID;

    -- Dated copies of the current state, for control charts.
    CREATE TABLE snapshots (
        id       INTEGER PRIMARY KEY,
        scenario INTEGER NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
        taken    TEXT NOT NULL,
        label    TEXT NOT NULL DEFAULT '',
        body     TEXT NOT NULL
    );
    "#,
    // 2: the audit trail: who changed what and when, appended with every edit, undo and redo
    // and every change of the scenarios; the triggers refuse to change or delete a row, so
    // nothing can rewrite it. The edits made before it (in `history`, not undone) come first,
    // with no time and no author ("unknown"). The scenario is kept by id and by its name at the
    // time, without a reference: deleting a scenario keeps its trail.
    r#"
    CREATE TABLE audit (
        seq         INTEGER PRIMARY KEY,
        at          TEXT,
        author      TEXT,
        scenario    INTEGER NOT NULL,
        scenario_name TEXT NOT NULL,
        action      TEXT NOT NULL CHECK (action IN
                        ('edit', 'undo', 'redo', 'fork', 'rename', 'delete', 'snapshot')),
        diff        TEXT NOT NULL DEFAULT '{"changes":[]}',
        note        TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_by_scenario ON audit(scenario, seq);
    CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    INSERT INTO audit (at, author, scenario, scenario_name, action, diff)
        SELECT NULL, NULL, h.scenario, s.name, 'edit', h.diff
        FROM history h JOIN scenarios s ON s.id = h.scenario
        WHERE h.undone = 0
        ORDER BY s.position, h.seq;
    "#,
    // 3: each snapshot's headline metrics (a JSON array in `compare::HEADLINE` order), written
    // when it is taken, so a trend reads them without reading and analysing every map. The
    // snapshots of older files get theirs the first time a trend needs them.
    r#"
    ALTER TABLE snapshots ADD COLUMN metrics TEXT;
    "#,
];

/// The schema version this program writes.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// Brings a file from schema `from` to the current one: every pending migration in one
/// transaction, so a file is never left between two versions.
pub fn migrate(conn: &mut Connection, from: i32) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    for sql in MIGRATIONS.iter().skip(from.max(0) as usize) {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()
}

/// The schema a Takt file of `version` has: every table, index and trigger with its SQL, by
/// name, as the migrations make it (in memory). A file whose schema differs is not one Takt
/// wrote, or is damaged: SQLite reads some damage (a CHECK that names no column) without a
/// complaint through a read-only connection and finds it only when it writes.
pub fn expected(version: i32) -> rusqlite::Result<Vec<SchemaEntry>> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch("BEGIN")?;
    for sql in MIGRATIONS.iter().take(version.max(0) as usize) {
        conn.execute_batch(sql)?;
    }
    let entries = entries(&conn)?;
    conn.execute_batch("COMMIT")?;
    Ok(entries)
}

/// One object of a schema: type, name, table and SQL.
pub type SchemaEntry = (String, String, String, Option<String>);

/// The schema of a connection's main database, by name.
pub fn entries(conn: &Connection) -> rusqlite::Result<Vec<SchemaEntry>> {
    let mut st =
        conn.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name")?;
    // Read as bytes: damaged text is compared (and found different), not an error.
    let text = |r: &rusqlite::Row, i: usize| -> rusqlite::Result<Option<String>> {
        Ok(r.get_ref(i)?
            .as_bytes_or_null()
            .ok()
            .flatten()
            .map(|b| String::from_utf8_lossy(b).into_owned()))
    };
    let rows = st.query_map([], |r| {
        Ok((
            text(r, 0)?.unwrap_or_default(),
            text(r, 1)?.unwrap_or_default(),
            text(r, 2)?.unwrap_or_default(),
            text(r, 3)?,
        ))
    })?;
    rows.collect()
}
