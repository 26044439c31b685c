// PostgresStorage schema: the versioned migrations that create and evolve the hub's PostgreSQL
// database, applied in order under an advisory lock so that several instances starting at once
// migrate it exactly once.
//
// v1 is the SQLite schema as it stands after its v13 (Sources/SQLiteStorage/Schema.swift), written
// for PostgreSQL: `user` is `hub_user` (a reserved word), names unique case-insensitively through an
// index on lower(name), booleans as boolean, bytes as bytea, the account generation bumped by
// statement triggers. Never edit a shipped migration; add a new one.
import Foundation
import Logging
import PostgresNIO

enum PostgresSchema {
    /// One migration: a name recorded in `kakehashi_migration` and its statements, run in one transaction.
    struct Migration {
        let name: String
        let statements: [String]
        /// Rows the statements cannot compute in SQL, written in the same transaction after them.
        var backfill: (@Sendable (PostgresConnection, Logger) async throws -> Void)? = nil
    }

    /// Every advisory lock the store takes, by purpose (one 64-bit key space per database).
    enum Lock: Int64 {
        /// Held while migrating.
        case migration = 0x6B6B_6873_0001
        /// Held from the first audit insert of a transaction to its commit: the chain is one line.
        case audit = 0x6B6B_6873_0002
        /// Held from assigning object positions to commit: positions commit in order (see PostgresObjects).
        case append = 0x6B6B_6873_0003
        /// Held from a campaign save's change sequence to its commit: sequences commit in order.
        case campaignChanges = 0x6B6B_6873_0004
    }

    static let accountTables = ["organization", "hub_user", "api_token", "feed", "feed_grant", "trust_group",
                                "trust_group_member", "feed_group_grant", "organization_client"]

    static let migrations: [Migration] = [
        Migration(name: "v1-hub", statements: [
            """
            CREATE TABLE organization (
                id text PRIMARY KEY,
                name text NOT NULL,
                sector text, size text, country text,
                created_at double precision NOT NULL,
                disabled_at double precision
            )
            """,
            "CREATE UNIQUE INDEX organization_name ON organization (lower(name))",
            """
            CREATE TABLE hub_user (
                id text PRIMARY KEY,
                organization_id text NOT NULL REFERENCES organization(id),
                email text NOT NULL,
                role text NOT NULL,
                password_hash text,
                created_at double precision NOT NULL,
                disabled_at double precision
            )
            """,
            "CREATE UNIQUE INDEX hub_user_email ON hub_user (lower(email))",
            "CREATE INDEX hub_user_by_org ON hub_user (organization_id)",
            """
            CREATE TABLE api_token (
                id text PRIMARY KEY,
                user_id text NOT NULL REFERENCES hub_user(id) ON DELETE CASCADE,
                secret_hash text NOT NULL UNIQUE,
                label text NOT NULL,
                created_at double precision NOT NULL,
                revoked_at double precision
            )
            """,
            "CREATE INDEX api_token_by_user ON api_token (user_id)",
            """
            CREATE TABLE feed (
                key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id text NOT NULL UNIQUE,
                name text NOT NULL,
                title text NOT NULL,
                description text,
                severity text NOT NULL,
                created_at double precision NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX feed_name ON feed (lower(name))",
            """
            CREATE TABLE feed_grant (
                feed_id text NOT NULL REFERENCES feed(id),
                organization_id text NOT NULL REFERENCES organization(id),
                can_read boolean NOT NULL,
                can_write boolean NOT NULL,
                read_since_us bigint NOT NULL DEFAULT 0,
                PRIMARY KEY (feed_id, organization_id)
            )
            """,
            "CREATE INDEX feed_grant_by_org ON feed_grant (organization_id)",
            """
            CREATE TABLE trust_group (
                id text PRIMARY KEY,
                name text NOT NULL,
                created_at double precision NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX trust_group_name ON trust_group (lower(name))",
            """
            CREATE TABLE trust_group_member (
                group_id text NOT NULL REFERENCES trust_group(id) ON DELETE CASCADE,
                organization_id text NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
                since_us bigint NOT NULL DEFAULT 0,
                PRIMARY KEY (group_id, organization_id)
            )
            """,
            "CREATE INDEX trust_group_member_by_org ON trust_group_member (organization_id)",
            """
            CREATE TABLE feed_group_grant (
                feed_id text NOT NULL REFERENCES feed(id),
                group_id text NOT NULL REFERENCES trust_group(id) ON DELETE CASCADE,
                can_read boolean NOT NULL,
                can_write boolean NOT NULL,
                read_since_us bigint NOT NULL DEFAULT 0,
                PRIMARY KEY (feed_id, group_id)
            )
            """,
            """
            CREATE TABLE organization_identifier (
                organization_id text NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
                kind text NOT NULL,
                value text NOT NULL,
                PRIMARY KEY (organization_id, kind, value)
            )
            """,
            """
            CREATE TABLE organization_client (
                organization_id text NOT NULL REFERENCES organization(id),
                client_id text NOT NULL REFERENCES organization(id),
                since_us bigint NOT NULL DEFAULT 0,
                PRIMARY KEY (organization_id, client_id)
            )
            """,
            "CREATE INDEX organization_client_by_client ON organization_client (client_id)",
            """
            CREATE TABLE submission (
                id text PRIMARY KEY,
                feed_id text NOT NULL,
                organization_id text NOT NULL,
                user_id text,
                request_timestamp text NOT NULL,
                outcome bytea NOT NULL,
                first_position bigint,
                last_position bigint
            )
            """,
            // One row per stored STIX object version. `position` is the paging key, taken from
            // object_position under the append lock, so positions commit in order (PostgresObjects).
            "CREATE SEQUENCE object_position",
            """
            CREATE TABLE object_version (
                position bigint PRIMARY KEY,
                feed_key bigint NOT NULL REFERENCES feed(key),
                stix_id text NOT NULL,
                type text NOT NULL,
                spec_version text NOT NULL,
                version text,
                version_us bigint NOT NULL,
                date_added_us bigint NOT NULL,
                is_latest boolean NOT NULL,
                is_first boolean NOT NULL,
                submission_id text NOT NULL,
                provider_org_id text NOT NULL,
                release_id text NOT NULL DEFAULT '',
                tlp text,
                json bytea NOT NULL
            )
            """,
            "CREATE INDEX object_by_id ON object_version (feed_key, stix_id)",
            "CREATE INDEX object_by_release ON object_version (release_id) WHERE release_id <> ''",
            "CREATE INDEX object_by_submission ON object_version (submission_id)",
            // date_added grows with position: `added_after` finds its first position through this
            // index (SQLite binary-searches positions instead, see its v9).
            "CREATE INDEX object_by_date_added ON object_version (date_added_us)",
            """
            CREATE TABLE object_audience (
                feed_key bigint NOT NULL,
                audience text NOT NULL,
                position bigint NOT NULL,
                PRIMARY KEY (feed_key, audience, position)
            )
            """,
            // Deletes and revocations remove audience rows by position (SQLite lists the feed's
            // audience keys instead, to spare this index its insert per version).
            "CREATE INDEX object_audience_by_position ON object_audience (position)",
            """
            CREATE TABLE release (
                id text PRIMARY KEY,
                submission_id text NOT NULL REFERENCES submission(id),
                provider_org_id text NOT NULL,
                scope bytea NOT NULL,
                anonymized boolean NOT NULL,
                kind text NOT NULL,
                created_by text,
                created_at text NOT NULL,
                revoked_at text,
                revoked_by text
            )
            """,
            "CREATE INDEX release_by_submission ON release (submission_id)",
            """
            CREATE TABLE delivery (
                organization_id text NOT NULL,
                submission_id text NOT NULL,
                release_id text,
                stix_id text NOT NULL,
                version text NOT NULL,
                delivered_at text NOT NULL,
                path text NOT NULL
            )
            """,
            "CREATE INDEX delivery_by_submission ON delivery (submission_id, organization_id)",
            """
            CREATE TABLE proposal (
                id text PRIMARY KEY,
                submission_id text NOT NULL REFERENCES submission(id),
                provider_org_id text NOT NULL,
                body bytea NOT NULL,
                state text NOT NULL,
                proposed_at text NOT NULL
            )
            """,
            "CREATE INDEX proposal_by_provider ON proposal (provider_org_id, proposed_at)",
            """
            CREATE TABLE standing_consent (
                organization_id text PRIMARY KEY REFERENCES organization(id),
                rules bytea NOT NULL
            )
            """,
            """
            CREATE TABLE submission_detail (
                submission_id text PRIMARY KEY REFERENCES submission(id),
                kind text NOT NULL,
                detail bytea NOT NULL
            )
            """,
            """
            CREATE TABLE sample (
                sha256 text NOT NULL,
                submission_id text NOT NULL REFERENCES submission(id),
                file_object_id text NOT NULL,
                name text,
                size bigint NOT NULL,
                PRIMARY KEY (sha256, submission_id)
            )
            """,
            """
            CREATE TABLE observation_hour (
                feed_key bigint NOT NULL,
                hour_start_us bigint NOT NULL,
                source text NOT NULL,
                stix_id text NOT NULL,
                submission_id text NOT NULL,
                PRIMARY KEY (feed_key, hour_start_us, source, stix_id)
            )
            """,
            """
            CREATE TABLE observable_report (
                observable text NOT NULL,
                organization_id text NOT NULL,
                submission_id text NOT NULL,
                independent boolean NOT NULL DEFAULT true,
                PRIMARY KEY (observable, organization_id)
            )
            """,
            """
            CREATE TABLE observable_source (
                observable text NOT NULL,
                submission_id text NOT NULL
            )
            """,
            "CREATE INDEX observable_source_by_observable ON observable_source (observable)",
            """
            CREATE TABLE corroborated_observable (
                observable text PRIMARY KEY,
                released_at text NOT NULL
            )
            """,
            """
            CREATE TABLE held_value (
                value text NOT NULL,
                organization_id text NOT NULL,
                submission_id text NOT NULL,
                is_range boolean NOT NULL
            )
            """,
            "CREATE INDEX held_value_by_value ON held_value (value)",
            "CREATE INDEX held_value_ranges ON held_value (is_range) WHERE is_range",
            """
            CREATE TABLE observable_probe (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                organization_id text NOT NULL,
                submission_id text NOT NULL,
                observable text NOT NULL,
                holders bigint NOT NULL,
                recorded_at text NOT NULL
            )
            """,
            """
            CREATE TABLE audit_entry (
                sequence bigint PRIMARY KEY,
                recorded_at text NOT NULL,
                action text NOT NULL,
                actor_user_id text,
                actor_organization_id text,
                subject text NOT NULL,
                details text NOT NULL,
                previous_hash text NOT NULL,
                hash text NOT NULL
            )
            """,
            "CREATE INDEX audit_by_subject ON audit_entry (subject)",
            // Append-only: the hub never updates or deletes audit entries.
            """
            CREATE FUNCTION kakehashi_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$
            """,
            """
            CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_entry
            FOR EACH STATEMENT EXECUTE FUNCTION kakehashi_audit_append_only()
            """,
            // Counts every change to what decides a sign-in or a reader's rights, by any instance
            // (AccountStore.accountsGeneration). Statement triggers also count a statement that
            // changed nothing: one cache miss too many, never one too few.
            """
            CREATE TABLE account_generation (
                id integer PRIMARY KEY CHECK (id = 0),
                value bigint NOT NULL
            )
            """,
            "INSERT INTO account_generation (id, value) VALUES (0, 0)",
            """
            CREATE FUNCTION kakehashi_account_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN UPDATE account_generation SET value = value + 1 WHERE id = 0; RETURN NULL; END $$
            """,
        ] + accountTables.map { table in
            """
            CREATE TRIGGER \(table)_generation AFTER INSERT OR UPDATE OR DELETE ON \(table)
            FOR EACH STATEMENT EXECUTE FUNCTION kakehashi_account_changed()
            """
        }),
        // The observables a submission carried are kept by their key hash (Storage.KeyHash), as
        // SQLite keeps them, instead of their text: a hub copied from SQLite, which never stored
        // that text, keeps them all (`kakehashi migrate`). kakehashi_key_hash computes the hash in
        // SQL for the rows already stored (numeric arithmetic: FNV-1a modulo 2^64).
        Migration(name: "v2-observable-source-hash", statements: [
            """
            CREATE FUNCTION kakehashi_key_hash(t text) RETURNS bigint LANGUAGE plpgsql IMMUTABLE STRICT AS $$
            DECLARE
                b bytea := convert_to(t, 'UTF8');
                h numeric := 14695981039346656037;
                low integer;
            BEGIN
                FOR i IN 0 .. length(b) - 1 LOOP
                    low := mod(h, 256)::integer;
                    h := h - low + (low # get_byte(b, i));
                    h := mod(h * 1099511628211, 18446744073709551616);
                END LOOP;
                IF h >= 9223372036854775808 THEN h := h - 18446744073709551616; END IF;
                RETURN h::bigint;
            END $$
            """,
            "ALTER TABLE observable_source ADD COLUMN observable_hash bigint",
            "UPDATE observable_source SET observable_hash = kakehashi_key_hash(observable)",
            "ALTER TABLE observable_source ALTER COLUMN observable_hash SET NOT NULL",
            "DROP INDEX observable_source_by_observable",
            "ALTER TABLE observable_source DROP COLUMN observable",
            "CREATE INDEX observable_source_by_hash ON observable_source (observable_hash)",
        ]),
        // A version is stored once per feed, release and provider, as SQLite's UNIQUE constraint on
        // object_version says. The append lock already keeps appends from racing (also across
        // instances: Tests/StorageTests/ConcurrentInstancesTests); the index makes the database
        // refuse a second copy even from a writer that skipped the lock. It leads with
        // (feed_key, stix_id), so it also serves the look-ups object_by_id served.
        Migration(name: "v3-object-version-unique", statements: [
            """
            CREATE UNIQUE INDEX object_version_unique
                ON object_version (feed_key, stix_id, version_us, release_id, provider_org_id)
            """,
            "DROP INDEX object_by_id",
        ]),
        // Members' sighting reports, one row per (report, observable), and the values false-positive
        // reports put on review (as SQLite's v16-sightings).
        Migration(name: "v6-sightings", statements: [
            """
            CREATE TABLE sighting (
                id text NOT NULL,
                observable text NOT NULL,
                organization_id text NOT NULL,
                user_id text,
                indicator_id text NOT NULL,
                kind text NOT NULL,
                count bigint NOT NULL,
                first_seen text,
                last_seen text,
                named boolean NOT NULL,
                recorded_at text NOT NULL,
                via text NOT NULL,
                stix_id text,
                PRIMARY KEY (id, observable)
            )
            """,
            "CREATE INDEX sighting_by_observable ON sighting (observable)",
            "CREATE INDEX sighting_by_indicator ON sighting (indicator_id)",
            "CREATE INDEX sighting_by_organization ON sighting (organization_id)",
            """
            CREATE TABLE sighting_review (
                observable text PRIMARY KEY,
                state text NOT NULL,
                organizations bigint NOT NULL,
                placed_at text NOT NULL,
                cleared_at text,
                cleared_by text
            )
            """,
        ]),
        // Campaigns (issue 14), as SQLite's v15-campaigns: each submission's campaign traits (read back
        // in sequence order to re-cluster) and the campaign records the analysts work on, as JSON.
        Migration(name: "v5-campaigns", statements: [
            """
            CREATE TABLE submission_traits (
                sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                submission_id text NOT NULL UNIQUE,
                organization_id text NOT NULL,
                traits bytea NOT NULL,
                recorded_at text NOT NULL
            )
            """,
            """
            CREATE TABLE campaign (
                id text PRIMARY KEY,
                status text NOT NULL,
                record bytea NOT NULL,
                updated_at text NOT NULL
            )
            """,
        ]),
        // The observable index (Storage.ObservableIndexStore), as SQLite's v14-observable-index:
        // keyed by the version's position (deletes and revocations remove a version's rows by it),
        // looked up by the value's KeyHash in position order through the second index.
        Migration(name: "v4-observable-index", statements: [
            """
            CREATE TABLE observable_entry (
                position bigint NOT NULL,
                value_hash bigint NOT NULL,
                kind text NOT NULL,
                value text NOT NULL,
                submission_id text NOT NULL,
                organization_id text NOT NULL,
                held_back boolean NOT NULL DEFAULT false,
                PRIMARY KEY (position, value_hash, kind)
            )
            """,
            "CREATE INDEX observable_entry_by_value ON observable_entry (value_hash, position)",
        ]),
        // Feed flow (issue 16), as SQLite's v18-feed-flow: a feed's decay settings and each
        // organisation's consumer tier (both tables bump the account generation already).
        Migration(name: "v8-feed-flow", statements: [
            "ALTER TABLE feed ADD COLUMN decay text",
            "ALTER TABLE organization ADD COLUMN tier text NOT NULL DEFAULT 'medium'",
        ]),
        // Alerts (issue 16, Storage.AlertStore), as SQLite's v19-alerts: subscriptions, deliveries
        // keyed per subscription, object version and channel, and the dispatch's object-log cursor
        // (written with the first subscription).
        Migration(name: "v9-alerts", statements: [
            """
            CREATE TABLE alert_subscription (
                id text PRIMARY KEY,
                user_id text NOT NULL,
                organization_id text NOT NULL,
                feed_id text,
                minimum_severity text NOT NULL,
                campaign text,
                sector text,
                watched text NOT NULL,
                email boolean NOT NULL,
                webhook_url text,
                webhook_secret text,
                digest text NOT NULL,
                created_at text NOT NULL
            )
            """,
            "CREATE INDEX alert_subscription_by_user ON alert_subscription (user_id)",
            """
            CREATE TABLE alert_delivery (
                id text PRIMARY KEY,
                key text NOT NULL UNIQUE,
                subscription_id text NOT NULL,
                user_id text NOT NULL,
                channel text NOT NULL,
                cadence text NOT NULL,
                feed_id text NOT NULL,
                stix_id text NOT NULL,
                version text NOT NULL,
                status text NOT NULL,
                attempts bigint NOT NULL,
                next_attempt_us bigint NOT NULL,
                last_error text,
                created_at text NOT NULL,
                sent_at text
            )
            """,
            "CREATE INDEX alert_delivery_due ON alert_delivery (status, next_attempt_us)",
            "CREATE INDEX alert_delivery_by_user ON alert_delivery (user_id, created_at)",
            "CREATE TABLE alert_cursor (name text PRIMARY KEY, position bigint NOT NULL)",
        ]),
        // The web portal's sessions (issue 15), as SQLite's v20-portal-sessions: by the SHA-256 of the
        // cookie's token, shared by every instance on the database, gone with their user.
        Migration(name: "v10-portal-sessions", statements: [
            """
            CREATE TABLE portal_session (
                token_hash text PRIMARY KEY,
                user_id text NOT NULL REFERENCES hub_user(id) ON DELETE CASCADE,
                csrf_token text NOT NULL,
                created_at double precision NOT NULL,
                last_seen_at double precision NOT NULL
            )
            """,
            "CREATE INDEX portal_session_by_user ON portal_session (user_id)",
        ]),
        // Object search (Storage.ObjectSearchStore), as SQLite's v17-object-search: the tokens of
        // each version's search document as Storage.SearchTokens computes them (space-separated),
        // and a tsvector made from exactly those tokens (no text-search parser or dictionary runs
        // on them, so the matching is SQLite's): title tokens weighted A, text tokens after a gap
        // of one position (a phrase never spans the two), positions capped at PostgreSQL's 16,383.
        Migration(name: "v7-object-search", statements: [
            """
            CREATE FUNCTION kakehashi_search_vector(title text, body text) RETURNS tsvector
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
                SELECT (coalesce((SELECT string_agg(quote_literal(t) || ':' || least(n, 16383) || 'A', ' ')
                                  FROM unnest(string_to_array(title, ' ')) WITH ORDINALITY AS x(t, n) WHERE t <> ''), '')
                        || ' ' ||
                        coalesce((SELECT string_agg(quote_literal(t) || ':'
                                                    || least(n + 1 + cardinality(string_to_array(title, ' ')), 16383), ' ')
                                  FROM unnest(string_to_array(body, ' ')) WITH ORDINALITY AS x(t, n) WHERE t <> ''), '')
                       )::tsvector
            $$
            """,
            """
            CREATE TABLE object_search (
                position bigint PRIMARY KEY,
                title text NOT NULL,
                body text NOT NULL,
                doc tsvector GENERATED ALWAYS AS (kakehashi_search_vector(title, body)) STORED,
                title_doc tsvector GENERATED ALWAYS AS (kakehashi_search_vector(title, '')) STORED
            )
            """,
            "CREATE INDEX object_search_doc ON object_search USING gin (doc)",
            // Title matches are read through an index of their own: the GIN index of `doc` cannot
            // tell title positions (weight A) from the rest, and a title query over it rechecked every
            // document holding the word anywhere.
            "CREATE INDEX object_search_title ON object_search USING gin (title_doc)",
        ], backfill: { c, logger in try await PostgresHubStore.backfillSearch(on: c, logger: logger) }),
        // A reader's GET of one object (and match[id]) without planning at every request
        // (PostgresHubStore.idsPage): statements inside a PL/pgSQL function are prepared once per
        // connection, and `plan_cache_mode = force_generic_plan` keeps their generic plans, which probe
        // indexes only (object_version_unique, object_audience_by_position, object_by_date_added, the
        // audience primary key); `OFFSET 0` keeps visibility a per-version probe (never a join that
        // reads every audience row of the feed); the lowest backlog position as a probe of the audience
        // primary key per key (see PostgresHubStore.lowestPosition).
        Migration(name: "v15-pg-latency", statements: [
            """
            CREATE FUNCTION kakehashi_visible_versions(p_feed bigint, p_ids text[], p_audiences text[])
            RETURNS TABLE (v_position bigint, v_stix_id text, v_type text, v_spec_version text, v_version text,
                           v_date_added_us bigint, v_json bytea, v_submission_id text, v_provider_org_id text,
                           v_release_id text, v_tlp text, v_version_us bigint)
            LANGUAGE plpgsql STABLE ROWS 4 SET plan_cache_mode = force_generic_plan AS $$
            BEGIN
                RETURN QUERY
                SELECT ov.position, ov.stix_id, ov.type, ov.spec_version, ov.version, ov.date_added_us, ov.json,
                       ov.submission_id, ov.provider_org_id, ov.release_id, ov.tlp, ov.version_us
                FROM object_version ov
                WHERE ov.feed_key = p_feed AND ov.stix_id = ANY(p_ids)
                  AND EXISTS (SELECT 1 FROM object_audience oa WHERE oa.position = ov.position
                              AND oa.audience = ANY(p_audiences) OFFSET 0);
            END
            $$
            """,
            """
            CREATE FUNCTION kakehashi_backlog_bounds(p_after_date bigint, p_feed bigint, p_keys text[])
            RETURNS TABLE (boundary bigint, lowest bigint)
            LANGUAGE plpgsql STABLE ROWS 1 SET plan_cache_mode = force_generic_plan AS $$
            BEGIN
                RETURN QUERY SELECT
                  (SELECT o.position FROM object_version o WHERE o.date_added_us > p_after_date
                   ORDER BY o.date_added_us LIMIT 1),
                  (SELECT min(l.position) FROM unnest(p_keys) AS k(audience) CROSS JOIN LATERAL
                     (SELECT a.feed_key, a.audience, a.position FROM object_audience a
                      WHERE (a.feed_key, a.audience, a.position) > (p_feed, k.audience, -1::bigint)
                      ORDER BY a.feed_key, a.audience, a.position LIMIT 1) AS l
                   WHERE l.feed_key = p_feed AND l.audience = k.audience);
            END
            $$
            """,
        ]),
        // The observable index's backfill, as SQLite's v26-index-ingest: versions stored before
        // v4-observable-index have no entries; the migration records the work (every original
        // version stored so far), done in chunks by `kakehashi correlation reindex` and by `serve`.
        Migration(name: "v16-index-ingest", statements: [
            """
            CREATE TABLE observable_backfill (
                id integer PRIMARY KEY CHECK (id = 1),
                after_position bigint NOT NULL,
                through_position bigint NOT NULL
            )
            """,
            """
            INSERT INTO observable_backfill (id, after_position, through_position)
            SELECT 1, 0, (SELECT max(position) FROM object_version) WHERE EXISTS (SELECT 1 FROM object_version)
            """,
        ]),
        // When each API token was last used, as SQLite's v22-portal-admin: a table of its own, so
        // that a use (recorded at most once a minute per token) is not an account change.
        Migration(name: "v12-portal-admin", statements: [
            """
            CREATE TABLE api_token_use (
                token_id text PRIMARY KEY REFERENCES api_token(id) ON DELETE CASCADE,
                used_at double precision NOT NULL
            )
            """,
        ]),
        // What the sharing metrics are computed from, counted (SharingMetricsStore.metricsGeneration),
        // as SQLite's v21-portal-metrics: row 0 every change to a metric input, row 1 the deletions
        // of object versions only; statement triggers, like account_generation's (a statement that
        // changed nothing counts too: one recomputation too many, never one too few). The triggers
        // take the audit lock before the counter's row: the writes they follow append to the audit
        // chain in the same transaction, some before and some after the counted insert, and one
        // lock order (audit, then counter) keeps two of them from waiting on each other.
        Migration(name: "v11-portal-metrics", statements: [
            """
            CREATE TABLE metrics_generation (
                id integer PRIMARY KEY CHECK (id IN (0, 1)),
                value bigint NOT NULL
            )
            """,
            "INSERT INTO metrics_generation (id, value) VALUES (0, 0), (1, 0)",
            // The portal's submission list, newest first, one page per statement (SubmissionListingStore).
            #"CREATE INDEX submission_listing ON submission (request_timestamp COLLATE "C", id COLLATE "C")"#,
            #"""
            CREATE INDEX submission_listing_by_organization
            ON submission (organization_id, request_timestamp COLLATE "C", id COLLATE "C")
            """#,
            """
            CREATE FUNCTION kakehashi_metrics_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock(\(Lock.audit.rawValue));
                UPDATE metrics_generation SET value = value + 1 WHERE id = 0;
                RETURN NULL;
            END $$
            """,
            """
            CREATE FUNCTION kakehashi_metrics_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock(\(Lock.audit.rawValue));
                UPDATE metrics_generation SET value = value + 1;
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER object_version_metrics AFTER DELETE OR TRUNCATE ON object_version
            FOR EACH STATEMENT EXECUTE FUNCTION kakehashi_metrics_deleted()
            """,
        ] + ["submission", "submission_detail", "observable_report", "observable_source", "delivery", "sighting",
             "organization", "feed"].map { table in
            """
            CREATE TRIGGER \(table)_metrics AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON \(table)
            FOR EACH STATEMENT EXECUTE FUNCTION kakehashi_metrics_changed()
            """
        }),
        // The metrics change log (MetricsChangeStore), as SQLite's v28-metric-aggregates, with
        // statement triggers reading the transition tables. A change's position is the metrics
        // generation its own statement bumped (audit lock, then the counter's row, held to commit):
        // positions are handed out in commit order, so a reader that has seen position p has seen
        // every change at or before p.
        Migration(name: "v18-metric-aggregates", statements: [
            """
            CREATE TABLE metrics_change (
                position bigint NOT NULL,
                observable text,
                observable_hash bigint,
                submission_id text,
                everything boolean NOT NULL DEFAULT false
            )
            """,
            "CREATE INDEX metrics_change_by_position ON metrics_change (position)",
            """
            CREATE TABLE metrics_change_pruned (
                id integer PRIMARY KEY CHECK (id = 1),
                through bigint NOT NULL
            )
            """,
            "INSERT INTO metrics_change_pruned (id, through) VALUES (1, 0)",
            "CREATE INDEX observable_source_by_submission ON observable_source (submission_id)",
            """
            CREATE FUNCTION kakehashi_metrics_position() RETURNS bigint LANGUAGE plpgsql AS $$
            DECLARE at_position bigint;
            BEGIN
                PERFORM pg_advisory_xact_lock(\(Lock.audit.rawValue));
                UPDATE metrics_generation SET value = value + 1 WHERE id = 0 RETURNING value INTO at_position;
                RETURN at_position;
            END $$
            """,
            """
            CREATE FUNCTION kakehashi_metrics_everything() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO metrics_change (position, everything) VALUES (kakehashi_metrics_position(), true);
                RETURN NULL;
            END $$
            """,
            // Only the earliest delivery of a submission to an organisation changes a first delivery.
            """
            CREATE FUNCTION kakehashi_metrics_delivered() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE changed text[];
            BEGIN
                SELECT array_agg(DISTINCT n.submission_id) INTO changed FROM (
                    SELECT submission_id, organization_id, min(delivered_at) AS first_at FROM new_rows GROUP BY 1, 2
                ) n WHERE NOT EXISTS (
                    SELECT 1 FROM delivery d WHERE d.submission_id = n.submission_id
                    AND d.organization_id = n.organization_id AND d.delivered_at < n.first_at);
                IF changed IS NOT NULL THEN
                    INSERT INTO metrics_change (position, submission_id)
                    SELECT p.at_position, unnest(changed) FROM (SELECT kakehashi_metrics_position() AS at_position) p;
                END IF;
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER delivery_insert_metrics_change AFTER INSERT ON delivery REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION kakehashi_metrics_delivered()
            """,
        ] + [("observable_report", "observable", "observable", true), ("sighting", "observable", "observable", true),
             ("observable_source", "observable_hash", "observable_hash", true),
             ("submission_detail", "submission_id", "submission_id", true), ("submission", "submission_id", "id", false),
             ("delivery", "submission_id", "submission_id", false), ("object_version", "submission_id", "submission_id", false)]
            .flatMap { table, change, column, inserts -> [String] in
            // Release copies carry their submission's id: what its indicators say may change with them.
            let inserted = table == "object_version" ? "SELECT DISTINCT \(column) FROM new_rows WHERE release_id <> ''"
                : "SELECT DISTINCT \(column) FROM new_rows"
            var statements = [
                """
                CREATE FUNCTION kakehashi_metrics_log_\(table)() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE at_position bigint;
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        IF EXISTS (\(inserted)) THEN
                            at_position := kakehashi_metrics_position();
                            INSERT INTO metrics_change (position, \(change)) SELECT at_position, c FROM (\(inserted)) AS x(c);
                        END IF;
                    ELSIF TG_OP = 'DELETE' THEN
                        IF EXISTS (SELECT 1 FROM old_rows) THEN
                            at_position := kakehashi_metrics_position();
                            INSERT INTO metrics_change (position, \(change)) SELECT DISTINCT at_position, \(column) FROM old_rows;
                        END IF;
                    ELSE
                        IF EXISTS (SELECT 1 FROM old_rows) THEN
                            at_position := kakehashi_metrics_position();
                            INSERT INTO metrics_change (position, \(change))
                            SELECT DISTINCT at_position, c FROM (SELECT \(column) FROM old_rows UNION SELECT \(column) FROM new_rows) AS x(c);
                        END IF;
                    END IF;
                    RETURN NULL;
                END $$
                """,
                """
                CREATE TRIGGER \(table)_delete_metrics_change AFTER DELETE ON \(table) REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION kakehashi_metrics_log_\(table)()
                """,
                """
                CREATE TRIGGER \(table)_truncate_metrics_change AFTER TRUNCATE ON \(table)
                FOR EACH STATEMENT EXECUTE FUNCTION kakehashi_metrics_everything()
                """,
            ]
            if table != "object_version" {
                statements.append("""
                    CREATE TRIGGER \(table)_update_metrics_change AFTER UPDATE ON \(table)
                    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION kakehashi_metrics_log_\(table)()
                    """)
            }
            if inserts || table == "object_version" {
                statements.append("""
                    CREATE TRIGGER \(table)_insert_metrics_change AFTER INSERT ON \(table) REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION kakehashi_metrics_log_\(table)()
                    """)
            }
            return statements
        } + ["organization", "feed"].map { table in
            """
            CREATE TRIGGER \(table)_metrics_change AFTER UPDATE OR DELETE OR TRUNCATE ON \(table)
            FOR EACH STATEMENT EXECUTE FUNCTION kakehashi_metrics_everything()
            """
        }),
        // One delivery row per organisation, object version and path, as SQLite's v30-delivery-once:
        // every poll added a row per object it returned (an export of 10^6 indicators, 10^6 rows; the
        // recipients report listed an object once per poll). The first delivery is kept.
        Migration(name: "v20-delivery-once", statements: [
            """
            DELETE FROM delivery WHERE ctid IN (
                SELECT ctid FROM (
                    SELECT ctid, row_number() OVER (PARTITION BY submission_id, organization_id, stix_id, version, path
                                                    ORDER BY delivered_at COLLATE "C") AS n
                    FROM delivery) AS d
                WHERE n > 1)
            """,
            "CREATE UNIQUE INDEX delivery_once ON delivery (submission_id, organization_id, stix_id, version, path)",
            "DROP INDEX delivery_by_submission",
        ]),
        // Campaign changes (Storage.CampaignStore.campaignChanges), as SQLite's v29-index-tail: one
        // row per campaign id with the sequence of its latest save or removal, so a process reads
        // only what changed since it last looked. (PostgreSQL has no observable index tail: its
        // ingest overhead is within the target, see README "Correlation".)
        Migration(name: "v19-index-tail", statements: [
            "CREATE SEQUENCE campaign_change_sequence",
            """
            CREATE TABLE campaign_change (
                campaign_id text PRIMARY KEY,
                sequence bigint NOT NULL
            )
            """,
            "CREATE INDEX campaign_change_by_sequence ON campaign_change (sequence)",
        ]),
    ]

    /// Applies the migrations not yet recorded, each in its own transaction, under the migration lock.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Lock.migration.rawValue))", logger: logger)
            do {
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS kakehashi_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                var applied: Set<String> = []
                for try await name in try await connection.query("SELECT name FROM kakehashi_migration", logger: logger)
                    .decode(String.self) { applied.insert(name) }
                for migration in migrations where !applied.contains(migration.name) {
                    try await connection.query("BEGIN", logger: logger)
                    do {
                        for statement in migration.statements {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await migration.backfill?(connection, logger)
                        try await connection.query("INSERT INTO kakehashi_migration (name) VALUES (\(migration.name))",
                                                   logger: logger)
                        try await connection.query("COMMIT", logger: logger)
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: logger)
                        throw error
                    }
                }
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Lock.migration.rawValue))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(Lock.migration.rawValue))", logger: logger)
        }
    }
}
