// Storage incoming stream: the objects of one submission handed to the store chunk by chunk, while
// the ingestion is still checking the later ones, and then the submission's outcome.
import Foundation

/// The objects of one submission, in order, arriving while later ones are still being checked;
/// then the submission itself, whose successes and failures are known only once every object is.
///
/// A store whose writes run on a thread of its own (SQLite's writer) takes the chunks with `next()`
/// inside its one transaction, so inserting the first objects overlaps checking the rest; nothing
/// is visible or durable before the whole submission commits. Other stores wait for everything
/// (`collected()`) and append it at once.
///
/// ```swift
/// let stream = IncomingStream(for: submission)
/// async let outcome = store.append(stream, to: feed.id, countingReports: false)
/// stream.send(firstObjects)
/// stream.send(moreObjects, observables: ["ipv4-addr:198.51.100.7"])
/// stream.finish(recording: checkedSubmission, extras: nil)
/// let results = try await outcome.results
/// ```
public final class IncomingStream: @unchecked Sendable {
    /// What `next()` hands the store.
    public enum Element: Sendable {
        /// The next objects, in submission order, and the observables reported with them (to be
        /// recorded as `SubmissionExtras.observableKeys` are).
        case objects([IncomingObject], observables: [String])
        /// Every object was sent: the submission to record (successes listing the sent objects
        /// one-to-one and in order) and its extras.
        case end(Submission, SubmissionExtras?)
        /// The ingestion gave up (it failed or was cancelled): the store must write nothing.
        case abandoned
    }

    /// Id and organisation of the submission: known before any object is checked.
    public let submissionID: String
    public let organizationID: String

    private let condition = NSCondition()
    private var pending: [Element] = []
    private var head = 0
    private var closed = false
    private var waiter: CheckedContinuation<Void, Never>?

    public init(for submission: Submission) {
        submissionID = submission.id
        organizationID = submission.organizationID
    }

    /// A stream already holding all of a submission's objects and its outcome.
    public convenience init(_ objects: [IncomingObject], recording submission: Submission, extras: SubmissionExtras?) {
        self.init(for: submission)
        send(objects)
        finish(recording: submission, extras: extras)
    }

    public func send(_ objects: [IncomingObject], observables: [String] = []) {
        guard !objects.isEmpty || !observables.isEmpty else { return }
        put(.objects(objects, observables: observables))
    }

    public func finish(recording submission: Submission, extras: SubmissionExtras?) {
        precondition(submission.id == submissionID, "the stream was opened for submission \(submissionID)")
        put(.end(submission, extras))
    }

    /// The ingestion will send nothing more: a store still waiting writes nothing. No effect after `finish`.
    public func abandon() { put(.abandoned) }

    private func put(_ element: Element) {
        condition.lock()
        guard !closed else { condition.unlock(); return }
        if case .objects = element {} else { closed = true }
        pending.append(element)
        let waiting = waiter
        waiter = nil
        condition.signal()
        condition.unlock()
        waiting?.resume()
    }

    /// The next element, blocking the calling thread until there is one. Only for a store's own
    /// writer thread: never call it from a Swift concurrency task.
    public func next() -> Element {
        condition.lock()
        defer { condition.unlock() }
        while head == pending.count { condition.wait() }
        return take()
    }

    private func take() -> Element {
        let element = pending[head]
        pending[head] = .abandoned
        head += 1
        return element
    }

    /// Everything, once the stream has ended, awaited without blocking a thread; nil when abandoned.
    public func collected() async -> (objects: [IncomingObject], submission: Submission, extras: SubmissionExtras?)? {
        var objects: [IncomingObject] = []
        var observables: [String] = []
        while true {
            let element = poll()
            switch element {
            case .objects(let chunk, let keys):
                objects += chunk
                observables += keys
            case .end(let submission, var extras):
                if !observables.isEmpty {
                    extras = extras ?? SubmissionExtras()
                    extras!.observableKeys = observables + extras!.observableKeys
                }
                return (objects, submission, extras)
            case .abandoned: return nil
            case nil: await arrival()
            }
        }
    }

    /// The next element if there is one already.
    private func poll() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        return head < pending.count ? take() : nil
    }

    /// Returns once something was put after the last look (at once when it already was).
    private func arrival() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if head < pending.count {
                condition.unlock()
                continuation.resume()
            } else {
                waiter = continuation
                condition.unlock()
            }
        }
    }
}
