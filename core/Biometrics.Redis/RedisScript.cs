using System.Security.Cryptography;
using System.Text;

namespace Biometrics.Redis;

/// <summary>A Lua script and its SHA-1 (for <c>EVALSHA</c>). Immutable; create once and reuse.</summary>
public sealed class RedisScript
{
    /// <summary>Creates the script.</summary>
    public RedisScript(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        Text = text;
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The Lua source.</summary>
    public string Text { get; }

    /// <summary>Lower-case hex SHA-1 of the source, as Redis computes it.</summary>
    public string Sha1 { get; }
}
