namespace Biometrics.Matcher.Services;

/// <summary>A claim as received. Immutable.</summary>
/// <param name="Kind">Which of the fields is set.</param>
/// <param name="Text">The subject identifier or the QR token.</param>
/// <param name="Reference">The reference template or image.</param>
public sealed record ClaimInput(ClaimKind Kind, string? Text = null, FaceInput? Reference = null)
{
    /// <summary>No claim.</summary>
    public static ClaimInput None { get; } = new(ClaimKind.None);
}
