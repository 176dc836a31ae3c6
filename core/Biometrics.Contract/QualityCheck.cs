namespace Biometrics.Contract;

/// <summary>Outcome of <see cref="QualityLimits.Check"/>: passed, or the first failed limit with a reason code and text.</summary>
/// <param name="Passed">True when every measured value is within the limits.</param>
/// <param name="Reason">A <see cref="ReasonCodes"/> value when failed; null when passed.</param>
/// <param name="Text">What to tell the traveller/officer when failed.</param>
public readonly record struct QualityCheck(bool Passed, string? Reason, string? Text)
{
    /// <summary>The passing result.</summary>
    public static QualityCheck Ok => new(true, null, null);

    internal static QualityCheck Fail(string reason, string text) => new(false, reason, text);
}
