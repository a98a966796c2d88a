import CLo

/// The liblo (OSC) library this build runs on, for `samplemind version`.
public enum LibloVersion {
    public static var description: String {
        var text = [CChar](repeating: 0, count: 64)
        lo_version(&text, Int32(text.count), nil, nil, nil, 0, nil, nil, nil)
        return "liblo " + String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
