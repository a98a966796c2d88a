import Foundation

/// A certificate authority and a server certificate for 127.0.0.1 that it signed, made by
/// openssl for one test (RSA 2048, valid for a day), as PEM files in the test's folder.
public struct TestCertificates {
    public let caFile: String
    public let certificateFile: String
    public let keyFile: String

    /// Makes a new CA named `name` and, unless `serverCertificate` is false, a server certificate signed by it.
    public init(named name: String, serverCertificate: Bool = true, in scratch: ScratchDirectory) throws {
        caFile = scratch.file("\(name)-ca.pem")
        certificateFile = scratch.file("\(name)-server.pem")
        keyFile = scratch.file("\(name)-server.key")
        let caKey = scratch.file("\(name)-ca.key"), request = scratch.file("\(name)-server.csr"), extensions = scratch.file("\(name)-san.ext")
        try Self.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", caFile, "-days", "1",
                          "-subj", "/CN=SampleMind test CA \(name)"])
        guard serverCertificate else { return }
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: extensions, atomically: true, encoding: .utf8)
        try Self.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", request, "-subj", "/CN=127.0.0.1"])
        try Self.openssl(["x509", "-req", "-in", request, "-CA", caFile, "-CAkey", caKey, "-CAcreateserial", "-out", certificateFile,
                          "-days", "1", "-extfile", extensions])
        // mosquitto started as root drops to the user "mosquitto" before it reads the key; a test key may be world-readable.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyFile)
    }

    private static func openssl(_ arguments: [String]) throws {
        let outcome = try SampleMindBinary.run(arguments, executable: URL(fileURLWithPath: "/usr/bin/openssl"), timeout: 30)
        guard outcome.status == 0 else { throw MosquittoBroker.failure("openssl \(arguments.first ?? "") failed: \(outcome.standardError)") }
    }
}
