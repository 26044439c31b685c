// HubAPI OpenAPI 3.1 document, served at /api/v1/openapi.json. Kept beside the handlers it describes.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Kakehashi JSON API",
        "version": "1.0.0",
        "description": "Submissions, releases (provider consent), revocation and recipients of the Kakehashi threat-sharing hub. Authenticate with HTTP Basic (email and password or token) or a Bearer token. Errors are TAXII 2.1 error messages: {title, description, http_status}."
      },
      "servers": [{"url": "/"}],
      "security": [{"basic": []}, {"bearer": []}],
      "components": {
        "securitySchemes": {
          "basic": {"type": "http", "scheme": "basic"},
          "bearer": {"type": "http", "scheme": "bearer"}
        },
        "schemas": {
          "Error": {"type": "object", "required": ["title", "http_status"], "properties": {
            "title": {"type": "string"}, "description": {"type": "string"}, "http_status": {"type": "string"}}},
          "AlertSubscription": {"type": "object", "required": ["id", "minimum_severity", "watch", "email", "digest", "created_at"], "properties": {
            "id": {"type": "string"}, "feed": {"type": ["string", "null"]}, "minimum_severity": {"type": "string"},
            "campaign": {"type": ["string", "null"]}, "sector": {"type": ["string", "null"]},
            "watch": {"type": "array", "items": {"type": "string"}}, "email": {"type": "boolean"},
            "webhook_url": {"type": ["string", "null"]}, "webhook_secret": {"type": "string", "description": "only in the answer that created the subscription"},
            "digest": {"type": "string", "enum": ["daily", "weekly"]}, "created_at": {"type": "string"}}},
          "AlertDelivery": {"type": "object", "required": ["id", "subscription", "user", "channel", "cadence", "feed", "object", "status", "attempts", "created_at"], "properties": {
            "id": {"type": "string"}, "subscription": {"type": "string"}, "user": {"type": "string"},
            "channel": {"type": "string", "enum": ["email", "webhook"]}, "cadence": {"type": "string", "enum": ["immediate", "daily", "weekly"]},
            "feed": {"type": "string"}, "object": {"type": "string", "description": "STIX id @ version"},
            "status": {"type": "string", "enum": ["pending", "sent", "dead", "withheld"]}, "attempts": {"type": "integer"},
            "last_error": {"type": ["string", "null"]}, "created_at": {"type": "string"}, "sent_at": {"type": ["string", "null"]}}},
          "Campaign": {"type": "object", "required": ["id", "name", "status", "submissions", "evidence", "updates", "released"], "properties": {
            "id": {"type": "string"}, "name": {"type": ["string", "null"]},
            "status": {"type": "string", "enum": ["candidate", "confirmed", "rejected"]},
            "submissions": {"type": "array", "items": {"type": "string"}, "description": "submission ids, as kakehashi submit prints them"},
            "evidence": {"type": "array", "items": {"type": "object", "properties": {"kind": {"type": "string"}, "values": {"type": "array", "items": {"type": "string"}}, "links": {"type": "integer"}}}},
            "updates": {"type": "array", "items": {"type": "string"}, "description": "submissions that joined since the analysts last confirmed or released it"},
            "released": {"type": ["object", "null"], "properties": {"stix_id": {"type": "string"}, "version": {"type": "string"}, "versions": {"type": "integer"}, "release": {"type": "string"}}},
            "created": {"type": "string"}, "updated": {"type": "string"}}},
          "ReleaseRequest": {"type": "object", "additionalProperties": false, "properties": {
            "groups": {"type": "array", "items": {"type": "string"}, "description": "trust group names"},
            "organizations": {"type": "array", "items": {"type": "string"}, "description": "organisation names; the only way TLP:RED objects are released"},
            "all_members": {"type": "boolean"},
            "public": {"type": "boolean", "description": "public output (TLP:CLEAR objects only)"},
            "anonymize": {"type": "boolean", "description": "remove the provider and its victim identifiers; the hub becomes the author"},
            "include_context": {"type": "boolean", "description": "also release incident context (victim, damage, response); without it context stays with the provider"}}},
          "Release": {"type": "object", "required": ["id", "submission_id", "groups", "organizations", "all_members", "public", "anonymize", "kind", "created_at"], "properties": {
            "id": {"type": "string"}, "submission_id": {"type": "string"},
            "groups": {"type": "array", "items": {"type": "string"}},
            "organizations": {"type": "array", "items": {"type": "string"}},
            "all_members": {"type": "boolean"}, "public": {"type": "boolean"}, "anonymize": {"type": "boolean"},
            "include_context": {"type": "boolean"},
            "kind": {"type": "string", "enum": ["consent", "approved-proposal", "standing-consent", "hub-content", "corroboration"]},
            "created_at": {"type": "string", "format": "date-time"},
            "revoked_at": {"type": ["string", "null"], "format": "date-time"}}},
          "Outcome": {"type": "object", "properties": {
            "id": {"type": ["string", "null"]}, "version": {"type": ["string", "null"]}, "message": {"type": ["string", "null"]},
            "tlp": {"type": ["string", "null"], "description": "TLP level as submitted; null when unmarked (the hub default applies)"},
            "pap": {"type": ["string", "null"], "description": "PAP level as submitted: recorded and shown"}}},
          "Submission": {"type": "object", "required": ["id", "feed_id", "organization_id", "submitted_at", "state", "success_count", "failure_count", "objects", "failures", "releases"], "properties": {
            "id": {"type": "string", "description": "also the TAXII status id"},
            "feed": {"type": ["string", "null"]}, "feed_id": {"type": "string"},
            "organization_id": {"type": "string"}, "submitted_at": {"type": "string"},
            "state": {"type": "string", "enum": ["held", "released"]},
            "success_count": {"type": "integer"}, "failure_count": {"type": "integer"},
            "objects": {"type": "array", "items": {"$ref": "#/components/schemas/Outcome"}},
            "failures": {"type": "array", "items": {"$ref": "#/components/schemas/Outcome"}},
            "releases": {"type": "array", "items": {"$ref": "#/components/schemas/Release"}},
            "kind": {"type": "string", "enum": ["stix", "email", "sample", "report", "text", "csv", "observations"]},
            "warnings": {"type": ["array", "null"], "items": {"type": "string"}, "description": "what extraction recovered from or dropped, and why"},
            "victim_identifiers_found": {"type": ["integer", "null"]},
            "victim_identifiers": {"type": ["array", "null"], "items": {"type": "string"}, "description": "identifiers of the provider's side found in the hand-over: kept for the anonymiser, never shared"}}},
          "Bundle": {"type": "object", "required": ["type", "id", "objects"], "properties": {
            "type": {"const": "bundle"}, "id": {"type": "string"}, "objects": {"type": "array", "items": {"type": "object"}}}},
          "Proposal": {"type": "object", "required": ["id", "submission_id", "state", "proposed_at"], "properties": {
            "id": {"type": "string"}, "submission_id": {"type": "string"},
            "groups": {"type": "array", "items": {"type": "string"}}, "organizations": {"type": "array", "items": {"type": "string"}},
            "all_members": {"type": "boolean"}, "public": {"type": "boolean"}, "anonymize": {"type": "boolean"},
            "processed": {"type": "boolean"}, "note": {"type": ["string", "null"]},
            "state": {"type": "string", "enum": ["pending", "approved", "rejected"]},
            "proposed_at": {"type": "string"}, "decided_at": {"type": ["string", "null"]}, "release_id": {"type": ["string", "null"]},
            "include_context": {"type": "boolean"},
            "processed_bundle": {"type": ["object", "null"], "description": "the analyst's processed STIX bundle, as proposed"},
            "diff": {"$ref": "#/components/schemas/ProposalDiff"},
            "would_share": {"type": "object", "description": "pending proposals: exactly what approving would store and serve", "properties": {
              "bundle": {"$ref": "#/components/schemas/Bundle"}, "withheld": {"type": "array", "items": {"type": "string"}},
              "blocked": {"type": ["string", "null"]}}},
            "refused": {"type": ["string", "null"], "description": "why approving would be refused (a processed version that lowers the provider's markings or adds objects that are not the hub's)"}}},
          "ProposalDiff": {"type": "object", "description": "the processed version against the provider's own submission", "properties": {
            "added": {"type": "array", "items": {"$ref": "#/components/schemas/DiffedObject"}},
            "removed": {"type": "array", "items": {"$ref": "#/components/schemas/DiffedObject"}},
            "changed": {"type": "array", "items": {"$ref": "#/components/schemas/DiffedObject"}},
            "unchanged": {"type": "array", "items": {"type": "string"}}}},
          "DiffedObject": {"type": "object", "required": ["id", "type"], "properties": {
            "id": {"type": "string"}, "type": {"type": "string"}, "created_by_ref": {"type": ["string", "null"]},
            "properties_changed": {"type": "array", "items": {"type": "string"}},
            "markings": {"$ref": "#/components/schemas/Markings"}, "markings_before": {"$ref": "#/components/schemas/Markings"},
            "markings_after": {"$ref": "#/components/schemas/Markings"}}},
          "Markings": {"type": "object", "properties": {
            "tlp": {"type": ["string", "null"]}, "effective_tlp": {"type": "string"},
            "object_marking_refs": {"type": "array", "items": {"type": "string"}},
            "granular_markings": {"type": "array", "items": {"type": "object"}}}},
          "StandingConsent": {"type": "object", "required": ["rules"], "properties": {"rules": {"type": "array", "items": {"type": "object", "required": ["max_tlp", "content", "scope", "anonymize"], "properties": {
            "max_tlp": {"type": "string", "enum": ["clear", "green", "amber", "amber+strict", "red"]},
            "content": {"type": "string", "enum": ["technical", "all"]},
            "scope": {"type": "object", "properties": {"groups": {"type": "array", "items": {"type": "string"}}, "organizations": {"type": "array", "items": {"type": "string"}}, "all_members": {"type": "boolean"}, "public": {"type": "boolean"}}},
            "anonymize": {"type": "boolean"}}}}}},
          "SightingRequest": {"type": "object", "additionalProperties": false, "properties": {
            "indicator": {"type": "string", "description": "STIX id of an indicator you may read (or value)"},
            "value": {"type": "string", "description": "an observable value (address, domain, URL, e-mail address, file hash) of an indicator you may read (or indicator)"},
            "kind": {"type": "string", "enum": ["seen", "false-positive", "expired"], "default": "seen"},
            "count": {"type": "integer", "minimum": 1, "maximum": 999999999, "default": 1},
            "first_seen": {"type": "string", "format": "date-time"}, "last_seen": {"type": "string", "format": "date-time"},
            "consent_to_be_named": {"type": "boolean", "default": false, "description": "let other members see your organisation's name with the counts"}}},
          "SightingReceipt": {"type": "object", "required": ["id", "indicator", "kind", "count", "recorded_at"], "properties": {
            "id": {"type": "string"}, "indicator": {"type": "string"}, "kind": {"type": "string"}, "count": {"type": "integer"},
            "recorded_at": {"type": "string", "format": "date-time"}}},
          "SightingSummary": {"type": "object", "required": ["indicator", "kinds"], "properties": {
            "indicator": {"type": "string"},
            "review": {"type": ["string", "null"], "enum": ["review", "cleared", null], "description": "hub staff only"},
            "kinds": {"type": "array", "items": {"type": "object", "required": ["kind", "organizations", "sectors", "count", "named", "text"], "properties": {
              "kind": {"type": "string", "enum": ["seen", "false-positive", "expired"]},
              "organizations": {"type": "integer"}, "sectors": {"type": "integer", "description": "how many sectors; never which"},
              "count": {"type": "integer"}, "first_seen": {"type": ["string", "null"]}, "last_seen": {"type": ["string", "null"]},
              "named": {"type": "array", "items": {"type": "string"}, "description": "only organisations that consented to be named"},
              "text": {"type": "string", "description": "e.g. seen by 4 organisations in 2 sectors"}}}}}},
          "SightingReview": {"type": "object", "required": ["value", "state", "organizations", "placed_at", "reporters"], "properties": {
            "value": {"type": "string", "description": "observable key, e.g. ipv4-addr:198.51.100.7"},
            "state": {"type": "string", "enum": ["review", "cleared"]}, "organizations": {"type": "integer"},
            "placed_at": {"type": "string"}, "cleared_at": {"type": ["string", "null"]},
            "reporters": {"type": "array", "items": {"type": "string"}}}},
          "SharedValue": {"type": "object", "required": ["kind", "value"], "properties": {
            "kind": {"type": "string", "description": "ipv4-addr, domain-name, url, url:host, email-addr, email-addr:domain, email-message:reply-to, email-message:x-mailer, email-message:message-id-domain, email-message:first-external-hop, file:hashes.ALGORITHM"},
            "value": {"type": "string", "description": "normalised (case, punycode, RFC 5952 IPv6, refanged)"}}},
          "Correlations": {"type": "object", "required": ["submission", "view", "matches", "links", "excluded", "truncated", "indexed_values"], "properties": {
            "submission": {"type": "string"},
            "view": {"type": "string", "enum": ["analyst", "provider"], "description": "analyst: hub staff, every link; provider: the submitting organisation, other organisations' matches as counts only"},
            "matches": {"type": "object", "required": ["reports", "organizations"], "properties": {"reports": {"type": "integer"}, "organizations": {"type": "integer"}}, "description": "other organisations' submissions sharing a value, and how many organisations (provider view: held-back versions not counted)"},
            "links": {"type": "array", "description": "linked submissions with the shared values (provider view: its own organisation's only)", "items": {"type": "object", "required": ["submission", "organization", "held_back", "shared"], "properties": {
              "submission": {"type": "string"}, "organization": {"type": "string"}, "held_back": {"type": "boolean"},
              "shared": {"type": "array", "items": {"$ref": "#/components/schemas/SharedValue"}}}}},
            "readable": {"type": "array", "description": "provider view: other organisations' objects the caller may read anyway, with the shared values", "items": {"type": "object", "required": ["object", "feed", "shared"], "properties": {
              "object": {"type": "string"}, "feed": {"type": "string"}, "shared": {"type": "array", "items": {"$ref": "#/components/schemas/SharedValue"}}}}},
            "published": {"type": "array", "description": "analyst view: the hub's own content carrying the submission's values (corroborated indicators, released campaigns); never a link or a counted report", "items": {"type": "object", "required": ["object", "feed", "shared"], "properties": {
              "object": {"type": "string"}, "feed": {"type": "string"}, "shared": {"type": "array", "items": {"$ref": "#/components/schemas/SharedValue"}}}}},
            "excluded": {"type": "array", "description": "values on an exclusion list (MISP warning-list format): they link nothing", "items": {"type": "object", "required": ["kind", "value", "list"], "properties": {
              "kind": {"type": "string"}, "value": {"type": "string"}, "list": {"type": "string"}}}},
            "truncated": {"type": "array", "items": {"$ref": "#/components/schemas/SharedValue"}, "description": "values carried by more versions than are listed"},
            "indexed_values": {"type": "integer"}}},
          "Recipients": {"type": "object", "required": ["submission", "recipients"], "properties": {
            "submission": {"type": "string"},
            "recipients": {"type": "array", "items": {"type": "object", "required": ["organization", "organization_id", "objects"], "properties": {
              "organization": {"type": "string"}, "organization_id": {"type": "string"},
              "client_of": {"type": ["array", "null"], "items": {"type": "string"}, "description": "the recipient is a recorded client of these organisations (TLP:AMBER)"},
              "objects": {"type": "array", "items": {"type": "object", "required": ["id", "version", "received_at", "path"], "properties": {
                "id": {"type": "string"}, "version": {"type": "string"}, "received_at": {"type": "string"},
                "path": {"type": "string"}, "release_id": {"type": ["string", "null"]}}}}}}}}},
          "User": {"type": "object", "required": ["id", "email", "role", "organization_id"], "properties": {
            "id": {"type": "string"}, "email": {"type": "string"}, "role": {"type": "string"},
            "organization_id": {"type": "string"}, "disabled_at": {"type": ["string", "null"], "format": "date-time"}}},
          "Token": {"type": "object", "required": ["id", "email", "label", "created_at"], "properties": {
            "id": {"type": "string"}, "email": {"type": "string"}, "label": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"}, "revoked_at": {"type": ["string", "null"], "format": "date-time"}}}
        },
        "responses": {
          "Error": {"description": "error", "content": {"application/taxii+json;version=2.1": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      },
      "paths": {
        "/api/v1/campaigns": {
          "get": {"summary": "Hub analysts: confirmed campaigns, and with candidates=true the candidates (everyone else: 403)",
            "parameters": [{"name": "candidates", "in": "query", "required": false, "schema": {"type": "boolean"}}],
            "responses": {
              "200": {"description": "campaigns", "content": {"application/json": {"schema": {"type": "object", "properties": {"campaigns": {"type": "array", "items": {"$ref": "#/components/schemas/Campaign"}}}}}}},
              "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/campaigns/merge": {
          "post": {"summary": "Hub analysts: merge campaigns into one confirmed campaign",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["ids"], "properties": {"ids": {"type": "array", "items": {"type": "string"}}, "name": {"type": "string"}}}}}},
            "responses": {"200": {"description": "the merged campaign", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Campaign"}}}},
              "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/campaigns/recluster": {
          "post": {"summary": "Hub analysts: cluster every stored submission again (confirmed campaigns keep their ids)",
            "responses": {"200": {"description": "campaigns and candidates", "content": {"application/json": {"schema": {"type": "object", "properties": {"campaigns": {"type": "array", "items": {"$ref": "#/components/schemas/Campaign"}}}}}}},
              "403": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/campaigns/{id}/confirm": {
          "post": {"summary": "Hub analysts: confirm a candidate (new lasting id) or rename a confirmed campaign",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}},
            "responses": {"200": {"description": "the confirmed campaign", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Campaign"}}}},
              "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/campaigns/{id}/split": {
          "post": {"summary": "Hub analysts: the listed submissions leave the campaign and form a new confirmed one",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["submissions"], "properties": {"submissions": {"type": "array", "items": {"type": "string"}}, "name": {"type": "string"}}}}}},
            "responses": {"200": {"description": "both parts", "content": {"application/json": {"schema": {"type": "object", "properties": {"stays": {"$ref": "#/components/schemas/Campaign"}, "leaves": {"$ref": "#/components/schemas/Campaign"}}}}}},
              "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/campaigns/{id}/reject": {
          "post": {"summary": "Hub analysts: reject a candidate; it does not form again",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the rejected record", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Campaign"}}}},
              "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/campaigns/{id}/release": {
          "post": {"summary": "Hub analysts: release a confirmed campaign as anonymised hub-authored STIX (campaign, indicators, relationships) to a feed and audience",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["feed"], "properties": {"feed": {"type": "string"}, "groups": {"type": "array", "items": {"type": "string"}}, "organizations": {"type": "array", "items": {"type": "string"}}, "all_members": {"type": "boolean"}}}}}},
            "responses": {"201": {"description": "released", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Campaign"}}}},
              "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/submissions": {
          "get": {"summary": "Your organisation's submissions (hub staff: all)", "responses": {
            "200": {"description": "submissions", "content": {"application/json": {"schema": {"type": "object", "properties": {"submissions": {"type": "array", "items": {"$ref": "#/components/schemas/Submission"}}}}}}},
            "401": {"$ref": "#/components/responses/Error"}}},
          "post": {"summary": "Submit a STIX 2.1 bundle to a feed; it is held until released",
            "parameters": [{"name": "feed", "in": "query", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {
              "201": {"description": "stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Submission"}}}},
              "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/submissions/upload": {
          "post": {"summary": "Hand over an attack e-mail, sample, incident report, text, CSV or observations; extracted to STIX and held until released",
            "parameters": [
              {"name": "feed", "in": "query", "required": true, "schema": {"type": "string"}},
              {"name": "kind", "in": "query", "required": true, "schema": {"type": "string", "enum": ["email", "sample", "report", "text", "csv", "observations"]}},
              {"name": "tlp", "in": "query", "required": false, "schema": {"type": "string", "enum": ["clear", "green", "amber", "amber+strict", "red"]}},
              {"name": "column", "in": "query", "required": false, "description": "CSV column mapping NAME=KIND (repeatable); NAME is a header or #index", "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true},
              {"name": "malware_activity", "in": "query", "required": false, "schema": {"type": "boolean"}},
              {"name": "time_zone", "in": "query", "required": false, "schema": {"type": "string", "default": "UTC"}}],
            "requestBody": {"required": true, "content": {
              "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream"}}}},
              "application/octet-stream": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}}},
            "responses": {
              "201": {"description": "stored, held", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Submission"}}}},
              "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/submissions/{id}/preview": {
          "get": {"summary": "Exactly what an anonymised release to all members would share, and what would stay held (provider and hub staff)",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "preview", "content": {"application/json": {"schema": {"type": "object", "required": ["submission", "anonymized_preview", "withheld"], "properties": {
              "submission": {"type": "string"}, "anonymized_preview": {"$ref": "#/components/schemas/Bundle"},
              "withheld": {"type": "array", "items": {"type": "string"}},
              "blocked": {"type": ["string", "null"], "description": "set when the final identifier check would block the release"}}}}}},
              "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/samples/{sha256}": {
          "get": {"summary": "Download a sample as a zip protected with the password 'infected' (audited)",
            "parameters": [{"name": "sha256", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"}}],
            "responses": {"200": {"description": "the sample, zipped with ZipCrypto, password 'infected'", "content": {"application/zip": {"schema": {"type": "string", "contentMediaType": "application/zip"}}}},
              "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/observations": {
          "get": {"summary": "Hourly observed-data (darknet sensors, malware activity) whose hour starts in [from, to), as a STIX bundle",
            "parameters": [
              {"name": "feed", "in": "query", "required": true, "schema": {"type": "string"}},
              {"name": "from", "in": "query", "required": false, "schema": {"type": "string", "format": "date-time"}},
              {"name": "to", "in": "query", "required": false, "schema": {"type": "string", "format": "date-time"}},
              {"name": "source", "in": "query", "required": false, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "bundle", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Bundle"}}}},
              "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/submissions/{id}": {
          "get": {"summary": "One submission with its releases",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "submission", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Submission"}}}},
              "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/submissions/{id}/release": {
          "post": {"summary": "The provider releases its submission (consent)",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReleaseRequest"}}}},
            "responses": {"201": {"description": "released", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Release"}}}},
              "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"description": "blocked by the final identifier check", "content": {"application/taxii+json;version=2.1": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "422": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/submissions/{id}/recipients": {
          "get": {"summary": "Which organisations received which objects of the submission, and when",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "recipients", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Recipients"}}}},
              "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/submissions/{id}/correlations": {
          "get": {"summary": "Which submissions share observables with this one (correlation on arrival)",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "correlations as the caller may see them", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Correlations"}}}},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/submissions/{id}/proposals": {
          "post": {"summary": "Hub staff propose a release (optionally with a processed bundle); it waits for the provider",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/ReleaseRequest"}, {"type": "object", "properties": {
              "processed_bundle": {"type": "object", "description": "a STIX 2.1 bundle released instead of the originals"},
              "note": {"type": "string"}}}]}}}},
            "responses": {"201": {"description": "proposed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Proposal"}}}},
              "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/proposals": {
          "get": {"summary": "The provider's inbox of proposals (hub staff: all)", "responses": {
            "200": {"description": "proposals", "content": {"application/json": {"schema": {"type": "object", "properties": {"proposals": {"type": "array", "items": {"$ref": "#/components/schemas/Proposal"}}}}}}}}}
        },
        "/api/v1/proposals/{id}": {
          "get": {"summary": "One proposal with its processed bundle, the diff against the submission and what approving would share",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the proposal", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Proposal"}}}},
              "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/proposals/{id}/approve": {
          "post": {"summary": "The provider approves: the proposal becomes a release",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"201": {"description": "released", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Release"}}}},
              "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/proposals/{id}/reject": {
          "post": {"summary": "The provider rejects a proposal",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"reason": {"type": "string"}}}}}},
            "responses": {"200": {"description": "rejected", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Proposal"}}}},
              "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/standing-consent": {
          "get": {"summary": "Your organisation's standing consent", "responses": {
            "200": {"description": "rules", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StandingConsent"}}}}}},
          "put": {"summary": "Replace your organisation's standing consent (organisation admins)",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StandingConsent"}}}},
            "responses": {"200": {"description": "stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StandingConsent"}}}},
              "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/sightings": {
          "post": {"summary": "Report a sighting (seen, false positive, expired) of an indicator you may read, by its id or a value; members' users who may write",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SightingRequest"}}}},
            "responses": {"201": {"description": "recorded (durable)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SightingReceipt"}}}},
              "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/indicators/{id}/sightings": {
          "get": {"summary": "The sightings of an indicator you may read, as counts per kind (names only of reporters that consented)",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "counts", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SightingSummary"}}}},
              "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/sightings/review": {
          "get": {"summary": "Values false-positive reports put on review, out of the corroborated feed (hub staff)",
            "parameters": [{"name": "all", "in": "query", "required": false, "schema": {"type": "boolean"}, "description": "also those cleared"}],
            "responses": {"200": {"description": "the review queue", "content": {"application/json": {"schema": {"type": "object", "properties": {"reviews": {"type": "array", "items": {"$ref": "#/components/schemas/SightingReview"}}}}}}},
              "403": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/sightings/review/clear": {
          "post": {"summary": "Clear a value on review (hub staff): corroboration may release it again",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["value"], "properties": {"value": {"type": "string"}}}}}},
            "responses": {"200": {"description": "cleared"}, "400": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/feeds": {
          "get": {"summary": "The feeds you may see, with their severity, your consumer tier and polling hint",
            "responses": {"200": {"description": "your tier and feeds", "content": {"application/json": {"schema": {"type": "object", "properties": {"tier": {"type": "string", "enum": ["large", "medium", "small"]}, "poll_interval_seconds": {"type": "integer"}, "feeds": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "title": {"type": "string"}, "severity": {"type": "string", "enum": ["urgent", "important", "normal", "info"]}, "can_read": {"type": "boolean"}, "can_write": {"type": "boolean"}, "reduced": {"type": "boolean"}}}}}}}}},
              "401": {"$ref": "#/components/responses/Error"}, "429": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/feeds/{name}/export": {
          "get": {"summary": "The feed as a blocklist for your devices: exactly what you may read, recorded as your read (304 on If-None-Match; gzip when accepted)",
            "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
              {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["stix", "suricata", "suricata-iprep", "rpz", "zeek", "misp-feed", "misp-event", "plain", "csv"], "default": "stix"}},
              {"name": "type", "in": "query", "description": "comma-separated: ipv4, ipv6, cidr, domain, url, md5, sha1, sha256 (plain: exactly one)", "schema": {"type": "string"}},
              {"name": "tlp", "in": "query", "description": "at most this TLP level", "schema": {"type": "string", "enum": ["clear", "green", "amber", "amber+strict", "red"]}},
              {"name": "min_confidence", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 100}},
              {"name": "age", "in": "query", "description": "modified within, e.g. 30d, 12h, 90m", "schema": {"type": "string"}},
              {"name": "sector", "in": "query", "description": "the provider's sector", "schema": {"type": "string"}},
              {"name": "limit", "in": "query", "description": "entries per list; the highest-confidence, freshest are kept and the cut reported in X-Kakehashi-Export-Cut", "schema": {"type": "integer", "minimum": 1}},
              {"name": "file", "in": "query", "description": "another file of the export (listed in X-Kakehashi-Export-Files)", "schema": {"type": "string"}},
              {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the export's file", "content": {"text/plain": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "object"}}, "text/csv": {"schema": {"type": "string"}}}},
              "304": {"description": "not modified since the ETag sent"},
              "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/releases/{id}/revoke": {
          "post": {"summary": "Revoke a release: its objects disappear from later reads",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "revoked", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Release"}}}},
              "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/metrics/coverage": {
          "get": {"summary": "Coverage: how many of an organisation's indicators other organisations also hold", "description": "Hub staff: every organisation by name with the overlap matrix and by sector. Anyone else: its own organisation only, the others as pseudonyms, counting only overlaps the hub delivered to it.", "parameters": [{"name": "feed", "in": "query", "schema": {"type": "string"}}, {"name": "sector", "in": "query", "schema": {"type": "string"}}, {"name": "from", "in": "query", "description": "date (2026-12-07) or RFC 3339 timestamp", "schema": {"type": "string"}}, {"name": "to", "in": "query", "description": "date (inclusive) or RFC 3339 timestamp (exclusive)", "schema": {"type": "string"}}, {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"]}}],
            "responses": {"200": {"description": "the report", "content": {"application/json": {"schema": {"type": "object", "required": ["metric"], "properties": {"metric": {"type": "string", "const": "coverage"}}}}, "text/csv": {"schema": {"type": "string"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/metrics/lead-time": {
          "get": {"summary": "Lead time: how long before an organisation held an indicator itself the hub had delivered it", "description": "Entries, and per organisation and overall: median, p90 and a histogram (seconds). Hub staff: every organisation; anyone else: its own.", "parameters": [{"name": "feed", "in": "query", "schema": {"type": "string"}}, {"name": "sector", "in": "query", "schema": {"type": "string"}}, {"name": "from", "in": "query", "description": "date (2026-12-07) or RFC 3339 timestamp", "schema": {"type": "string"}}, {"name": "to", "in": "query", "description": "date (inclusive) or RFC 3339 timestamp (exclusive)", "schema": {"type": "string"}}, {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"]}}],
            "responses": {"200": {"description": "the report", "content": {"application/json": {"schema": {"type": "object", "required": ["metric"], "properties": {"metric": {"type": "string", "const": "lead-time"}}}}, "text/csv": {"schema": {"type": "string"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/metrics/daily": {
          "get": {"summary": "Daily counts of new C2, phishing and malware-hosting indicators by feed, sector and country", "description": "Country from the RIR delegated-extended statistics the operator configured; none for domain names and URLs. Hub staff: all; anyone else: its own organisation's indicators.", "parameters": [{"name": "feed", "in": "query", "schema": {"type": "string"}}, {"name": "sector", "in": "query", "schema": {"type": "string"}}, {"name": "from", "in": "query", "description": "date (2026-12-07) or RFC 3339 timestamp", "schema": {"type": "string"}}, {"name": "to", "in": "query", "description": "date (inclusive) or RFC 3339 timestamp (exclusive)", "schema": {"type": "string"}}, {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"]}}],
            "responses": {"200": {"description": "the report", "content": {"application/json": {"schema": {"type": "object", "required": ["metric"], "properties": {"metric": {"type": "string", "const": "daily"}}}}, "text/csv": {"schema": {"type": "string"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/users": {
          "get": {"summary": "The users you administer (hub admins: all; organisation admins: their organisation's)",
            "responses": {"200": {"description": "users", "content": {"application/json": {"schema": {"type": "object", "properties": {"users": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}}}}},
              "403": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/users/{id}": {
          "delete": {"summary": "Remove a user and their tokens (hub admins, the user's organisation admins)", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"204": {"description": "removed"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/users/{id}/disable": {
          "post": {"summary": "Disable a user: their password and tokens are refused from the next request on", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "disabled", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/users/{id}/enable": {
          "post": {"summary": "Re-enable a disabled user", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "enabled", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/alerts/subscriptions": {
          "get": {"summary": "Your alert subscriptions (never the webhook secret)",
            "responses": {"200": {"description": "subscriptions", "content": {"application/json": {"schema": {"type": "object", "properties": {"subscriptions": {"type": "array", "items": {"$ref": "#/components/schemas/AlertSubscription"}}}}}}}, "401": {"$ref": "#/components/responses/Error"}}},
          "post": {"summary": "Subscribe to alerts of new indicators: urgent feeds at once, others in a daily or weekly digest; e-mail to your account address and/or a signed webhook",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {
              "feed": {"type": "string", "description": "a feed name; absent: every feed you may read at minimum_severity or above"},
              "minimum_severity": {"type": "string"}, "campaign": {"type": "string", "description": "a released campaign's id or name"},
              "sector": {"type": "string", "description": "only indicators from providers of this sector"},
              "watch": {"type": "array", "items": {"type": "string"}, "description": "domains (and their sub-domains), IPs, URLs, e-mail addresses"},
              "email": {"type": "boolean"}, "webhook_url": {"type": "string", "description": "https://; loopback, private and link-local addresses are refused unless the operator allows them (then http:// to them too)"},
              "digest": {"type": "string", "enum": ["daily", "weekly"]}}}}}},
            "responses": {"201": {"description": "created; webhook_secret is shown this once: X-Kakehashi-Signature is sha256=HMAC-SHA256(secret, X-Kakehashi-Timestamp + '.' + body)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AlertSubscription"}}}}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/alerts/subscriptions/{id}": {
          "delete": {"summary": "Remove one of your subscriptions (its pending alerts are withheld)", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"204": {"description": "removed"}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/alerts/deliveries": {
          "get": {"summary": "Your alert deliveries, newest first; ?all=true: everyone's (hub administrators)",
            "parameters": [{"name": "status", "in": "query", "required": false, "schema": {"type": "string", "enum": ["pending", "sent", "dead", "withheld"]}},
                           {"name": "all", "in": "query", "required": false, "schema": {"type": "boolean"}}],
            "responses": {"200": {"description": "deliveries", "content": {"application/json": {"schema": {"type": "object", "properties": {"deliveries": {"type": "array", "items": {"$ref": "#/components/schemas/AlertDelivery"}}}}}}}, "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/alerts/dead-letters": {
          "get": {"summary": "Deliveries that failed as often as allowed (hub administrators)",
            "responses": {"200": {"description": "dead letters", "content": {"application/json": {"schema": {"type": "object", "properties": {"dead_letters": {"type": "array", "items": {"$ref": "#/components/schemas/AlertDelivery"}}}}}}}, "403": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/alerts/dead-letters/{id}/retry": {
          "post": {"summary": "Send a dead letter again (hub administrators)", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "pending again", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AlertDelivery"}}}}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/tokens": {
          "get": {"summary": "Your API tokens, or (administrators) those of the user named by ?email=",
            "parameters": [{"name": "email", "in": "query", "required": false, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "tokens", "content": {"application/json": {"schema": {"type": "object", "properties": {"tokens": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}}}}}}}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/tokens/{id}/revoke": {
          "post": {"summary": "Revoke an API token (its owner, an admin of its organisation, a hub admin)", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "revoked"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/organizations/{id}/disable": {
          "post": {"summary": "Disable an organisation: none of its users' passwords or tokens is accepted (hub admins)", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "disabled"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/organizations/{id}/enable": {
          "post": {"summary": "Re-enable an organisation (hub admins)", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "enabled"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}
        }
      }
    }
    """#
}
