/// Numbers that come from outside — WebSocket and OSC messages, HTTP query arguments,
/// configuration files, the environment and the command line — turned into the values the
/// daemon uses without ever trapping. Swift's `Int(Double)` traps on NaN, infinities and
/// values beyond `Int`'s range; a daemon must answer such input with a refusal instead.
///
/// Every conversion returns nil when the value is NaN, infinite, not whole (where a whole
/// number is wanted) or outside the range; the caller says what was expected.
public enum CheckedNumber {
    /// `value` as a whole number in `range`; nil for NaN, ±infinity, fractions and values out of range.
    /// −0 is 0.
    public static func wholeNumber(_ value: Double, in range: ClosedRange<Int>) -> Int? {
        guard value.isFinite, value == value.rounded(.towardZero) else { return nil }
        // Compare as Double first, so a value beyond Int's range never reaches the conversion.
        guard value >= Double(range.lowerBound), value <= Double(range.upperBound) else { return nil }
        guard let whole = Int(exactly: value), range.contains(whole) else { return nil }
        return whole
    }

    /// An integer of any width in `range`, or nil.
    public static func wholeNumber<Integer: BinaryInteger>(_ value: Integer, in range: ClosedRange<Int>) -> Int? {
        guard let whole = Int(exactly: value), range.contains(whole) else { return nil }
        return whole
    }

    /// A finite `value` in `range`, or nil (NaN and ±infinity are never in range).
    public static func number(_ value: Double, in range: ClosedRange<Double>) -> Double? {
        guard value.isFinite, range.contains(value) else { return nil }
        return value
    }

    /// Decimal digits (with an optional sign) as a whole number in `range`, or nil. Refuses
    /// everything else: spaces, `+`-less exponents, fractions, numbers too long for `Int`.
    public static func wholeNumber(parsing text: some StringProtocol, in range: ClosedRange<Int>) -> Int? {
        guard text.utf8.count <= 24, let whole = Int(text), range.contains(whole) else { return nil }
        return whole
    }

    /// A decimal number in `range`, or nil; "nan", "inf" and the like are refused.
    public static func number(parsing text: some StringProtocol, in range: ClosedRange<Double>) -> Double? {
        guard text.utf8.count <= 64, let value = Double(text) else { return nil }
        return number(value, in: range)
    }
}
