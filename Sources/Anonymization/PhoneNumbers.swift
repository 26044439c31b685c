// Anonymization — PhoneNumbers.swift
// Owns telephone numbers as identifiers: compared on their digits only, so "03-1234-5678",
// "(03) 1234 5678", "+81-3-1234-5678", "0081 3 1234 5678" and full-width "０３－１２３４－５６７８"
// are one number; and the scan that finds them in folded text.

enum PhoneNumbers {
    /// The digits of a number in national form: "+81-3-1234-5678" -> "0312345678".
    ///
    /// ```swift
    /// PhoneNumbers.digits(of: "+81 (3) 1234-5678")   // "0312345678"
    /// PhoneNumbers.digits(of: "０３－１２３４－５６７８")   // "0312345678"
    /// ```
    static func digits(of text: String) -> String {
        let folded = FoldedText(text).scalars
        var digits = String(String.UnicodeScalarView(folded.filter(\.isASCIIDigit)))
        let international = folded.first { $0 != " " && $0 != "(" } == "+"
        return national(&digits, international: international)
    }

    private static func national(_ digits: inout String, international: Bool) -> String {
        if digits.hasPrefix("0081") {
            return "0" + digits.dropFirst(4)
        }
        if international, digits.hasPrefix("81") {
            return "0" + digits.dropFirst(2)
        }
        return digits
    }

    /// Digits, '-', '(', ')', '+', '.' between groups and spaces only, with at least 9 digits.
    static func looksLikePhoneNumber(_ value: String) -> Bool {
        let scalars = FoldedText(value).scalars
        guard !scalars.isEmpty, !looksDotted(scalars) else { return false }
        let allowed = scalars.allSatisfy { $0.isASCIIDigit || $0 == "-" || $0 == "(" || $0 == ")" || $0 == "+" || $0 == " " }
        return allowed && scalars.filter(\.isASCIIDigit).count >= 9
    }

    private static func looksDotted(_ scalars: [Unicode.Scalar]) -> Bool { scalars.contains(".") }

    /// Every run of digit groups in `text` whose digits (some contiguous groups of it) are one of
    /// `numbers` (in national form), as ranges of `text`.
    static func matches(in text: [Unicode.Scalar], numbers: Set<String>, longest: Int) -> [(String, Range<Int>)] {
        guard !numbers.isEmpty else { return [] }
        var found: [(String, Range<Int>)] = []
        var position = 0
        while position < text.count {
            guard text[position].isASCIIDigit || text[position] == "+" || text[position] == "(" else { position += 1; continue }
            if position > 0, text[position - 1].isASCIIAlphanumeric { position += 1; continue }
            let (groups, end) = digitGroups(in: text, from: position)
            found += numbersIn(groups, text: text, numbers: numbers, longest: longest)
            position = max(end, position + 1)
        }
        return found
    }

    private struct Group {
        var digits: String
        var range: Range<Int>
        var international: Bool
    }

    /// The digit groups of the run starting at `start` ("+81 (3) 1234-5678": 81, 3, 1234, 5678).
    private static func digitGroups(in text: [Unicode.Scalar], from start: Int) -> ([Group], Int) {
        var groups: [Group] = []
        var i = start
        var plus = false
        while i < text.count {
            let scalar = text[i]
            if scalar.isASCIIDigit {
                var end = i
                var digits = ""
                while end < text.count, text[end].isASCIIDigit {
                    digits.unicodeScalars.append(text[end])
                    end += 1
                }
                groups.append(Group(digits: digits, range: i..<end, international: plus))
                plus = false
                i = end
            } else if scalar == "+" {
                plus = true
                i += 1
            } else if scalar == "-" || scalar == "(" || scalar == ")" || scalar == " " {
                i += 1
            } else {
                break
            }
        }
        // A last group glued to a word ("5678abc", "5678@") is part of something else.
        if i < text.count, i > start, text[i - 1].isASCIIDigit, text[i].isASCIIAlphanumeric || text[i] == "@" {
            groups.removeLast()
        }
        return (groups, i)
    }

    private static func numbersIn(_ groups: [Group], text: [Unicode.Scalar], numbers: Set<String>,
                                  longest: Int) -> [(String, Range<Int>)] {
        var found: [(String, Range<Int>)] = []
        var first = 0
        while first < groups.count {
            var digits = ""
            var matched = false
            for last in first..<groups.count {
                digits += groups[last].digits
                guard digits.count <= longest + 3 else { break }
                var candidate = digits
                let national = national(&candidate, international: groups[first].international)
                if numbers.contains(national) {
                    var lower = groups[first].range.lowerBound
                    while lower > 0, text[lower - 1] == "+" || text[lower - 1] == "(" { lower -= 1 }
                    found.append((national, lower..<groups[last].range.upperBound))
                    first = last + 1
                    matched = true
                    break
                }
            }
            if !matched { first += 1 }
        }
        return found
    }
}
