/// One of the 24 major and minor keys. Trivial, so it travels through real-time queues as is.
public struct MusicalKey: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    public enum Mode: UInt8, Sendable, BitwiseCopyable { case major, minor }

    /// Pitch class of the tonic, 0 = C … 11 = B.
    public let tonic: UInt8
    public let mode: Mode

    public init(tonic: Int, mode: Mode) {
        self.tonic = UInt8(((tonic % 12) + 12) % 12)
        self.mode = mode
    }

    /// 0…11 major keys from C, 12…23 minor keys from C.
    public init(index: Int) {
        self.init(tonic: index % 12, mode: index < 12 ? .major : .minor)
    }

    public var index: Int { Int(tonic) + (mode == .major ? 0 : 12) }

    /// Tonic names as musicians usually spell them: flats for Eb, Ab and Bb, sharps for C# and F#.
    static let tonicNames = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]

    /// For example `"C# minor"`, the form the corpus truth and the scorer use.
    public var description: String {
        "\(Self.tonicNames[Int(tonic)]) \(mode == .major ? "major" : "minor")"
    }

    /// Parses `"C# minor"`, `"Db major"`, `"a minor"`; nil when it is not a key.
    public init?(_ text: String) {
        let parts = text.split(separator: " ")
        guard parts.count == 2, let letter = parts[0].first?.uppercased() else { return nil }
        let naturals: [String: Int] = ["C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11]
        guard var pitch = naturals[letter] else { return nil }
        for accidental in parts[0].dropFirst() {
            switch accidental {
            case "#", "♯": pitch += 1
            case "b", "♭": pitch -= 1
            default: return nil
            }
        }
        switch parts[1].lowercased() {
        case "major", "maj": self.init(tonic: pitch, mode: .major)
        case "minor", "min": self.init(tonic: pitch, mode: .minor)
        default: return nil
        }
    }
}
