import CSndFile

/// The libsndfile this build runs on, for `samplemind version`.
public enum SndFileVersion {
    public static var description: String {
        var text = [CChar](repeating: 0, count: 128)
        sf_command(nil, Int32(SFC_GET_LIB_VERSION), &text, Int32(text.count))
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
