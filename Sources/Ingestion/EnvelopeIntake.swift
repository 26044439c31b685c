// Ingestion of STIX envelopes: validates each object of a TAXII envelope or STIX bundle on its own,
// keeps each valid object's submitted bytes, and stores them as one durable submission.
import Accounts
import Consent
import Extraction
import Correlation
import Foundation
import SharingPolicy
import STIX
import Storage

/// Why a whole envelope was refused (nothing was stored).
public struct IntakeError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable { case malformed, forbidden }
    public let kind: Kind
    public let description: String
    public init(_ kind: Kind, _ description: String) { self.kind = kind; self.description = description }
}

extension IntakeError: HubErrorConvertible {
    /// A malformed envelope is invalid input; a feed or marking the submitter may not use is forbidden.
    public var hubError: HubError {
        switch kind {
        case .malformed: return .invalid(description)
        case .forbidden: return .forbidden(description)
        }
    }
}

/// Accepts STIX content into a feed on behalf of a principal.
///
/// One invalid object fails alone (reported in the submission's failures); the valid ones are stored
/// with their bytes exactly as submitted, in one transaction, before this returns.
///
/// ```swift
/// let intake = EnvelopeIntake(store: store, policy: PolicyEngine(store: store))
/// let submission = try await intake.submit(envelope: bytes, to: feed, by: principal)
/// print(submission.successes.count, submission.failures.count)
/// ```
public struct EnvelopeIntake: Sendable {
    public let store: any HubStore
    public let policy: PolicyEngine
    public let limits: JSONLimits
    /// Applies the provider's standing consent to each new submission, when given.
    public let desk: ConsentDesk?
    /// Records the observables of each submission and releases those corroborated by k organisations.
    public let corroboration: Corroboration?
    /// Turns STIX `sighting` objects into sighting reports (with corroboration: every way in that
    /// applies the hub's rules takes sightings too).
    public let sightings: SightingDesk?
    /// Told of each stored submission (campaign clustering), when given.
    public var arrivals: (any SubmissionArrivals)? = nil
    /// Whether each stored version's observables go into the observable index (correlation on
    /// arrival, `CorrelationDesk`), in the transaction that stores it. On unless turned off (the
    /// benchmark measures ingest without it).
    public let indexesObservables: Bool

    public init(store: any HubStore, policy: PolicyEngine, limits: JSONLimits = .standard, desk: ConsentDesk? = nil,
                corroboration: Corroboration? = nil, indexesObservables: Bool = true) {
        self.store = store; self.policy = policy; self.limits = limits; self.desk = desk
        self.corroboration = corroboration; self.indexesObservables = indexesObservables
        self.sightings = corroboration.map { SightingDesk(store: store, policy: policy, corroboration: $0) }
    }

    public func submit(envelope bytes: [UInt8], to feed: Feed, by principal: Principal,
                       requestTimestamp: String? = nil, extras: SubmissionExtras? = nil,
                       extracted: ExtractedSubmission? = nil) async throws -> Submission {
        guard try await policy.access(of: principal, to: feed).canWrite else {
            throw IntakeError(.forbidden, "no write access to feed \(feed.name)")
        }
        var submission = Submission(feedID: feed.id, organizationID: principal.organization.id,
                                    userID: principal.user.id,
                                    requestTimestamp: requestTimestamp ?? STIXTimestamp.now().text)
        let audiences = policy.arrivalAudiences(for: principal)
        let extractingObservables = corroboration != nil
        let indexing = indexesObservables
        let countingReports = extractingObservables && !principal.user.role.isHubStaff
        // The provider's standing consent is read while the submission is scanned and stored.
        let desk = self.desk
        let standingConsent = desk.map { desk in
            Task { try await desk.standingConsent(for: principal) }
        }
        // The objects go to the store in batches as they are scanned and pass validation: the
        // store's writer inserts one batch while the next is scanned and checked, all in one
        // transaction that commits at the end (or is rolled back if the document turns out malformed).
        // The writer starts at once and waits for the first batch, so that its start overlaps the
        // scanning and checking of that batch.
        let stream = IncomingStream(for: submission)
        let store = self.store
        let writer = Task { try await store.append(stream, to: feed.id, countingReports: countingReports) }
        var markings: [[String]] = []
        // Observables of objects marked RED or AMBER+STRICT: held back from corroboration for good.
        var heldKeys: [String] = []
        let defaultTLP = policy.defaultTLP
        var stored = 0
        var customTLP: (id: String, level: String)? = nil
        // STIX sightings are decided after the scan (whether the member may read what they sight
        // takes reads the scanner's callback cannot wait for) and stored last.
        let takesSightings = sightings != nil
        var pendingSightings: [(value: JSONValue, facts: STIXObjectFacts, object: IncomingObject)] = []
        var envelopeIDs = Set<String>()
        // Objects the provider revoked: their anonymised copies are revoked after the store.
        var revokedIDs: [String] = []
        let envelope: ScannedEnvelope
        do {
            envelope = try EnvelopeScanner.scan(bytes, limits: limits, handingOver: Self.batchSize,
                                                firstBatch: Self.firstBatchSize) { batch in
                var incoming: [IncomingObject] = []
                incoming.reserveCapacity(batch.count)
                var batchObservables: [String] = []
                for object in batch where customTLP == nil {
                    guard let properties = object.value.objectValue,
                          let level = TLPMarking.customDeclaration(in: properties) else { continue }
                    customTLP = (properties["id"]?.stringValue ?? "a marking-definition", level)
                }
                for (object, (result, keys, entries, search)) in zip(batch, Self.check(batch, extractingObservables: extractingObservables,
                                                                                 indexing: indexing)) {
                    switch result {
                    case .success(let facts):
                        let version = facts.version
                        let tlp = PolicyEngine.tlpLevel(of: facts)
                        var item = IncomingObject(
                            stixID: facts.id, type: facts.type, specVersion: facts.specVersion, version: version,
                            versionMicroseconds: version.flatMap { STIXTimestamp($0)?.microsecondsSinceEpoch },
                            bytes: Array(object.bytes), tlp: tlp, audiences: audiences)
                        item.search = search
                        if indexing {
                            item.revokes = facts.revoked
                            item.observables = entries
                            item.observablesHeldBack = !entries.isEmpty && Self.holdsBack(object.value, tlp: tlp ?? defaultTLP)
                        }
                        if facts.revoked { revokedIDs.append(facts.id) }
                        if takesSightings { envelopeIDs.insert(facts.id) }
                        if takesSightings, facts.type == "sighting" {
                            pendingSightings.append((object.value, facts, item))
                            continue
                        }
                        incoming.append(item)
                        submission.successes.append(ObjectOutcome(id: facts.id, version: version, message: nil,
                                                                  tlp: tlp?.rawValue))
                        markings.append(facts.objectMarkingRefs)
                        if Self.holdsBack(object.value, tlp: tlp ?? defaultTLP) {
                            heldKeys += keys
                        } else {
                            batchObservables += keys
                        }
                    case .failure(let error):
                        let id = object.value.objectValue?["id"]?.stringValue
                        let version = object.value.objectValue?["modified"]?.stringValue
                            ?? object.value.objectValue?["created"]?.stringValue
                        submission.failures.append(ObjectOutcome(id: id, version: version, message: error.message))
                    }
                }
                stored += incoming.count
                // Observables go with their batch: the writer records them while later ones are checked
                // (as reports of the organisation only with `countingReports`; hub content's are
                // recorded as carried, so that whoever receives them is known to have them).
                stream.send(incoming, observables: batchObservables)
            }
        } catch {
            // Nothing is written: the writer rolls back what it had inserted.
            stream.abandon()
            _ = try? await writer.value
            throw IntakeError(.malformed, "the body is not a valid TAXII envelope or STIX bundle: \(error)")
        }
        // TLP only under the well-known ids: an object marked with a TLP definition of the provider's
        // own would be read as unmarked everywhere markings are evaluated, so the envelope is refused.
        if let customTLP {
            stream.abandon()
            _ = try? await writer.value
            throw IntakeError(.malformed, "\(customTLP.id) declares TLP level \"\(customTLP.level)\" under an id of its own; mark objects with the well-known TLP marking-definition ids (TLP 2.0: \(TLPMarking.tlp2.map(\.name).joined(separator: ", "))) instead. Nothing was stored.")
        }
        let before = submission.successes.count
        let sightingRecords = await decideSightings(pendingSightings, envelopeIDs: envelopeIDs, submission: &submission,
                                                    markings: &markings, by: principal, stream: stream)
        stored += submission.successes.count - before
        // PAP levels come from marking definitions anywhere in the envelope, so they are known last.
        let papLevels = Self.papLevels(in: envelope)
        Self.retire(consume envelope)
        if !papLevels.isEmpty {
            for index in submission.successes.indices {
                submission.successes[index].pap = markings[index].lazy.compactMap { papLevels[$0] }.first
            }
        }
        // The observables were recorded with their batches, and how many organisations reported each
        // is counted in the same transaction; corroboration then releases those reported by k.
        var extras = extras
        if !heldKeys.isEmpty {
            extras = extras ?? SubmissionExtras()
            extras!.heldKeys += heldKeys
        }
        stream.finish(recording: submission, extras: extras)
        let outcome = try await writer.value
        let results = outcome.results
        let reportCounts = outcome.observableReportCounts
        for (index, result) in results.enumerated() where result == .alreadyPresent {
            submission.successes[index].message = "this version was already in the collection; stored once"
        }
        // The sightings the member may report are durable before the envelope is acknowledged.
        if let sightings {
            for records in sightingRecords { try await sightings.commit(records, by: principal) }
        }
        // The submission is stored by now: what follows may fail without failing it; a failure is
        // recorded in the provider's audit trail.
        if let corroboration, !reportCounts.isEmpty {
            do {
                _ = try await corroboration.releaseCorroborated(counts: reportCounts, submission: submission,
                                                                provider: principal)
            } catch {
                await recordAfterStoring(.release, of: submission, by: principal,
                                         details: ["kind": "corroboration", "result": "not released"], error: error)
            }
        }
        if let desk, let standingConsent, stored > 0 {
            do {
                _ = try await desk.applyStandingConsent(try await standingConsent.value, to: submission, provider: principal)
            } catch {
                // The submission stays held.
                await recordAfterStoring(.standingConsent, of: submission, by: principal,
                                         details: ["result": "not applied"], error: error)
            }
        }
        if let desk, !revokedIDs.isEmpty {
            do {
                _ = try await desk.propagateRevocations(of: revokedIDs, in: feed.id, by: principal)
            } catch {
                await recordAfterStoring(.revoke, of: submission, by: principal,
                                         details: ["result": "anonymised copies not revoked"], error: error)
            }
        }
        if let arrivals, stored > 0 { await arrivals.stored(submission, extracted: extracted, by: principal) }
        return submission
    }

    /// Decides the STIX sightings of an envelope: a member's sighting of an indicator stored before
    /// is a sighting report; those it may report are stored as its objects (held like any
    /// submission) and returned as the reports to record; the others fail alone, a sighting of an
    /// indicator the member may not read exactly as one of an indicator that does not exist. Hub
    /// staff's sightings (imports, the hub's own analysis), sightings of an object of the same
    /// envelope (part of the member's own report) and of anything but an indicator are content,
    /// stored as posted.
    func decideSightings(_ pending: [(value: JSONValue, facts: STIXObjectFacts, object: IncomingObject)],
                         envelopeIDs: Set<String>, submission: inout Submission, markings: inout [[String]],
                         by principal: Principal, stream: IncomingStream) async -> [[SightingRecord]] {
        guard let sightings, !pending.isEmpty else { return [] }
        var accepted: [IncomingObject] = []
        var reports: [[SightingRecord]] = []
        for (value, facts, object) in pending {
            let ref = value.objectValue?["sighting_of_ref"]?.stringValue ?? ""
            let reporting = !principal.user.role.isHubStaff && ref.hasPrefix("indicator--") && !envelopeIDs.contains(ref)
            let decision: Result<[SightingRecord], HubError>
            do {
                decision = reporting ? try await sightings.records(forSighting: value, by: principal) : .success([])
            } catch {
                decision = .failure(.unavailable("the sighting could not be checked: \(error)"))
            }
            switch decision {
            case .success(let records):
                accepted.append(object)
                if !records.isEmpty { reports.append(records) }
                submission.successes.append(ObjectOutcome(id: facts.id, version: facts.version,
                                                          message: records.isEmpty ? nil : "recorded as a sighting",
                                                          tlp: object.tlp?.rawValue))
                markings.append(facts.objectMarkingRefs)
            case .failure(let error):
                submission.failures.append(ObjectOutcome(id: facts.id, version: facts.version,
                                                         message: "sighting not recorded: \(error.reason)"))
            }
        }
        if !accepted.isEmpty { stream.send(accepted, observables: []) }
        return reports
    }

    /// Whether an object's values are held back from corroboration: marked (or, unmarked, taken by
    /// default as) TLP:RED or AMBER+STRICT, on the whole object or on any of its parts.
    static func holdsBack(_ object: JSONValue, tlp: TLPLevel) -> Bool {
        if tlp >= .amberStrict { return true }
        guard let granular = object.objectValue?["granular_markings"]?.arrayValue else { return false }
        let refs = granular.compactMap { $0.objectValue?["marking_ref"]?.stringValue }
        return (PolicyEngine.tlpLevel(markingRefs: refs) ?? .clear) >= .amberStrict
    }

    /// Records in the audit trail that a step after storing `submission` failed.
    func recordAfterStoring(_ action: AuditAction, of submission: Submission, by principal: Principal,
                            details: [String: String], error: any Error) async {
        var details = details
        details["reason"] = String(describing: error)
        try? await store.appendAudit([AuditEvent(
            action: action, actorUserID: principal.user.id, actorOrganizationID: principal.organization.id,
            subject: submission.id, details: details)])
    }

    /// Objects per batch handed from the scanner to validation and on to the store's writer: small
    /// enough to keep the two overlapping, large enough to keep the hand-overs few.
    static let batchSize = 50
    /// The first batch is smaller still: until it is checked, the writer has nothing to do.
    static let firstBatchSize = 10

    /// Frees the parsed envelope on another thread: dropping the value trees of a 500-object
    /// envelope took 1–3 ms, which the client waited for when it happened on return.
    static func retire(_ envelope: consuming ScannedEnvelope) {
        let retired = envelope
        Task.detached(priority: .background) { withExtendedLifetime(retired) {} }
    }

    /// Validates each object (and, for corroboration, reads its observables), in order. A batch is
    /// checked in parts on as many cores (up to four) while the scanner waits: checking was the
    /// longer half of scanning, and with it on one core a 500-object envelope took about 20% longer.
    static func check(_ objects: ArraySlice<ScannedObject>, extractingObservables: Bool, indexing: Bool)
        -> [Checked] {
        @Sendable func checked(_ object: ScannedObject) -> Checked {
            let result = STIXValidator.validate(object.value)
            guard case .success(let facts) = result else { return (result, [], [], .notPrepared) }
            // The index entries and the search document are made here, on the checking cores, beside
            // the corroboration keys: the writer that stores them runs on one.
            return (result, extractingObservables ? ObservableExtraction.keys(in: object.value, facts: facts) : [],
                    indexing && !facts.revoked ? ObservableEntries.of(object.value, facts: facts) : [],
                    .prepared(searchDocument(of: object.value, revokes: facts.revoked)))
        }
        let parts = checkingParts
        guard parts > 1, objects.count >= 2 * parts else { return objects.map(checked) }
        let results = CheckedParts(count: parts)
        let size = (objects.count + parts - 1) / parts
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let start = objects.startIndex + part * size
            let end = min(start + size, objects.endIndex)
            results.set(part, start < end ? objects[start..<end].map(checked) : [])
        }
        return results.joined
    }

    /// The search document of a checked object (what `SearchDocument(json:)` makes of its bytes).
    static func searchDocument(of value: JSONValue, revokes: Bool) -> SearchDocument? {
        guard let properties = value.objectValue else { return nil }
        return SearchDocument(revokes: revokes) { member in
            switch properties[member] {
            case .string(let text)?: return [text]
            case .array(let items)?: return items.compactMap(\.stringValue)
            default: return []
            }
        }
    }

    /// How many parts a batch is checked in.
    static let checkingParts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4))

    /// The OASIS PAP property extension on marking definitions.
    static let papExtensionID = "extension-definition--f8d78575-edfd-406e-8e84-6162a8450f5b"

    /// PAP marking definitions in the envelope: their id and level (`clear`, `green`, `amber`, `red`).
    static func papLevels(in envelope: ScannedEnvelope) -> [String: String] {
        var levels: [String: String] = [:]
        for object in envelope.objects {
            guard let properties = object.value.objectValue, properties["type"]?.stringValue == "marking-definition",
                  let id = properties["id"]?.stringValue else { continue }
            if let level = properties["extensions"]?.objectValue?[papExtensionID]?.objectValue?["pap"]?.stringValue {
                levels[id] = level.lowercased()
            } else if let name = properties["name"]?.stringValue, name.uppercased().hasPrefix("PAP:") {
                levels[id] = String(name.dropFirst(4)).lowercased()
            }
        }
        return levels
    }
}

/// One object checked: its validation, its corroboration keys and its observable index entries.
typealias Checked = (Result<STIXObjectFacts, STIXValidationError>, [String], [IndexedObservable], IncomingObject.PreparedSearch)

/// The results of a batch's parts, each set by the thread that checked it.
private final class CheckedParts: @unchecked Sendable {
    private var slots: [[Checked]]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: [], count: count) }
    func set(_ index: Int, _ value: [Checked]) {
        lock.lock(); slots[index] = value; lock.unlock()
    }
    var joined: [Checked] { slots.flatMap { $0 } }
}
