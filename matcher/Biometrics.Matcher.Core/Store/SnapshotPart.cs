namespace Biometrics.Matcher.Store;

/// <summary>
/// The part of a snapshot a matcher of split galleries loads (docs/SCALING.md, "Split galleries"): every template whose
/// snapshot bucket (the top 14 bits of its subject key) is in [<see cref="FirstBucket"/>, <see cref="EndBucket"/>), and
/// of the others only those in one of <see cref="WholeGalleries"/> (held whole by every matcher: the watchlist).
/// </summary>
/// <param name="FirstBucket">The first bucket of the part.</param>
/// <param name="EndBucket">The bucket after the last of the part.</param>
/// <param name="WholeGalleries">Galleries loaded from every bucket.</param>
public sealed record SnapshotPart(int FirstBucket, int EndBucket, IReadOnlyList<string> WholeGalleries)
{
    /// <summary>True when <paramref name="bucket"/> is in the part's range.</summary>
    public bool Contains(int bucket) => bucket >= FirstBucket && bucket < EndBucket;
}
