import CFFTW
import Synchronization

/// FFTW's planner is not thread-safe; every plan in the process is made and destroyed under this lock.
private let fftwPlannerLock = Mutex<Void>(())

/// A forward real-to-complex FFT of a fixed size, planned once with FFTW (single precision).
///
/// Fill ``input`` with `size` samples, call ``execute()``, then read ``real`` and ``imaginary``
/// (`size / 2 + 1` bins each, DC to Nyquist), or use ``powerSpectrum(into:)``.
public final class RealFFT {
    public let size: Int
    /// The number of complex output bins, `size / 2 + 1`.
    public let binCount: Int
    /// Caller-writable time-domain input, `size` samples, 16-byte aligned for FFTW's SIMD paths.
    public let input: UnsafeMutableBufferPointer<Float>
    private let output: UnsafeMutablePointer<fftwf_complex>
    private let plan: fftwf_plan

    /// Plans the transform. Not real-time safe: allocates and plans; call during set-up.
    public init(size: Int) throws(DSPError) {
        guard size >= 16, size <= 1 << 20, size % 2 == 0 else {
            throw .invalidParameter("FFT size must be even and between 16 and 1048576 samples, got \(size)")
        }
        self.size = size
        self.binCount = size / 2 + 1
        guard let inputMemory = fftwf_alloc_real(size), let outputMemory = fftwf_alloc_complex(binCount) else {
            throw .outOfMemory("FFT buffers of \(size) samples")
        }
        input = UnsafeMutableBufferPointer(start: inputMemory, count: size)
        input.initialize(repeating: 0)
        output = outputMemory
        nonisolated(unsafe) var made: fftwf_plan?
        fftwPlannerLock.withLock { _ in
            made = fftwf_plan_dft_r2c_1d(Int32(size), inputMemory, outputMemory, UInt32(FFTW_MEASURE | FFTW_DESTROY_INPUT))
        }
        guard let made else {
            fftwf_free(inputMemory)
            fftwf_free(outputMemory)
            throw .outOfMemory("an FFTW plan of size \(size)")
        }
        plan = made
        // FFTW_MEASURE scribbles on the buffers while it plans.
        input.initialize(repeating: 0)
    }

    deinit {
        fftwPlannerLock.withLock { _ in fftwf_destroy_plan(plan) }
        fftwf_free(input.baseAddress)
        fftwf_free(output)
    }

    /// Transforms ``input``; its contents are destroyed. Real-time safe: no allocation, locks or system calls.
    @inline(__always)
    public func execute() {
        fftwf_execute(plan)
    }

    /// Writes |X(k)|² for every bin into `power` (`binCount` values), scaled by `scale`.
    /// Real-time safe: no allocation, locks or system calls.
    @inline(__always)
    public func powerSpectrum(into power: UnsafeMutableBufferPointer<Float>, scale: Float, accumulate: Bool) {
        let raw = UnsafeMutableRawPointer(output).assumingMemoryBound(to: Float.self)
        if accumulate {
            for k in 0..<binCount {
                let re = raw[2 * k], im = raw[2 * k + 1]
                power[k] += (re * re + im * im) * scale
            }
        } else {
            for k in 0..<binCount {
                let re = raw[2 * k], im = raw[2 * k + 1]
                power[k] = (re * re + im * im) * scale
            }
        }
    }
}
