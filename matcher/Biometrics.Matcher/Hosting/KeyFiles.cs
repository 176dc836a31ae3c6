using System.Security.Cryptography;
using System.Text;

namespace Biometrics.Matcher.Hosting;

/// <summary>Reads key files: symmetric keys as raw bytes or base64 text; ECDSA public keys as PEM.</summary>
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

    /// <summary>An ECDSA P-256 public key from a PEM file.</summary>
    /// <exception cref="InvalidOperationException">Not a P-256 key.</exception>
    public static ECDsa ReadEcdsaPublicKey(string path)
    {
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(File.ReadAllText(path));
            if (ec.KeySize != 256) throw new InvalidOperationException($"{path}: QR issuer keys must be ECDSA P-256, not {ec.KeySize} bits.");
            return ec;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            ec.Dispose();
            throw new InvalidOperationException($"{path}: not an ECDSA public key in PEM form ({ex.Message}).", ex);
        }
    }
}
