import Foundation
import Glibc
import SampleMindInference
import SampleMindTestSupport
import SampleMindValidation
import XCTest

/// Every damaged file reference_vectors.py writes, made once for the class.
private let corruptFiles = Result<String, any Error> {
    let scratch = try ScratchDirectory("samplemind-model-files")
    _ = try ReferenceVectors.make("corrupt", in: scratch, as: [String: [String]].self)
    return scratch.path
}

final class ModelFileErrorTests: XCTestCase {
    override class func tearDown() {
        if case .success(let directory) = corruptFiles { try? FileManager.default.removeItem(atPath: directory) }
        super.tearDown()
    }

    /// Loads `name` (in the damaged files' directory unless it is a path), expects a refusal whose
    /// message names the file on one line, and returns the problem.
    private func refusal(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> ModelError.Problem? {
        let path = name.hasPrefix("/") ? name : "\(try corruptFiles.get())/\(name)"
        do {
            _ = try Model(contentsOf: path)
            XCTFail("\(name) was loaded", file: file, line: line)
            return nil
        } catch {
            XCTAssertEqual(error.path, path, file: file, line: line)
            let message = error.description
            XCTAssertTrue(message.hasPrefix("model file \(PrintableText.escaped(path)): "), message, file: file, line: line)
            XCTAssertFalse(message.contains("\n"), message, file: file, line: line)
            return error.problem
        }
    }

    func testLoad_ofTheValidFileBesideTheDamagedOnes_succeeds() throws {
        let model = try Model(contentsOf: "\(try corruptFiles.get())/valid.smnn")
        XCTAssertEqual(model.inputSize, 4)
        XCTAssertEqual(model.outputSize, 2)
    }

    func testLoad_whenTheFileIsMissing_refusesSayingSo() throws {
        XCTAssertEqual(try refusal("no-such-model.smnn"), .notFound)
        XCTAssertEqual(try refusal("valid.smnn/inside"), .notFound)
    }

    func testLoad_whenThePathIsADirectoryOrANamedPipe_refusesAtOnce() throws {
        let directory = try corruptFiles.get()
        XCTAssertEqual(try refusal(directory), .notRegularFile(kind: "a directory"))
        let fifo = "\(directory)/pipe.smnn"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // A blocking open() would wait here for ever for a writer.
        XCTAssertEqual(try refusal(fifo), .notRegularFile(kind: "a named pipe (FIFO)"))
    }

    func testLoad_whenTheFileIsEmptyOrTruncated_refusesAsTruncated() throws {
        XCTAssertEqual(try refusal("empty.smnn"), .truncated(expectedBytes: 48, actualBytes: 0))
        XCTAssertEqual(try refusal("short-magic.smnn"), .truncated(expectedBytes: 48, actualBytes: 5))
        XCTAssertEqual(try refusal("truncated.smnn"), .truncated(expectedBytes: 832, actualBytes: 792))
    }

    func testLoad_whenTheMagicIsForeign_refusesAsNotAModelFile() throws {
        XCTAssertEqual(try refusal("bad-magic.smnn"), .badMagic)
    }

    func testLoad_whenTheVersionIsUnknown_refusesNamingTheVersion() throws {
        XCTAssertEqual(try refusal("version-2.smnn"), .unsupportedVersion(2))
    }

    func testLoad_whenABitIsFlipped_refusesOnTheChecksum() throws {
        XCTAssertEqual(try refusal("checksum.smnn"), .checksumMismatch)
    }

    func testLoad_whenBytesFollowTheChecksum_refuses() throws {
        XCTAssertEqual(try refusal("trailing.smnn"), .trailingBytes(expectedBytes: 832, actualBytes: 840))
    }

    func testLoad_whenLayerSizesDoNotChain_refusesNamingTheLayers() throws {
        XCTAssertEqual(try refusal("chain.smnn"), .sizesDoNotChain(layer: 1, outputSize: 3, nextInputSize: 5))
    }

    func testLoad_whenSizesAreAbsurd_refusesBeforeReadingTheWeights() throws {
        XCTAssertEqual(
            try refusal("absurd-width.smnn"),
            .absurdSize(layer: 1, .invalidParameter("dense output size must be 1…4096, got 100000")))
        XCTAssertEqual(
            try refusal("zero-width.smnn"), .absurdSize(layer: 1, .invalidParameter("dense input size must be 1…4096, got 0")))
        XCTAssertEqual(
            try refusal("absurd-kernel.smnn"),
            .absurdSize(layer: 1, .invalidParameter("causal conv1d kernel size must be 1…64, got 1000")))
        XCTAssertEqual(try refusal("too-many-parameters.smnn"), .tooManyParameters(count: 4096 * 4097, limit: 1 << 23))
        guard case .tooLarge(let bytes, _) = try refusal("huge.smnn") else { return XCTFail("huge.smnn") }
        XCTAssertEqual(bytes, 40 << 20)
    }

    func testLoad_whenAWeightIsNaNOrInfinite_refusesNamingTheLayerAndTensor() throws {
        XCTAssertEqual(try refusal("nan.smnn"), .invalidLayer(layer: 2, .nonFinite(tensor: "GRU weight_ih", index: 7 * 3 + 1)))
        XCTAssertEqual(try refusal("inf.smnn"), .invalidLayer(layer: 2, .nonFinite(tensor: "GRU bias_hh", index: 0)))
    }

    func testLoad_whenTheHeaderIsMalformed_refusesSayingHow() throws {
        let expected = [
            "unknown-kind.smnn": "layer 1 has kind 9",
            "unknown-activation.smnn": "layer 1 has activation 9",
            "gru-activation.smnn": "layer 2 is a GRU with activation relu",
            "unused-field.smnn": "layer 1 has a non-zero value in a field its kind does not use",
            "short-body.smnn": "its body holds 704 bytes of weights, its layers need 708",
        ]
        for (name, reason) in expected {
            guard case .malformedHeader(let found) = try refusal(name) else { XCTFail(name); continue }
            XCTAssertTrue(found.hasPrefix(reason), "\(name): \(found)")
        }
        XCTAssertEqual(try refusal("no-layers.smnn"), .noLayers)
    }

    func testLoad_whenTheNameHoldsControlCharacters_namesTheFileEscapedOnOneLine() throws {
        let path = "\(try corruptFiles.get())/name\nwith\u{1B}[31mcontrol.smnn"
        do {
            _ = try Model(contentsOf: path)
            XCTFail("loaded")
        } catch {
            XCTAssertTrue(error.description.contains("/name\\nwith\\u{1B}[31mcontrol.smnn: is truncated"), error.description)
            XCTAssertFalse(error.description.contains("\u{1B}"))
        }
    }
}
