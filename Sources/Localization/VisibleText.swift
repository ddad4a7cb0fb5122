/// Text from outside (a requester, a card) made safe to put on the clerk's
/// terminal: nothing in it can move the cursor, erase a line, reorder what
/// follows or hide itself.
///
/// Unsafe are: C0 and C1 controls (ESC, CR, LF, TAB…), DEL; the bidi
/// embeddings, overrides and isolates (U+202A–202E, U+2066–2069) and marks
/// (U+200E, U+200F, U+061C); the line and paragraph separators (U+2028,
/// U+2029); zero-width and other invisible format characters (U+200B–200D,
/// U+2060–2064, U+FEFF, U+00AD… — every general category Cf); surrogates,
/// private-use and unassigned code points. The API refuses such characters
/// where it can (document names, `role`, the pairing `application`);
/// ``escaped(_:)`` shows every one of them as `\uXXXX` wherever text is
/// printed for the clerk (also what the daemon does not check: a
/// certificate's holder, a token's label, a process name).
public enum VisibleText {
    /// Whether a character may not reach the clerk's terminal as it is.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
            return true
        default:
            // Characters that render as nothing but are not in Cf.
            return [0x115F, 0x1160, 0x3164, 0xFFA0, 0x034F].contains(scalar.value)
        }
    }

    /// Whether a text has any character ``isUnsafe(_:)``.
    public static func containsUnsafe(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isUnsafe)
    }

    /// The text with every unsafe character written as `\uXXXX` (upper-case
    /// hex, 4 or more digits) and a backslash as `\\`, so that what is shown
    /// tells apart a real U+202E from someone typing `\u202E`.
    public static func escaped(_ text: String) -> String {
        var shown = ""
        shown.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                shown += "\\\\"
            } else if isUnsafe(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                shown += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }
}
