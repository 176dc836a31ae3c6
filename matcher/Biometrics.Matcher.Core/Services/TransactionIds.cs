using System.Globalization;
using System.Security.Cryptography;

namespace Biometrics.Matcher.Services;

/// <summary>Unique decision ids: a random per-process prefix and a counter (cheap, unique across replicas). Thread-safe.</summary>
public static class TransactionIds
{
    private static readonly string s_prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
    private static long s_counter;

    /// <summary>The next id, e.g. <c>9f2c01ab44e1-000000000042</c>.</summary>
    public static string Next() =>
        string.Create(CultureInfo.InvariantCulture, $"{s_prefix}-{Interlocked.Increment(ref s_counter):x12}");
}
