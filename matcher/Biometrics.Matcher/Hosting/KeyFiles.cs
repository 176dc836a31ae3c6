using System.Text;

namespace Biometrics.Matcher.Hosting;

/// <summary>Reads symmetric key files as raw bytes or base64 text (EC keys: <see cref="Security.KeyMaterial"/>).</summary>
public static class KeyFiles
{
    /// <summary>The key bytes of a file (base64 text is decoded; anything else is taken raw).</summary>
    public static byte[] Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var text = Encoding.ASCII.GetString(bytes).Trim();
        if (text.Length > 0)
        {
            var buffer = new byte[text.Length];
            if (Convert.TryFromBase64String(text, buffer, out var n) && n >= 16) return buffer[..n];
        }

        return bytes;
    }
}
