namespace Biometrics.Vision.Face;

/// <summary>
/// The configured execution provider cannot run here: CUDA on the CPU-only build, or on a host without the CUDA
/// libraries or a device. Thrown when the pipeline is built; there is no silent fallback to the CPU.
/// </summary>
public sealed class ExecutionProviderUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception with a message saying what is missing.</summary>
    public ExecutionProviderUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
