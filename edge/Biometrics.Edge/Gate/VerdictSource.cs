namespace Biometrics.Edge.Gate;

/// <summary>Who decided a verdict.</summary>
public enum VerdictSource
{
    /// <summary>The matcher's policy.</summary>
    Matcher,

    /// <summary>The edge itself: the budget ran out, the matcher was unreachable, no usable face or no claim.</summary>
    Edge,
}
