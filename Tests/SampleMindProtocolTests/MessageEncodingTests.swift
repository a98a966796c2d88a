import SampleMindAnalysis
import SampleMindProtocol
import SampleMindStorage
import XCTest

/// The exact bytes of each server message for fixed inputs: the wire format must not drift when
/// the code moves (these are messages a daemon sent before the encoders came here).
final class MessageEncodingTests: XCTestCase {
    private let time = MessageTime(timeSeconds: 0, wallClockSeconds: 1_795_627_688.4501)

    func testHello_beforeAndAfterTheInputsFirstSession() {
        let before = HelloJSON.encode(serverVersion: "0.1.0", inputDescription: "file 'song.wav' at 4.0× speed", inputState: "running",
                                      analyzer: nil, heartbeatSeconds: 10, maximumMessageBytes: 4_096,
                                      at: MessageTime(timeSeconds: 0, wallClockSeconds: 1_795_627_687.9443))
        XCTAssertEqual(before, #"{"type":"hello","protocol_version":1,"server_version":"0.1.0","input":{"description":"file 'song.wav' at 4.0× speed","state":"running"},"sample_rate":null,"channels":null,"hop_size":null,"frame_rate":null,"delays_s":null,"features":["levels","loudness","spectral","spectrum","chroma","mfcc","tracking"],"default_features":["levels","loudness","spectral","tracking"],"events":["onset","beat","tempo","key","session","discontinuity","segment"],"max_fps":{"default":30,"min":1,"max":120},"heartbeat_s":10,"max_message_bytes":4096,"wall_clock":1795627687.9443,"t":0}"#)
        let after = HelloJSON.encode(serverVersion: "0.1.0", inputDescription: "file 'song.wav' at 4.0× speed", inputState: "finished",
                                     analyzer: AnalyzerConfiguration(sampleRate: 48_000, channelCount: 1), heartbeatSeconds: 10,
                                     maximumMessageBytes: 4_096, at: MessageTime(timeSeconds: 30, wallClockSeconds: 1_795_627_700.458))
        XCTAssertEqual(after, #"{"type":"hello","protocol_version":1,"server_version":"0.1.0","input":{"description":"file 'song.wav' at 4.0× speed","state":"finished"},"sample_rate":48000,"channels":1,"hop_size":480,"frame_rate":100,"delays_s":{"onset":0.0183,"beat":0.0083,"tempo":0.0213,"key":0.0853,"loudness":0.2},"features":["levels","loudness","spectral","spectrum","chroma","mfcc","tracking"],"default_features":["levels","loudness","spectral","tracking"],"events":["onset","beat","tempo","key","session","discontinuity","segment"],"max_fps":{"default":30,"min":1,"max":120},"heartbeat_s":10,"max_message_bytes":4096,"wall_clock":1795627700.458,"t":30}"#)
    }

    func testReplies_subscribedPongControlAcknowledgementAndError() {
        var spectrum = Subscription()
        spectrum.features = [.spectrum]
        spectrum.maximumFramesPerSecond = 2
        spectrum.binarySpectrum = true
        let later = MessageTime(timeSeconds: 10.07, wallClockSeconds: 1_795_627_690.4535)
        XCTAssertEqual(ReplyJSON.subscribed(spectrum, at: later),
                       #"{"type":"subscribed","features":["spectrum"],"max_fps":2,"binary_spectrum":true,"t":10.07,"wall_clock":1795627690.4535}"#)
        XCTAssertEqual(ReplyJSON.pong(id: "a\"b", at: time), #"{"type":"pong","id":"a\"b","t":0,"wall_clock":1795627688.4501}"#)
        XCTAssertEqual(ReplyJSON.pong(id: nil, at: time), #"{"type":"pong","id":null,"t":0,"wall_clock":1795627688.4501}"#)
        XCTAssertEqual(ReplyJSON.controlAcknowledgement(.meter(3), at: time),
                       #"{"type":"control_ack","command":"meter","value":3,"t":0,"wall_clock":1795627688.4501}"#)
        XCTAssertEqual(ReplyJSON.controlAcknowledgement(.tap, at: time), #"{"type":"control_ack","command":"tap","t":0,"wall_clock":1795627688.4501}"#)
        XCTAssertEqual(ReplyJSON.error(code: "no_tempo", message: "there is no tempo to lock yet: wait for the beat, or tap it", at: time),
                       #"{"type":"error","code":"no_tempo","message":"there is no tempo to lock yet: wait for the beat, or tap it","t":0,"wall_clock":1795627688.4501}"#)
    }

    func testPing_carriesOnlyItsTime() {
        XCTAssertEqual(PingJSON.encode(at: MessageTime(timeSeconds: 30, wallClockSeconds: 1_795_627_697.9973)),
                       #"{"type":"ping","t":30,"wall_clock":1795627697.9973}"#)
    }

    func testFrame_forTheDefaultSubscription_carriesItsFeaturesOnly() {
        var frame = FeatureFrame()
        frame.index = 1_252
        frame.timeSeconds = 12.53
        frame.tempoBPM = 124.1
        frame.keyIndex = 21
        frame.keyRunnerUpIndex = 0
        frame.keyMargin = 0.0834
        frame.peakDBFS = -7.6
        frame.rmsDBFS = -16.5
        frame.centroidHz = 1_446
        frame.flux = 0.0003
        frame.tempoConfidence = 0.8
        frame.nextBeatSeconds = 12.8317
        XCTAssertEqual(FrameJSON.encode(frame, wallClockSeconds: 1_795_294_841.9, fields: FrameFields(Subscription())),
                       #"{"type":"frame","index":1252,"t":12.53,"wall_clock":1795294841.9,"tempo_bpm":124.1,"key":"A minor","peak_dbfs":-7.6,"rms_dbfs":-16.5,"lufs_momentary":-200,"lufs_short_term":-200,"lufs_integrated":-200,"centroid_hz":1446,"rolloff_hz":0,"flatness":0,"flux":0.0003,"tempo_confidence":0.8,"key_confidence":0,"tuning_cents":0,"key_runner_up":"C major","key_margin":0.083,"tempo_locked":false,"beats_per_bar":4,"next_beat_t":12.8317}"#)
    }

    func testFrameFields_whenTheSpectrumGoesBinary_leaveSpectrumDBOut() {
        var subscription = Subscription()
        subscription.features = [.levels, .spectrum]
        XCTAssertEqual(FrameFields(subscription), [.levels, .spectrum])
        subscription.binarySpectrum = true
        XCTAssertEqual(FrameFields(subscription), [.levels])
    }

    func testSessionEventAndSegmentEvent() {
        XCTAssertEqual(EventJSON.session(timeSeconds: 0, sampleRate: 48_000, channelCount: 1, wallClockSeconds: 1_795_627_687.9349),
                       #"{"type":"session","t":0,"sample_rate":48000,"channels":1,"wall_clock":1795627687.9349}"#)
        var segment = Segment(startSeconds: 0.01, endSeconds: 10, startWallClock: 1_795_627_687.945, endWallClock: 1_795_627_697.9349,
                              tempoBPM: 119.99, tempoConfidence: 0.613, beatCount: 17, key: "A major", keyConfidence: 0.389,
                              loudnessLUFS: -17.72, loudnessRangeLU: 4.77, peakDBFS: -0.67, onsetRate: 2, centroidHz: 1_433.44, rolloffHz: 1_570.31,
                              flatness: 0.00071, chroma: [1, 0.5] + Array(repeating: 0, count: 10), mfcc: Array(repeating: -1.234, count: 13),
                              closeReason: .maximumLength)
        segment.id = 1
        segment.sessionID = 1
        let listed = #"{"id":1,"session":1,"start_t":0.01,"end_t":10,"start_wall":1795627687.945,"end_wall":1795627697.935,"tempo_bpm":119.99,"tempo_confidence":0.613,"beat_count":17,"key":"A major","key_confidence":0.389,"loudness_lufs":-17.72,"loudness_range_lu":4.77,"peak_dbfs":-0.67,"onset_rate":2,"close_reason":"max_length"}"#
        XCTAssertEqual(SegmentJSON.event(segment), #"{"type":"segment","t":10,"wall_clock":1795627697.9349,"# + listed.dropFirst())
        XCTAssertEqual(SegmentJSON.encode(segment, detail: false), listed)
        XCTAssertEqual(SegmentJSON.encode(segment, detail: true), listed.dropLast()
            + #","centroid_hz":1433.4,"rolloff_hz":1570.3,"flatness":0.0007,"chroma":[1,0.5,0,0,0,0,0,0,0,0,0,0],"mfcc":[-1.23,-1.23,-1.23,-1.23,-1.23,-1.23,-1.23,-1.23,-1.23,-1.23,-1.23,-1.23,-1.23]}"#)
    }

    func testMessageHead_replacesTheOpeningBraceWithTheConnectionsNumbers() {
        let ping = Array(#"{"type":"ping","t":1,"wall_clock":2}"#.utf8)
        XCTAssertEqual(String(decoding: MessageHead.prefixed(ping, sequence: 812), as: UTF8.self),
                       #"{"seq":812,"type":"ping","t":1,"wall_clock":2}"#)
        let frame = Array(#"{"type":"frame","index":3}"#.utf8)
        XCTAssertEqual(String(decoding: MessageHead.prefixed(frame, sequence: 3, droppedFrames: 0), as: UTF8.self),
                       #"{"seq":3,"dropped_frames":0,"type":"frame","index":3}"#)
    }

    func testBinarySpectrum_layoutIsLittleEndianWithA44ByteHeader() {
        var frame = FeatureFrame()
        frame.index = 1_132
        frame.timeSeconds = 11.33
        frame.spectrum[95] = -86.5
        let bytes = BinarySpectrum.encode(frame, wallClockSeconds: 1_795_627_690.5, sequence: 64)
        XCTAssertEqual(bytes.count, 44 + 4 * FeatureFrame.spectrumBandCount)
        XCTAssertEqual(Array(bytes[0..<4]), Array("SMSP".utf8))
        func integer<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            bytes[offset..<(offset + MemoryLayout<T>.size)].reversed().reduce(0) { $0 << 8 | T($1) }
        }
        XCTAssertEqual(integer(4, UInt32.self), 1)
        XCTAssertEqual(integer(8, UInt64.self), 64)
        XCTAssertEqual(integer(16, UInt64.self), 1_132)
        XCTAssertEqual(Double(bitPattern: integer(24, UInt64.self)), 11.33)
        XCTAssertEqual(Double(bitPattern: integer(32, UInt64.self)), 1_795_627_690.5)
        XCTAssertEqual(integer(40, UInt16.self), 96)
        XCTAssertEqual(Float(bitPattern: integer(44 + 4 * 95, UInt32.self)), -86.5)
    }

    func testJSONText_whenNumbersAreNotFiniteOrTextHasControlCharacters_staysValidJSON() {
        XCTAssertEqual(JSONText.rounded(Double.nan), "null")
        XCTAssertEqual(JSONText.rounded(-Double.infinity, 4), "null")
        XCTAssertEqual(JSONText.rounded(Float.infinity), "null")
        XCTAssertEqual(JSONText.rounded(2.0, 3), "2")
        XCTAssertEqual(JSONText.rounded(1e300), "1e+300")
        XCTAssertEqual(JSONText.quoted("a\"b\\c\nd\u{1}\u{7F}é"), #""a\"b\\c\nd\u0001"# + "\u{7F}é\"")
    }
}
