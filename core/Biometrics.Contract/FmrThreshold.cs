using System.Numerics;

namespace Biometrics.Contract;

/// <summary>
/// The threshold at a target false-match rate, the rule of docs/POLICY.md ("Thresholds"): with N impostor scores and
/// m = floor(FMR x N) false matches allowed, the smallest t that at most m impostor scores reach (score &gt;= t): the
/// next value above the (m+1)-th highest impostor score, so impostors tied with it are rejected. A score &gt;= t is a
/// match. The matcher's calibration and the edge's pair evaluation both use it. Pure; thread-safe.
/// </summary>
public static class FmrThreshold
{
    /// <summary>The threshold for <paramref name="targetFmr"/> over impostor scores sorted from high to low.</summary>
    /// <exception cref="ArgumentException">No impostor scores.</exception>
    public static T At<T>(ReadOnlySpan<T> impostorsHighToLow, double targetFmr)
        where T : IFloatingPointIeee754<T>
    {
        if (impostorsHighToLow.IsEmpty) throw new ArgumentException("at least one impostor score is needed", nameof(impostorsHighToLow));
        var n = impostorsHighToLow.Length;
        // The epsilon keeps FMR x N = 3 from flooring to 2 when the product comes out as 2.9999999999999996.
        var allowed = (long)Math.Floor((targetFmr * n) + 1e-9);
        return allowed >= n ? impostorsHighToLow[n - 1] : T.BitIncrement(impostorsHighToLow[(int)allowed]);
    }
}
