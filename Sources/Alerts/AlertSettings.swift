// Alerts — AlertSettings: the operator's configuration of alert delivery (DATA/alerts.json): the SMTP
// relay (host, port, sender, STARTTLS, user and a password read from a file of its own and never
// printed), webhook retries and time-outs, how often the dispatch looks, and when digests go out.
import Foundation

/// How alerts leave the hub.
///
/// ```json
/// {"smtp": {"host": "relay.example.jp", "port": 587, "from": "kakehashi@example.jp",
///           "starttls": true, "username": "kakehashi", "password_file": "/etc/kakehashi/smtp-password"},
///  "webhook": {"max_attempts": 6, "retry_base_seconds": 30, "timeout_seconds": 10},
///  "poll_seconds": 2, "digest_hour_utc": 8}
/// ```
///
/// ```swift
/// let settings = try AlertSettings.load(from: dataURL.appendingPathComponent("alerts.json"))
/// ```
public struct AlertSettings: Sendable, Equatable {
    /// The operator's SMTP relay; nil: e-mail alerts are kept pending (and say so in the log).
    public var smtp: MailRelaySettings?
    /// Attempts before a delivery becomes a dead letter (e-mail and webhook alike).
    public var maxAttempts = 6
    /// The first retry's delay; each further one doubles it.
    public var retryBaseSeconds = 30.0
    /// How long a webhook POST may take.
    public var webhookTimeoutSeconds = 10.0
    /// How often the dispatch considers new arrivals and due deliveries.
    public var pollSeconds = 2.0
    /// The hour (UTC) at which daily digests go out, and weekly ones on Mondays.
    public var digestHourUTC = 8
    /// Allow `http://` webhooks to any host (default: `https://` only, `http://` to loopback when
    /// internal addresses are allowed).
    public var allowPlainHTTPWebhooks = false
    /// Allow webhooks to loopback, private and link-local addresses (default: refused; see
    /// `WebhookDestination`). For hubs whose members' receivers sit on the operator's own network.
    public var allowInternalWebhookAddresses = false

    public init(smtp: MailRelaySettings? = nil) { self.smtp = smtp }

    /// The settings in `file`, or the defaults when it does not exist. A malformed file, or a
    /// password file that cannot be read, is an error naming the file (never its contents).
    public static func load(from file: URL) throws -> AlertSettings {
        guard FileManager.default.fileExists(atPath: file.path) else { return AlertSettings() }
        guard let object = try? JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any] else {
            throw AlertSettingsError("\(file.path) is not a JSON object")
        }
        var settings = AlertSettings()
        if let smtp = object["smtp"] as? [String: Any] {
            guard let host = smtp["host"] as? String, !host.isEmpty, let from = smtp["from"] as? String, from.contains("@") else {
                throw AlertSettingsError("\(file.path): smtp needs \"host\" and \"from\" (an e-mail address)")
            }
            var relay = MailRelaySettings(host: host, port: (smtp["port"] as? Int) ?? 25, from: from)
            relay.startTLS = (smtp["starttls"] as? Bool) ?? false
            relay.username = smtp["username"] as? String
            relay.caFile = smtp["ca_file"] as? String
            if let passwordFile = smtp["password_file"] as? String {
                guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                    throw AlertSettingsError("\(file.path): the smtp password_file \(passwordFile) cannot be read")
                }
                relay.password = text.trimmingCharacters(in: .newlines)
            }
            settings.smtp = relay
        }
        if let webhook = object["webhook"] as? [String: Any] {
            if let attempts = webhook["max_attempts"] as? Int { settings.maxAttempts = max(1, attempts) }
            if let base = webhook["retry_base_seconds"] as? Double { settings.retryBaseSeconds = max(0.01, base) }
            if let timeout = webhook["timeout_seconds"] as? Double { settings.webhookTimeoutSeconds = max(0.1, timeout) }
            if let plain = webhook["allow_plain_http"] as? Bool { settings.allowPlainHTTPWebhooks = plain }
            if let allowed = webhook["allow_internal_addresses"] as? Bool { settings.allowInternalWebhookAddresses = allowed }
        }
        if let poll = object["poll_seconds"] as? Double { settings.pollSeconds = max(0.05, poll) }
        if let hour = object["digest_hour_utc"] as? Int, (0..<24).contains(hour) { settings.digestHourUTC = hour }
        return settings
    }

    /// The delay before retry number `attempts` (1: the first retry).
    public func retryDelaySeconds(afterAttempts attempts: Int) -> Double {
        retryBaseSeconds * pow(2, Double(max(0, attempts - 1)))
    }
}

/// The operator's SMTP relay.
public struct MailRelaySettings: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The envelope sender and `From:` address.
    public var from: String
    /// Upgrade the connection with STARTTLS before anything else (required for AUTH off loopback).
    public var startTLS = false
    public var username: String?
    /// Read from `password_file`; never logged (see `description`).
    public var password: String?
    /// PEM file of the relay's CA, when not in the system's trust store.
    public var caFile: String?

    public init(host: String, port: Int, from: String) { self.host = host; self.port = port; self.from = from }

    /// Without the password.
    public var description: String {
        "smtp://\(host):\(port) from \(from)\(startTLS ? " STARTTLS" : "")\(username.map { " as \($0)" } ?? "")"
    }
}

/// alerts.json could not be used.
public struct AlertSettingsError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
