// SQLiteStorage schema: the migrations that create and evolve the hub's SQLite file.
import Foundation
import GRDB
import Storage

enum Schema {
    /// All migrations, in order. Never edit a shipped migration; add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core") { db in
            try db.execute(sql: """
            CREATE TABLE organization (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                sector TEXT, size TEXT, country TEXT,
                created_at REAL NOT NULL
            );
            CREATE TABLE user (
                id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL REFERENCES organization(id),
                email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                role TEXT NOT NULL,
                password_hash TEXT,
                created_at REAL NOT NULL
            );
            CREATE INDEX user_by_org ON user(organization_id);
            CREATE TABLE api_token (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                secret_hash TEXT NOT NULL UNIQUE,
                label TEXT NOT NULL,
                created_at REAL NOT NULL
            );
            CREATE TABLE feed (
                key INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                title TEXT NOT NULL,
                description TEXT,
                severity TEXT NOT NULL,
                created_at REAL NOT NULL
            );
            CREATE TABLE feed_grant (
                feed_id TEXT NOT NULL REFERENCES feed(id),
                organization_id TEXT NOT NULL REFERENCES organization(id),
                can_read INTEGER NOT NULL,
                can_write INTEGER NOT NULL,
                PRIMARY KEY (feed_id, organization_id)
            );
            CREATE INDEX feed_grant_by_org ON feed_grant(organization_id);
            CREATE TABLE submission (
                id TEXT PRIMARY KEY,
                feed_id TEXT NOT NULL,
                organization_id TEXT NOT NULL,
                user_id TEXT,
                request_timestamp TEXT NOT NULL,
                outcome BLOB NOT NULL
            );
            -- One row per stored STIX object version. `position` is the paging key: strictly
            -- increasing, as is date_added_us. version_us is -1 for objects without a version.
            CREATE TABLE object_version (
                position INTEGER PRIMARY KEY AUTOINCREMENT,
                feed_key INTEGER NOT NULL REFERENCES feed(key),
                stix_id TEXT NOT NULL,
                type TEXT NOT NULL,
                spec_version TEXT NOT NULL,
                version TEXT,
                version_us INTEGER NOT NULL,
                date_added_us INTEGER NOT NULL,
                is_latest INTEGER NOT NULL,
                is_first INTEGER NOT NULL,
                submission_id TEXT NOT NULL,
                provider_org_id TEXT NOT NULL,
                release_id TEXT NOT NULL DEFAULT '',
                tlp TEXT,
                json BLOB NOT NULL,
                UNIQUE (feed_key, stix_id, version_us, release_id, provider_org_id)
            );
            CREATE INDEX object_by_submission ON object_version(submission_id, release_id);
            CREATE INDEX object_by_release ON object_version(release_id) WHERE release_id <> '';
            CREATE INDEX object_latest ON object_version(feed_key, is_latest, position);
            CREATE INDEX object_by_type ON object_version(feed_key, type, position);
            CREATE INDEX object_by_date_added ON object_version(date_added_us);
            """)
        }
        migrator.registerMigration("v2-groups") { db in
            try db.execute(sql: """
            CREATE TABLE trust_group (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                created_at REAL NOT NULL
            );
            CREATE TABLE trust_group_member (
                group_id TEXT NOT NULL REFERENCES trust_group(id) ON DELETE CASCADE,
                organization_id TEXT NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
                PRIMARY KEY (group_id, organization_id)
            );
            CREATE INDEX trust_group_member_by_org ON trust_group_member(organization_id);
            CREATE TABLE feed_group_grant (
                feed_id TEXT NOT NULL REFERENCES feed(id),
                group_id TEXT NOT NULL REFERENCES trust_group(id) ON DELETE CASCADE,
                can_read INTEGER NOT NULL,
                can_write INTEGER NOT NULL,
                PRIMARY KEY (feed_id, group_id)
            );
            CREATE TABLE organization_identifier (
                organization_id TEXT NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (organization_id, kind, value)
            );
            """)
        }
        migrator.registerMigration("v3-audit") { db in
            try db.execute(sql: """
            CREATE TABLE audit_entry (
                sequence INTEGER PRIMARY KEY,
                recorded_at TEXT NOT NULL,
                action TEXT NOT NULL,
                actor_user_id TEXT,
                actor_organization_id TEXT,
                subject TEXT NOT NULL,
                details BLOB NOT NULL,
                previous_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE INDEX audit_by_subject ON audit_entry(subject);
            -- Append-only: the hub never updates or deletes audit entries.
            CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
            CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
            """)
        }
        migrator.registerMigration("v4-releases") { db in
            try db.execute(sql: """
            -- Who may read each stored version: one row per audience key (see Storage.Audience).
            CREATE TABLE object_audience (
                feed_key INTEGER NOT NULL,
                audience TEXT NOT NULL,
                position INTEGER NOT NULL REFERENCES object_version(position) ON DELETE CASCADE,
                PRIMARY KEY (feed_key, audience, position)
            ) WITHOUT ROWID;
            CREATE INDEX object_audience_by_position ON object_audience(position);
            CREATE TABLE release (
                id TEXT PRIMARY KEY,
                submission_id TEXT NOT NULL REFERENCES submission(id),
                provider_org_id TEXT NOT NULL,
                scope BLOB NOT NULL,
                anonymized INTEGER NOT NULL,
                kind TEXT NOT NULL,
                created_by TEXT,
                created_at TEXT NOT NULL,
                revoked_at TEXT,
                revoked_by TEXT
            );
            CREATE INDEX release_by_submission ON release(submission_id);
            CREATE TABLE delivery (
                organization_id TEXT NOT NULL,
                submission_id TEXT NOT NULL,
                release_id TEXT,
                stix_id TEXT NOT NULL,
                version TEXT NOT NULL,
                delivered_at TEXT NOT NULL,
                path TEXT NOT NULL
            );
            CREATE INDEX delivery_by_submission ON delivery(submission_id, organization_id);
            """)
        }
        migrator.registerMigration("v5-proposals") { db in
            try db.execute(sql: """
            CREATE TABLE proposal (
                id TEXT PRIMARY KEY,
                submission_id TEXT NOT NULL REFERENCES submission(id),
                provider_org_id TEXT NOT NULL,
                body BLOB NOT NULL,
                state TEXT NOT NULL,
                proposed_at TEXT NOT NULL
            );
            CREATE INDEX proposal_by_provider ON proposal(provider_org_id, proposed_at);
            CREATE TABLE standing_consent (
                organization_id TEXT PRIMARY KEY REFERENCES organization(id),
                rules BLOB NOT NULL
            );
            """)
        }
        migrator.registerMigration("v6-corroboration") { db in
            try db.execute(sql: """
            CREATE TABLE observable_report (
                observable TEXT NOT NULL,
                organization_id TEXT NOT NULL,
                submission_id TEXT NOT NULL,
                PRIMARY KEY (observable, organization_id)
            ) WITHOUT ROWID;
            CREATE TABLE corroborated_observable (
                observable TEXT PRIMARY KEY,
                released_at TEXT NOT NULL
            ) WITHOUT ROWID;
            """)
        }
        migrator.registerMigration("v7-submission-details") { db in
            try db.execute(sql: """
            CREATE TABLE submission_detail (
                submission_id TEXT PRIMARY KEY REFERENCES submission(id),
                kind TEXT NOT NULL,
                detail BLOB NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE sample (
                sha256 TEXT NOT NULL,
                submission_id TEXT NOT NULL REFERENCES submission(id),
                file_object_id TEXT NOT NULL,
                name TEXT,
                size INTEGER NOT NULL,
                PRIMARY KEY (sha256, submission_id)
            ) WITHOUT ROWID;
            CREATE TABLE observation_hour (
                feed_key INTEGER NOT NULL,
                hour_start_us INTEGER NOT NULL,
                source TEXT NOT NULL,
                stix_id TEXT NOT NULL,
                submission_id TEXT NOT NULL,
                PRIMARY KEY (feed_key, hour_start_us, source, stix_id)
            ) WITHOUT ROWID;
            """)
        }
        migrator.registerMigration("v8-clients") { db in
            try db.execute(sql: """
            CREATE TABLE organization_client (
                organization_id TEXT NOT NULL REFERENCES organization(id),
                client_id TEXT NOT NULL REFERENCES organization(id),
                PRIMARY KEY (organization_id, client_id)
            ) WITHOUT ROWID;
            CREATE INDEX organization_client_by_client ON organization_client(client_id);
            """)
        }
        migrator.registerMigration("v9-date-added-by-position") { db in
            // date_added_us grows with position, so `added_after` is answered by a binary search
            // over positions (ObjectVersions.firstPosition(addedAfter:)) and the newest by the last
            // position: this index only cost a B-tree insert per stored version.
            try db.execute(sql: "DROP INDEX IF EXISTS object_by_date_added")
        }
        migrator.registerMigration("v10-hashed-keys") { db in
            // STIX ids and observables are indexed by their 64-bit hash (KeyHash): the text keys of
            // the unique series index and of observable_report made each submission dirty a page per
            // object. Uniqueness of a stored version is now checked by `insert`, which runs under
            // the single writer, and every read compares the text beside the hash.
            // The table is rebuilt (SQLite cannot drop a table constraint); foreign keys are off
            // during a GRDB migration and checked at its end, so object_audience keeps its rows.
            // object_latest (feed, is_latest, position) and object_by_type (feed, type, position) are
            // not rebuilt (nor object_by_submission, see below): a reader's listing walks the audience index in position order (filters on
            // type and latest are checked on the rows it reaches), and the hub's own reads go by
            // submission or by id; each only cost a B-tree insert per stored version.
            db.add(function: KeyHash.function)
            try db.execute(sql: """
            CREATE TABLE object_version_hashed (
                position INTEGER PRIMARY KEY AUTOINCREMENT,
                feed_key INTEGER NOT NULL REFERENCES feed(key),
                stix_id TEXT NOT NULL,
                id_hash INTEGER NOT NULL,
                type TEXT NOT NULL,
                spec_version TEXT NOT NULL,
                version TEXT,
                version_us INTEGER NOT NULL,
                date_added_us INTEGER NOT NULL,
                is_latest INTEGER NOT NULL,
                is_first INTEGER NOT NULL,
                submission_id TEXT NOT NULL,
                provider_org_id TEXT NOT NULL,
                release_id TEXT NOT NULL DEFAULT '',
                tlp TEXT,
                json BLOB NOT NULL
            );
            INSERT INTO object_version_hashed (position, feed_key, stix_id, id_hash, type, spec_version, version,
                version_us, date_added_us, is_latest, is_first, submission_id, provider_org_id, release_id, tlp, json)
            SELECT position, feed_key, stix_id, kakehashi_key_hash(stix_id), type, spec_version, version,
                version_us, date_added_us, is_latest, is_first, submission_id, provider_org_id, release_id, tlp, json
            FROM object_version ORDER BY position;
            """)
            // Positions of deleted versions are never given again: the new table continues the old
            // one's AUTOINCREMENT sequence, not merely its largest remaining position.
            let sequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'object_version'") ?? 0
            try db.execute(sql: """
            DROP TABLE object_version;
            ALTER TABLE object_version_hashed RENAME TO object_version;
            UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'object_version';
            INSERT INTO sqlite_sequence (name, seq) SELECT 'object_version', ?
              WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'object_version');
            CREATE INDEX object_by_id ON object_version(feed_key, id_hash);
            CREATE INDEX object_by_release ON object_version(release_id) WHERE release_id <> '';

            -- A submission's originals are inserted in one transaction by the single writer, so
            -- their positions are one unbroken run: the submission row keeps its first and last
            -- position instead of an index on object_version(submission_id) (a B-tree insert with a
            -- 36-byte key for every stored version). Released copies are found by release_id.
            ALTER TABLE submission ADD COLUMN first_position INTEGER;
            ALTER TABLE submission ADD COLUMN last_position INTEGER;
            UPDATE submission SET first_position = span.first, last_position = span.last
            FROM (SELECT submission_id, MIN(position) AS first, MAX(position) AS last FROM object_version
                  WHERE release_id = '' GROUP BY submission_id) AS span
            WHERE submission.id = span.submission_id;

            -- Without its index by position (and so without the foreign key, which would scan the
            -- table for every deleted version): deletes remove audience rows by key (removeAudiences).
            CREATE TABLE object_audience_keyed (
                feed_key INTEGER NOT NULL,
                audience TEXT NOT NULL,
                position INTEGER NOT NULL,
                PRIMARY KEY (feed_key, audience, position)
            ) WITHOUT ROWID;
            INSERT INTO object_audience_keyed (feed_key, audience, position)
            SELECT feed_key, audience, position FROM object_audience;
            DROP TABLE object_audience;
            ALTER TABLE object_audience_keyed RENAME TO object_audience;

            CREATE TABLE observable_report_hashed (
                observable_hash INTEGER NOT NULL,
                observable TEXT NOT NULL,
                organization_id TEXT NOT NULL,
                submission_id TEXT NOT NULL
            );
            INSERT INTO observable_report_hashed (observable_hash, observable, organization_id, submission_id)
            SELECT kakehashi_key_hash(observable), observable, organization_id, submission_id FROM observable_report;
            DROP TABLE observable_report;
            ALTER TABLE observable_report_hashed RENAME TO observable_report;
            CREATE INDEX observable_report_by_hash ON observable_report(observable_hash);
            """, arguments: [sequence, sequence])
        }
        migrator.registerMigration("v11-account-status") { db in
            // Tokens can be revoked and users and organisations disabled (the records stay, for the
            // audit's sake). `account_generation` counts every change to what decides a sign-in or a
            // reader's rights, whichever process makes it: the triggers bump it in the changing
            // transaction, so a server's caches see the CLI's `token revoke` or `user disable` on
            // the next request (HubStore.accountsGeneration).
            try db.execute(sql: """
            ALTER TABLE organization ADD COLUMN disabled_at REAL;
            ALTER TABLE user ADD COLUMN disabled_at REAL;
            ALTER TABLE api_token ADD COLUMN revoked_at REAL;
            CREATE INDEX api_token_by_user ON api_token(user_id);
            CREATE TABLE account_generation (
                id INTEGER PRIMARY KEY CHECK (id = 0),
                value INTEGER NOT NULL
            );
            INSERT INTO account_generation (id, value) VALUES (0, 0);
            """)
            for table in ["organization", "user", "api_token", "feed", "feed_grant", "trust_group",
                          "trust_group_member", "feed_group_grant", "organization_client"] {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    try db.execute(sql: """
                    CREATE TRIGGER \(table)_\(event.lowercased())_generation AFTER \(event) ON \(table)
                    BEGIN UPDATE account_generation SET value = value + 1 WHERE id = 0; END;
                    """)
                }
            }
        }
        migrator.registerMigration("v12-corroboration-gate") { db in
            // k-corroboration counts only independent reports of values nobody holds back (issue 12):
            // - observable_report.independent: 0 when the organisation had received the value from
            //   the hub (a delivery of any object of a submission that carried it) before reporting it;
            // - observable_source: every submission that carried each observable (hub content and
            //   the corroborated indicators too), to find those deliveries;
            // - held_value: values some submission marked TLP:RED or AMBER+STRICT, and victim
            //   identifiers, which never count;
            // - observable_probe: reports that matched other organisations' held data.
            try db.execute(sql: """
            ALTER TABLE observable_report ADD COLUMN independent INTEGER NOT NULL DEFAULT 1;
            CREATE TABLE observable_source (
                observable_hash INTEGER NOT NULL,
                submission_id TEXT NOT NULL
            );
            CREATE INDEX observable_source_by_hash ON observable_source(observable_hash);
            INSERT INTO observable_source (observable_hash, submission_id)
            SELECT observable_hash, submission_id FROM observable_report;
            CREATE TABLE held_value (
                value_hash INTEGER NOT NULL,
                value TEXT NOT NULL,
                organization_id TEXT NOT NULL,
                submission_id TEXT NOT NULL,
                is_range INTEGER NOT NULL
            );
            CREATE INDEX held_value_by_hash ON held_value(value_hash);
            CREATE INDEX held_value_ranges ON held_value(is_range) WHERE is_range = 1;
            CREATE TABLE observable_probe (
                organization_id TEXT NOT NULL,
                submission_id TEXT NOT NULL,
                observable TEXT NOT NULL,
                holders INTEGER NOT NULL,
                recorded_at TEXT NOT NULL
            );
            """)
            // What earlier submissions held: which of their objects carried which value was not
            // recorded, so every value reported by a submission with a RED or AMBER+STRICT object is
            // held (more than needed, never less), and every stored victim identifier.
            let strict = try Row.fetchAll(db, sql: """
                SELECT r.observable, r.organization_id, r.submission_id FROM observable_report r
                JOIN submission s ON s.id = r.submission_id
                WHERE EXISTS (SELECT 1 FROM object_version o WHERE o.position BETWEEN s.first_position AND s.last_position
                              AND o.tlp IN ('red', 'amber+strict'))
                """)
            for row in strict {
                try SQLiteHubStore.hold([ObservableKey.bareValue(of: row[0])], organizationID: row[1],
                                        submissionID: row[2], in: db)
            }
            let details = try Row.fetchAll(db, sql: """
                SELECT d.detail, s.organization_id, s.id FROM submission_detail d JOIN submission s ON s.id = d.submission_id
                """)
            for row in details {
                guard let detail = try? JSONDecoder().decode(SubmissionDetail.self, from: row[0] as Data) else { continue }
                try SQLiteHubStore.hold(detail.victimIdentifiers.map(ObservableKey.heldValue(ofIdentifier:)),
                                        organizationID: row[1], submissionID: row[2], in: db)
            }
        }
        migrator.registerMigration("v13-reader-since") { db in
            // When each way of reading became an organisation's (microseconds since the epoch): a
            // reader dates what it may newly see by it (ReadScope). Rows made before this migration
            // keep 0, "from the start", as they were read until now.
            try db.execute(sql: """
            ALTER TABLE trust_group_member ADD COLUMN since_us INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE organization_client ADD COLUMN since_us INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE feed_grant ADD COLUMN read_since_us INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE feed_group_grant ADD COLUMN read_since_us INTEGER NOT NULL DEFAULT 0;
            """)
        }
        migrator.registerMigration("v16-sightings") { db in
            // Members' sighting reports, one row per (report, observable), looked up by observable
            // (counts, false-positive review), by indicator and by organisation (metrics); and the
            // values false-positive reports put on review.
            try db.execute(sql: """
            CREATE TABLE sighting (
                id TEXT NOT NULL,
                observable TEXT NOT NULL,
                organization_id TEXT NOT NULL,
                user_id TEXT,
                indicator_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                count INTEGER NOT NULL,
                first_seen TEXT,
                last_seen TEXT,
                named INTEGER NOT NULL,
                recorded_at TEXT NOT NULL,
                via TEXT NOT NULL,
                stix_id TEXT,
                PRIMARY KEY (id, observable)
            );
            CREATE INDEX sighting_by_observable ON sighting(observable);
            CREATE INDEX sighting_by_indicator ON sighting(indicator_id);
            CREATE INDEX sighting_by_organization ON sighting(organization_id);
            CREATE TABLE sighting_review (
                observable TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                organizations INTEGER NOT NULL,
                placed_at TEXT NOT NULL,
                cleared_at TEXT,
                cleared_by TEXT
            );
            """)
        }
        migrator.registerMigration("v15-campaigns") { db in
            // Campaigns (issue 14): each submission's campaign traits as the engine serialises them
            // (read back in sequence order to re-cluster), and the campaign records the analysts
            // work on, as JSON (read whole; a hub has thousands, not millions).
            try db.execute(sql: """
            CREATE TABLE submission_traits (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                submission_id TEXT NOT NULL UNIQUE,
                organization_id TEXT NOT NULL,
                traits BLOB NOT NULL,
                recorded_at TEXT NOT NULL
            );
            CREATE TABLE campaign (
                id TEXT PRIMARY KEY,
                status TEXT NOT NULL,
                record BLOB NOT NULL,
                updated_at TEXT NOT NULL
            );
            """)
        }
        migrator.registerMigration("v14-observable-index") { db in
            // The observable index (Storage.ObservableIndexStore): one row per normalised value of a
            // stored original version. Keyed by the version's position first, so that a delete or a
            // revocation removes a version's rows by its key, and looked up by the value's 64-bit
            // hash (KeyHash) through the second index; the text is compared on every read. Not
            // folded into observable_source: that table keeps every submission that ever carried a
            // key (who had what, for the corroboration gate) and must not forget revoked versions,
            // while this one must.
            try db.execute(sql: """
            CREATE TABLE observable_entry (
                position INTEGER NOT NULL,
                value_hash INTEGER NOT NULL,
                kind TEXT NOT NULL,
                value TEXT NOT NULL,
                submission_id TEXT NOT NULL,
                organization_id TEXT NOT NULL,
                held_back INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (position, value_hash, kind)
            ) WITHOUT ROWID;
            CREATE INDEX observable_entry_by_value ON observable_entry(value_hash);
            """)
        }
        migrator.registerMigration("v18-feed-flow") { db in
            // Feed flow (issue 16): a feed's own decay settings (FeedDecay as JSON, NULL: the hub's
            // defaults) and each organisation's consumer tier. Both tables already bump the
            // account generation on UPDATE (v11 triggers), so caches see the change.
            try db.execute(sql: """
            ALTER TABLE feed ADD COLUMN decay TEXT;
            ALTER TABLE organization ADD COLUMN tier TEXT NOT NULL DEFAULT 'medium';
            """)
        }
        migrator.registerMigration("v19-alerts") { db in
            // Alerts (issue 16, Storage.AlertStore): members' subscriptions; one delivery row per
            // subscription, object version and channel (`key` unique: a decision taken twice stores
            // one), found by due time and by user; and the object-log cursor of the alert dispatch
            // (written with the first subscription, at the head then: existing content raises no
            // alerts; not here, so that a migrated empty hub stays empty for `kakehashi migrate`).
            try db.execute(sql: """
            CREATE TABLE alert_subscription (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL,
                organization_id TEXT NOT NULL,
                feed_id TEXT,
                minimum_severity TEXT NOT NULL,
                campaign TEXT,
                sector TEXT,
                watched TEXT NOT NULL,
                email INTEGER NOT NULL,
                webhook_url TEXT,
                webhook_secret TEXT,
                digest TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            CREATE INDEX alert_subscription_by_user ON alert_subscription(user_id);
            CREATE TABLE alert_delivery (
                id TEXT PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                subscription_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                channel TEXT NOT NULL,
                cadence TEXT NOT NULL,
                feed_id TEXT NOT NULL,
                stix_id TEXT NOT NULL,
                version TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_us INTEGER NOT NULL,
                last_error TEXT,
                created_at TEXT NOT NULL,
                sent_at TEXT
            );
            CREATE INDEX alert_delivery_due ON alert_delivery(status, next_attempt_us);
            CREATE INDEX alert_delivery_by_user ON alert_delivery(user_id, created_at);
            CREATE TABLE alert_cursor (
                name TEXT PRIMARY KEY,
                position INTEGER NOT NULL
            );
            """)
        }
        migrator.registerMigration("v20-portal-sessions") { db in
            // The web portal's sessions (issue 15): by the SHA-256 of the cookie's token, never the
            // token; gone with their user.
            try db.execute(sql: """
            CREATE TABLE portal_session (
                token_hash TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                csrf_token TEXT NOT NULL,
                created_at REAL NOT NULL,
                last_seen_at REAL NOT NULL
            );
            CREATE INDEX portal_session_by_user ON portal_session(user_id);
            """)
        }
        migrator.registerMigration("v17-object-search") { db in
            // Object search (Storage.ObjectSearchStore): one row per stored version with searchable
            // text, its tokens pre-computed by Storage.SearchTokens (space-separated), keyed by the
            // version's position; an external-content FTS5 index over it, kept by triggers (so
            // `kakehashi migrate` copies only object_search and the index fills itself). The
            // `ascii` tokenizer splits only on ASCII separators: each stored token stays one token,
            // and the matching is the same as PostgreSQL's over the same tokens.
            try db.execute(sql: """
            CREATE TABLE object_search (
                position INTEGER PRIMARY KEY,
                title TEXT NOT NULL,
                body TEXT NOT NULL
            );
            CREATE VIRTUAL TABLE object_search_fts USING fts5(
                title, body, content = 'object_search', content_rowid = 'position', tokenize = 'ascii'
            );
            CREATE TRIGGER object_search_added AFTER INSERT ON object_search BEGIN
                INSERT INTO object_search_fts (rowid, title, body) VALUES (new.position, new.title, new.body);
            END;
            CREATE TRIGGER object_search_removed AFTER DELETE ON object_search BEGIN
                INSERT INTO object_search_fts (object_search_fts, rowid, title, body)
                VALUES ('delete', old.position, old.title, old.body);
            END;
            """)
            try SQLiteHubStore.backfillSearch(in: db)
        }
        migrator.registerMigration("v26-index-ingest") { db in
            // The observable index's backfill (Storage.ObservableIndexStore): versions stored before
            // v14-observable-index have no entries. Their entries need the domain's STIX reading, so
            // the migration only records the work — every original version stored so far, done in
            // chunks by `kakehashi correlation reindex` and by `serve` at start (the row goes when the
            // last chunk is done; a hub with no versions gets none).
            try db.execute(sql: """
            CREATE TABLE observable_backfill (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                after_position INTEGER NOT NULL,
                through_position INTEGER NOT NULL
            );
            INSERT INTO observable_backfill (id, after_position, through_position)
            SELECT 1, 0, (SELECT max(position) FROM object_version) WHERE EXISTS (SELECT 1 FROM object_version);
            """)
        }
        migrator.registerMigration("v22-portal-admin") { db in
            // When each API token was last used (issue 15's account page), apart from api_token so
            // that recording a use (at most once a minute per token) fires none of the account
            // generation triggers: a use is not an account change.
            try db.execute(sql: """
            CREATE TABLE api_token_use (
                token_id TEXT PRIMARY KEY REFERENCES api_token(id) ON DELETE CASCADE,
                used_at REAL NOT NULL
            );
            """)
        }
        migrator.registerMigration("v21-portal-metrics") { db in
            // What the sharing metrics are computed from, counted as `account_generation` counts
            // accounts (SharingMetricsStore.metricsGeneration): row 0 counts every change to a
            // metric input, row 1 the deletions of object versions only. The triggers bump them in
            // the changing transaction, so a report cached by any process is recomputed on the first
            // view after a change. New versions count through their submission row.
            try db.execute(sql: """
            CREATE TABLE metrics_generation (
                id INTEGER PRIMARY KEY CHECK (id IN (0, 1)),
                value INTEGER NOT NULL
            );
            INSERT INTO metrics_generation (id, value) VALUES (0, 0), (1, 0);
            -- The portal's submission list, newest first, one page per statement (SubmissionListingStore).
            CREATE INDEX submission_listing ON submission(request_timestamp, id);
            CREATE INDEX submission_listing_by_organization ON submission(organization_id, request_timestamp, id);
            CREATE TRIGGER object_version_delete_metrics AFTER DELETE ON object_version
            BEGIN UPDATE metrics_generation SET value = value + 1; END;
            """)
            for table in ["submission", "submission_detail", "observable_report", "observable_source", "delivery",
                          "sighting", "organization", "feed"] {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    try db.execute(sql: """
                    CREATE TRIGGER \(table)_\(event.lowercased())_metrics AFTER \(event) ON \(table)
                    BEGIN UPDATE metrics_generation SET value = value + 1 WHERE id = 0; END;
                    """)
                }
            }
        }
        migrator.registerMigration("v28-metric-aggregates") { db in
            // The metrics change log (MetricsChangeStore): which metric inputs each writing
            // transaction changed, kept by triggers in that transaction, so that the sharing metrics
            // catch up on what changed since their position instead of recomputing from every
            // holding. A delivery counts only when it is the earliest of its submission to its
            // organisation (later ones change no first delivery); an organisation's or feed's change
            // asks for a recomputation of everything. Rows older than any reader needs are pruned
            // (metrics_change_pruned says through where).
            try db.execute(sql: """
            CREATE TABLE metrics_change (
                position INTEGER PRIMARY KEY AUTOINCREMENT,
                observable TEXT,
                observable_hash INTEGER,
                submission_id TEXT,
                everything INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE metrics_change_pruned (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                through INTEGER NOT NULL
            );
            INSERT INTO metrics_change_pruned (id, through) VALUES (1, 0);
            CREATE INDEX observable_source_by_submission ON observable_source(submission_id);
            CREATE TRIGGER delivery_insert_metrics_change AFTER INSERT ON delivery
            WHEN NOT EXISTS (SELECT 1 FROM delivery d WHERE d.submission_id = NEW.submission_id
                             AND d.organization_id = NEW.organization_id AND d.rowid <> NEW.rowid
                             AND d.delivered_at <= NEW.delivered_at)
            BEGIN INSERT INTO metrics_change (submission_id) VALUES (NEW.submission_id); END;
            CREATE TRIGGER object_version_insert_metrics_change AFTER INSERT ON object_version WHEN NEW.release_id <> ''
            BEGIN INSERT INTO metrics_change (submission_id) VALUES (NEW.submission_id); END;
            CREATE TRIGGER object_version_delete_metrics_change AFTER DELETE ON object_version
            BEGIN INSERT INTO metrics_change (submission_id) VALUES (OLD.submission_id); END;
            """)
            // table, change column, the table's column, whether inserts count
            let logged: [(String, String, String, Bool)] = [
                ("observable_report", "observable", "observable", true), ("sighting", "observable", "observable", true),
                ("observable_source", "observable_hash", "observable_hash", true),
                ("submission_detail", "submission_id", "submission_id", true),
                ("submission", "submission_id", "id", false), ("delivery", "submission_id", "submission_id", false),
            ]
            for (table, change, column, inserts) in logged {
                var events = ["UPDATE", "DELETE"]
                if inserts { events.append("INSERT") }
                for event in events {
                    let rows = event == "INSERT" ? ["NEW"] : event == "DELETE" ? ["OLD"] : ["OLD", "NEW"]
                    let body = rows.map { "INSERT INTO metrics_change (\(change)) VALUES (\($0).\(column));" }.joined(separator: " ")
                    try db.execute(sql: """
                    CREATE TRIGGER \(table)_\(event.lowercased())_metrics_change AFTER \(event) ON \(table)
                    BEGIN \(body) END;
                    """)
                }
            }
            for table in ["organization", "feed"] {
                for event in ["UPDATE", "DELETE"] {
                    try db.execute(sql: """
                    CREATE TRIGGER \(table)_\(event.lowercased())_metrics_change AFTER \(event) ON \(table)
                    BEGIN INSERT INTO metrics_change (everything) VALUES (1); END;
                    """)
                }
            }
        }
        migrator.registerMigration("v30-delivery-once") { db in
            // One delivery row per organisation, object version and path: every poll added a row per
            // object it returned (an export of 10^6 indicators, 10^6 rows; the recipients report
            // listed an object once per poll). The first delivery is kept; a repeated one is ignored.
            try db.execute(sql: """
            DELETE FROM delivery WHERE rowid IN (
                SELECT rowid FROM (
                    SELECT rowid, row_number() OVER (PARTITION BY submission_id, organization_id, stix_id, version, path
                                                     ORDER BY delivered_at, rowid) AS n
                    FROM delivery)
                WHERE n > 1);
            CREATE UNIQUE INDEX delivery_once ON delivery(submission_id, organization_id, stix_id, version, path);
            DROP INDEX delivery_by_submission;
            """)
        }
        migrator.registerMigration("v29-index-tail") { db in
            // The observable index's tail (see ObservableIndex): entries of the latest versions,
            // keyed by position so that an append writes its pages in order, and looked up by
            // (generation, value hash): a generation is about a thousand entries written one after
            // another, so an append's entries land in the newest generation's few pages, and a
            // look-up probes each of the tail's few generations. Merged into observable_entry in
            // bulk; the version's submission and organisation are read from object_version. Campaign changes
            // (Storage.CampaignStore.campaignChanges): one row per campaign id, its sequence
            // renewed by each save or removal, so a process reads only what changed since it last
            // looked.
            try db.execute(sql: """
            CREATE TABLE observable_tail (
                position INTEGER NOT NULL,
                value_hash INTEGER NOT NULL,
                kind TEXT NOT NULL,
                value TEXT NOT NULL,
                held_back INTEGER NOT NULL DEFAULT 0,
                generation INTEGER NOT NULL,
                PRIMARY KEY (position, value_hash, kind)
            ) WITHOUT ROWID;
            CREATE INDEX observable_tail_by_value ON observable_tail(generation, value_hash);
            CREATE TABLE campaign_change (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                campaign_id TEXT NOT NULL UNIQUE
            );
            """)
        }
        return migrator
    }
}
