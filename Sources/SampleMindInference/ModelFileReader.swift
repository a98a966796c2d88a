import Glibc

/// Reads and checks a model file (docs/model-format.md) and builds its layers: the preamble
/// (magic, version, body length), the SHA-256 over everything before it, then the layer records
/// and tensors. Not real-time safe: reads the file and allocates; call during set-up.
enum ModelFileReader {
    /// PNG's trick: a byte with the high bit set catches 7-bit transfers, CR LF catches newline
    /// conversion, and 0x1A stops `type` on Windows.
    static let magic: [UInt8] = [0x89, 0x53, 0x4D, 0x4E, 0x4E, 0x0D, 0x0A, 0x1A]
    static let version: UInt32 = 1
    /// Magic, version and body length.
    static let preambleSize = 16
    static let checksumSize = 32
    static let maximumLayers = 64
    static let maximumFileSize =
        preambleSize + 4 + maximumLayers * LayerRecord.size + 4 * LayerLimits.maximumParameters + checksumSize

    /// A model file's contents, checked, with each layer's tensors decoded; ``makeLayers()``
    /// builds them into layers without touching the file again.
    struct Contents {
        let records: [LayerRecord]
        let tensors: [[[Float]]]
        /// Hexadecimal, over everything before the checksum.
        let sha256: String

        /// Layers with their own weight storage and state. Throws only where a tensor is invalid
        /// for its layer (a NaN weight, say), which ``ModelFileReader/read(_:)`` has ruled out.
        func makeLayers() throws(ModelError.Problem) -> [ModelLayer] {
            var layers: [ModelLayer] = []
            for (index, record) in records.enumerated() {
                do {
                    layers.append(try record.makeLayer(tensors[index]))
                } catch {
                    throw .invalidLayer(layer: index + 1, error)
                }
            }
            return layers
        }
    }

    /// Reads and checks the file at `path`, building its layers once so every check a layer makes
    /// has passed.
    static func read(_ path: String) throws(ModelError) -> (contents: Contents, layers: [ModelLayer]) {
        do {
            let contents = try decode(LittleEndianBytes(bytes: readFile(path)))
            return (contents, try contents.makeLayers())
        } catch {
            throw ModelError(path: path, problem: error)
        }
    }

    static func decode(_ file: LittleEndianBytes) throws(ModelError.Problem) -> Contents {
        // A file shorter than the magic is a truncated model file if it holds the magic's start.
        let magicBytes = min(file.count, magic.count)
        guard file.bytes.prefix(magicBytes).elementsEqual(magic.prefix(magicBytes)) else { throw .badMagic }
        guard file.count >= preambleSize + checksumSize else {
            throw .truncated(expectedBytes: preambleSize + checksumSize, actualBytes: file.count)
        }
        let fileVersion = file.uint32(at: 8)
        guard fileVersion == version else { throw .unsupportedVersion(fileVersion) }
        let bodyEnd = preambleSize + Int(file.uint32(at: 12))
        let expected = bodyEnd + checksumSize
        guard file.count >= expected else { throw .truncated(expectedBytes: expected, actualBytes: file.count) }
        guard file.count == expected else { throw .trailingBytes(expectedBytes: expected, actualBytes: file.count) }
        let digest = SHA256.hash(file.bytes[..<bodyEnd])
        guard file.bytes[bodyEnd...].elementsEqual(digest) else { throw .checksumMismatch }

        let records = try readRecords(file, bodyEnd: bodyEnd)
        try Model.checkChain(records.map { ($0.inputSize, $0.outputSize) })
        var offset = preambleSize + 4 + records.count * LayerRecord.size
        var tensors: [[[Float]]] = []
        for record in records {
            var layerTensors: [[Float]] = []
            for length in record.tensorLengths {
                layerTensors.append(file.floats(at: offset, count: length))
                offset += 4 * length
            }
            tensors.append(layerTensors)
        }
        return Contents(records: records, tensors: tensors, sha256: SHA256.hexadecimal(digest))
    }

    /// The layer records, once their tensors are known to fill the body exactly.
    private static func readRecords(_ file: LittleEndianBytes, bodyEnd: Int) throws(ModelError.Problem) -> [LayerRecord] {
        guard bodyEnd >= preambleSize + 4 else { throw .malformedHeader("the body is too short to hold a layer count") }
        let count = Int(file.uint32(at: preambleSize))
        guard count > 0 else { throw .noLayers }
        guard count <= maximumLayers else {
            throw .malformedHeader("it says it has \(count) layers, more than the \(maximumLayers) a model may have")
        }
        let tensorsStart = preambleSize + 4 + count * LayerRecord.size
        guard tensorsStart <= bodyEnd else {
            throw .malformedHeader("the body is too short for the records of its \(count) layers")
        }
        var records: [LayerRecord] = []
        var parameters = 0
        for n in 0..<count {
            let record = try LayerRecord(file, at: preambleSize + 4 + n * LayerRecord.size, number: n + 1)
            records.append(record)
            parameters += record.tensorLengths.reduce(0, +)
        }
        guard parameters <= LayerLimits.maximumParameters else {
            throw .tooManyParameters(count: parameters, limit: LayerLimits.maximumParameters)
        }
        let weightBytes = bodyEnd - tensorsStart
        guard weightBytes == 4 * parameters else {
            throw .malformedHeader("its body holds \(weightBytes) bytes of weights, its layers need \(4 * parameters)")
        }
        return records
    }

    /// The whole file, if it is a regular file of a plausible size. Opened without blocking, so a
    /// named pipe with no writer is refused instead of hanging start-up.
    private static func readFile(_ path: String) throws(ModelError.Problem) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            let error = errno
            if error == ENOENT || error == ENOTDIR { throw .notFound }
            throw .unreadable(reason: String(cString: strerror(error)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .unreadable(reason: String(cString: strerror(errno))) }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .notRegularFile(kind: "a directory")
        case S_IFIFO: throw .notRegularFile(kind: "a named pipe (FIFO)")
        case S_IFCHR, S_IFBLK: throw .notRegularFile(kind: "a device")
        case S_IFSOCK: throw .notRegularFile(kind: "a socket")
        default: throw .notRegularFile(kind: "a special file")
        }
        let size = Int(status.st_size)
        guard size <= maximumFileSize else { throw .tooLarge(bytes: size, limit: maximumFileSize) }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + done, size - done) }
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else { throw .unreadable(reason: String(cString: strerror(errno))) }
            guard got > 0 else { break }
            done += got
        }
        return Array(bytes[..<done])
    }
}
