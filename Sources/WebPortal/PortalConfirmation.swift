// WebPortal confirmation: a destructive form (remove a member, revoke rights or a token) is first
// answered with a page saying what will happen, whose own form repeats the fields with
// `confirmed=yes`; nothing changes until that second form is sent. Works without JavaScript.
import Foundation
import Hummingbird

enum PortalConfirmation {
    struct Field: Sendable {
        let name: String
        let value: String
    }

    struct Model: Sendable {
        let message: String
        let action: String
        let fields: [Field]
        let button: String
        let back: String
    }

    /// The confirmation page, unless `form` is the confirmed one (then nil: go ahead).
    ///
    /// ```swift
    /// if let confirmation = try PortalConfirmation.asked(page, form, action: "/portal/admin/clients/remove",
    ///                                                    fields: [("client", name)], message: text,
    ///                                                    button: "admin_remove", back: "/portal/admin") {
    ///     return confirmation
    /// }
    /// ```
    static func asked(_ page: PortalPage, _ form: PortalForm, action: String, fields: [(String, String)],
                      message: String, button: String, back: String) throws -> Response? {
        guard form["confirmed"] != "yes" else { return nil }
        return try page.render("confirm", title: "confirm_title", Model(
            message: message, action: action, fields: fields.map { Field(name: $0.0, value: $0.1) },
            button: page.text(button), back: back))
    }
}
