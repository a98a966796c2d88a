import CFFTW

/// The FFTW library this build runs on, for `samplemind version`.
public enum FFTWVersion {
    public static var description: String { String(cString: samplemind_fftwf_version()) }
}
