using System.Text;

namespace Biometrics.Matcher.Store;

/// <summary>Reads key bytes from a file (raw bytes, or base64 text) or a base64 string.</summary>
internal static class KeyMaterial
{
    public static byte[] Load(string? file, string? base64)
    {
        if (base64 is not null)
        {
            return Convert.FromBase64String(base64.Trim());
        }

        if (file is null)
        {
            throw new FormatException("no key configured");
        }

        var bytes = File.ReadAllBytes(file);
        // A file of base64 text (what `openssl rand -base64 32 > key` writes) is accepted too.
        var text = Encoding.ASCII.GetString(bytes).Trim();
        if (bytes.Length != 32 && text.Length > 0 && IsBase64(text))
        {
            return Convert.FromBase64String(text);
        }

        return bytes;
    }

    private static bool IsBase64(string text)
    {
        Span<byte> scratch = stackalloc byte[text.Length];
        return Convert.TryFromBase64String(text, scratch, out _);
    }
}
