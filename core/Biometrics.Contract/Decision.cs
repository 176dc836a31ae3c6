namespace Biometrics.Contract;

/// <summary>What the gate should do. The values are those of the wire enum <c>biometrics.v1.Decision</c> (0 = unspecified), so
/// a wire value converts by a cast.</summary>
public enum Decision
{
    /// <summary>Same person as the claim, above the verify threshold, quality and liveness fine, no watchlist hit.</summary>
    Accept = 1,

    /// <summary>Not the claimed person: good-quality probes scored below the threshold.</summary>
    Reject = 2,

    /// <summary>The probe could not be matched (poor quality, liveness too low, not enough evidence yet): capture again. Never final.</summary>
    Retry = 3,

    /// <summary>Send the traveller to an officer: watchlist hit, budget exhausted, a dependency down, or suspected attack.</summary>
    Refer = 4,
}
