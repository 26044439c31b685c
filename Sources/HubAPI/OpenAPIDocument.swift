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
        "/api/v1/releases/{id}/revoke": {
          "post": {"summary": "Revoke a release: its objects disappear from later reads",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "revoked", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Release"}}}},
              "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}
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
