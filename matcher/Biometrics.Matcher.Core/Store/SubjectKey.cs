namespace Biometrics.Matcher.Store;

/// <summary>
/// The pseudonym of a subject: HMAC-SHA256 of the subject identifier under the pseudonymisation key, written as
/// 64 lower-case hex characters. It is the only subject reference Redis sees. Immutable.
/// </summary>
public readonly record struct SubjectKey
{
    /// <summary>
    /// Bits of the key that pick its snapshot bucket: the top 14 of the HMAC, 16,384 buckets (docs/REDIS.md: part of the
    /// store's data layout; changing it needs a bucket rebuild). Split galleries cut the same buckets into parts
    /// (docs/SCALING.md, "Split galleries").
    /// </summary>
    public const int BucketBits = 14;

    /// <summary>Number of snapshot buckets.</summary>
    public const int BucketCount = 1 << BucketBits;

    /// <summary>Wraps a 64-character lower-case hex HMAC.</summary>
    /// <exception cref="FormatException">Not 64 hex characters.</exception>
    public SubjectKey(string hex)
    {
        if (hex is null || hex.Length != 64 || !IsLowerHex(hex))
        {
            throw new FormatException("A subject key is 64 lower-case hex characters.");
        }

        Hex = hex;
    }

    /// <summary>The key as 64 lower-case hex characters.</summary>
    public string Hex { get; }

    /// <summary>The key's snapshot bucket: its top <see cref="BucketBits"/> bits (uniformly spread).</summary>
    public int Bucket => ((Nibble(Hex[0]) << 12) | (Nibble(Hex[1]) << 8) | (Nibble(Hex[2]) << 4) | Nibble(Hex[3])) >> (16 - BucketBits);

    /// <summary>The 32 HMAC bytes.</summary>
    public byte[] ToBytes() => Convert.FromHexString(Hex);

    private static int Nibble(char c) => c <= '9' ? c - '0' : c - 'a' + 10;

    private static bool IsLowerHex(string s)
    {
        foreach (var c in s)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f'))) return false;
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Hex;
}
