// HubAPI correlation routes: `GET /api/v1/submissions/{id}/correlations`, the submissions sharing
// observables with one submission as the caller may see them (Correlation.CorrelationDesk decides).
import Correlation
import Foundation
import HubHTTP
import Hummingbird
import Storage

extension HubAPIService {
    /// Hub staff: every linked submission with the shared values; the provider: counts of other
    /// organisations' matches, its own linked submissions, the others' objects it may read anyway;
    /// anyone else: 404, as for the submission itself.
    func correlations(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        guard let view = try await correlations.correlations(of: id, for: principal)
        else { throw HubError.notFound("There is no submission \(id.prefix(64)) for you.") }
        return try Self.json(view)
    }
}
