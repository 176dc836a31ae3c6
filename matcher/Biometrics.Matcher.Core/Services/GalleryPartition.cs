using System.Collections.Frozen;
using Biometrics.Matcher.Store;

namespace Biometrics.Matcher.Services;

/// <summary>
/// Which rows of the 1:N galleries this matcher holds when galleries are split across matchers (docs/SCALING.md,
/// "Split galleries"): the store's 16,384 snapshot buckets (the top 14 bits of the subject key, docs/REDIS.md) are cut
/// into <see cref="Parts"/> consecutive ranges and this matcher holds range <see cref="Part"/> of every gallery except
/// the whole ones (the watchlist), which every matcher holds entirely. With one part (the default) it holds everything.
/// Immutable, thread-safe.
/// </summary>
public sealed class GalleryPartition
{
    /// <summary>Most parts a gallery may be split into.</summary>
    public const int MaxParts = 64;

    private readonly FrozenSet<string> _whole;

    /// <summary>Creates the partition: part <paramref name="part"/> (0-based) of <paramref name="parts"/>, galleries
    /// named in <paramref name="wholeGalleries"/> held whole.</summary>
    public GalleryPartition(int parts, int part, IEnumerable<string> wholeGalleries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, MaxParts);
        ArgumentOutOfRangeException.ThrowIfNegative(part);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(part, parts);
        Parts = parts;
        Part = part;
        _whole = wholeGalleries.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>No split: every matcher holds every gallery.</summary>
    public static GalleryPartition Whole { get; } = new(1, 0, []);

    /// <summary>Parts of a split gallery (1: not split).</summary>
    public int Parts { get; }

    /// <summary>The part this matcher holds, 0..<see cref="Parts"/> - 1.</summary>
    public int Part { get; }

    /// <summary>True when galleries are split (more than one part).</summary>
    public bool IsSplit => Parts > 1;

    /// <summary>True when every matcher holds <paramref name="gallery"/> entirely (no split, or a whole gallery).</summary>
    public bool IsWhole(string gallery) => !IsSplit || _whole.Contains(gallery);

    /// <summary>The part that holds a subject's rows of split galleries: bucket b is in part floor(b * parts / 16384),
    /// so part p holds buckets [<see cref="FirstBucket"/>(p), <see cref="FirstBucket"/>(p + 1)).</summary>
    public int PartOf(SubjectKey key) => (int)((long)key.Bucket * Parts >> SubjectKey.BucketBits);

    /// <summary>The first bucket of part <paramref name="part"/> (0..<see cref="Parts"/>; <see cref="SubjectKey.BucketCount"/> for
    /// <see cref="Parts"/>): ceil(part * 16384 / parts).</summary>
    public int FirstBucket(int part) => (int)(((long)part * SubjectKey.BucketCount + Parts - 1) / Parts);

    /// <summary>What this matcher loads from the store's snapshot: its bucket range, and the whole galleries' members of
    /// every bucket.</summary>
    public SnapshotPart SnapshotPart => new(FirstBucket(Part), FirstBucket(Part + 1), [.. _whole]);

    /// <summary>The galleries among <paramref name="all"/> (a subject's) this matcher holds a row of: all of them (the
    /// same list) when nothing is split or the subject's bucket is in this part; only the whole galleries otherwise.</summary>
    public IReadOnlyList<string> HeldGalleries(SubjectKey key, IReadOnlyList<string> all)
    {
        ArgumentNullException.ThrowIfNull(all);
        if (!IsSplit || PartOf(key) == Part) return all;
        for (var i = 0; i < all.Count; i++)
        {
            if (!_whole.Contains(all[i])) return [.. all.Where(_whole.Contains)];
        }

        return all;
    }

    /// <inheritdoc />
    public override string ToString() => IsSplit ? $"part {Part} of {Parts}" : "whole";
}
