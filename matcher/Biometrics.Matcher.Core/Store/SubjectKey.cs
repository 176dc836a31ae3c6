namespace Biometrics.Matcher.Store;

/// <summary>
/// The pseudonym of a subject: HMAC-SHA256 of the subject identifier under the pseudonymisation key, written as
/// 64 lower-case hex characters. It is the only subject reference Redis sees. Immutable.
/// </summary>
public readonly record struct SubjectKey
{
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

    /// <summary>The 32 HMAC bytes.</summary>
    public byte[] ToBytes() => Convert.FromHexString(Hex);

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
