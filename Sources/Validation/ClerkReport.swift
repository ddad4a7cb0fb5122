import Foundation
import Localization

/// The report as a clerk reads it, in Polish or English: the verdict first,
/// in the words Polish verifiers use, then who, when and proved by what,
/// what was signed, the qualification and the trust source.
public enum ClerkReport {
    public static func text(_ report: ValidationReport, language: Language, verbose: Bool = false) -> String {
        var lines: [String] = []
        if report.signatures.isEmpty {
            return messages.text("no-signature", ["name": report.document.name]).text(in: language)
        }
        for signature in report.signatures {
            if !lines.isEmpty { lines.append("") }
            lines.append(verdictLine(signature, language: language))
            if let parent = signature.parent { lines.append(messages.text("line-counter", ["parent": parent]).text(in: language)) }
            // The technical reason (English, for IT and the report's readers) only with --verbose:
            // the verdict line already says it in the clerk's language.
            if verbose, signature.indication != .totalPassed, !signature.reason.isEmpty {
                lines.append(messages.text("line-reason", ["reason": signature.reason]).text(in: language))
            }
            if let signer = signature.signer {
                var name = signer.name ?? signer.subject
                if let person = signer.personIdentifier { name += " (\(person))" } else if let serial = signer.serialNumber { name += " (\(serial))" }
                if let organisation = signer.organisation { name += ", \(organisation)" }
                if let id = signer.organisationIdentifier { name += " (\(id))" }
                lines.append(messages.text("line-signer", ["name": name]).text(in: language))
                lines.append(messages.text("line-issuer", ["issuer": signer.issuer]).text(in: language))
            }
            if let claimed = signature.claimedSigningTime {
                lines.append(messages.text("line-claimed-time", ["time": time(claimed)]).text(in: language))
            }
            if signature.bestSignatureTimeSource == "validation-time" {
                lines.append(messages.text("line-no-proof", ["time": time(report.validationTime)]).text(in: language))
            } else {
                let stamp = signature.timeStamps.first { $0.indication == .totalPassed && $0.genTime == signature.bestSignatureTime }
                lines.append(messages.text("line-proved-time", ["time": time(signature.bestSignatureTime), "tsa": stamp?.tsa ?? "TSA"]).text(in: language))
            }
            for data in signature.signedData where data.kind == "data" || data.kind == "manifestEntry" {
                let scope = scopeText(data, language: language)
                if data.intact {
                    lines.append(messages.text("line-signed-data", ["scope": scope, "sha256": data.sha256 ?? "?"]).text(in: language))
                } else {
                    lines.append(messages.text("line-not-signed", ["scope": scope, "why": data.problem ?? ""]).text(in: language))
                }
            }
            for stamp in signature.timeStamps {
                let verdict = stamp.indication.rawValue + (stamp.subIndication.map { "/\($0.rawValue)" } ?? "")
                lines.append(messages.text("line-time-stamp", [
                    "kind": stamp.kind, "time": stamp.genTime.map(time) ?? "?", "tsa": stamp.tsa ?? "?", "verdict": verdict,
                ]).text(in: language))
            }
            if let qualification = signature.qualification {
                lines.append(messages.text("line-qualification", ["value": qualification.value]).text(in: language))
            }
            lines.append(messages.text("line-format", ["level": signature.level]).text(in: language))
            if verbose {
                for check in signature.checks {
                    lines.append(messages.text("line-check", ["status": check.status.rawValue, "name": check.name, "detail": check.detail]).text(in: language))
                }
            }
        }
        for source in report.trustSources {
            if source.expired, let next = source.nextUpdate {
                lines.append(messages.text("line-trust-expired", ["source": source.name, "date": time(next)]).text(in: language))
            } else {
                lines.append(messages.text("line-trust", ["source": source.name]).text(in: language))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// "Podpis kwalifikowany PRAWIDŁOWY", "Podpis NIEPRAWIDŁOWY – dokument zmieniono po podpisaniu", …
    static func verdictLine(_ signature: SignatureReport, language: Language) -> String {
        let isSeal = signature.qualification?.value.contains("Seal") ?? false
        let kind = messages.text(isSeal ? "kind-seal" : "kind-signature").text(in: language)
        let why = signature.subIndication.map { messages.text($0.rawValue).text(in: language) } ?? ""
        switch signature.indication {
        case .totalPassed:
            if let value = signature.qualification?.value, value == "QESig" || value == "QESeal" {
                return messages.text("verdict-qualified-passed", ["kind": kind]).text(in: language)
            }
            return messages.text(Indication.totalPassed.rawValue).text(in: language)
        case .totalFailed:
            return messages.text("verdict-failed", ["kind": kind, "why": why]).text(in: language)
        case .indeterminate:
            return messages.text("verdict-indeterminate", ["why": why]).text(in: language)
        }
    }

    /// "cały dokument zaswiadczenie.xml (bez podpisów)", "tylko element <Dane Id=…>": what a reference covers.
    static func scopeText(_ data: SignedDataReport, language: Language) -> String {
        let what = data.scope.isEmpty ? data.uri : data.scope
        switch data.scopeKind {
        case "whole-document": return messages.text("scope-whole-document", ["name": what]).text(in: language)
        case "whole-document-without-signatures": return messages.text("scope-whole-document-without-signatures", ["name": what]).text(in: language)
        case "element": return messages.text("scope-element", ["element": what]).text(in: language)
        case "file": return messages.text("scope-file", ["name": what]).text(in: language)
        case "embedded": return messages.text("scope-embedded", ["element": what]).text(in: language)
        default: return what
        }
    }

    static func time(_ date: Date) -> String { date.ISO8601Format() }
}
