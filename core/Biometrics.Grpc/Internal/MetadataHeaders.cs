using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Biometrics.Grpc.Internal;

/// <summary>Converts between <see cref="Metadata"/> and HTTP header collections (base64 for <c>-bin</c> keys).</summary>
internal static class MetadataHeaders
{
    public static Metadata FromHeaders(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var header in headers)
        {
            if (GrpcProtocol.IsReservedHeader(header.Key)) continue;
            try
            {
                AddValues(metadata, header.Key, header.Value);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                // A reserved or malformed entry from the peer is dropped rather than failing the whole call.
            }
        }
        return metadata;
    }

    public static void AddValues(Metadata metadata, string key, StringValues values)
    {
        var lower = key.ToLowerInvariant();
        var binary = Metadata.IsBinaryKey(lower);
        foreach (var value in values)
        {
            if (value is null) continue;
            if (binary)
            {
                // Repeated binary headers may have been joined with commas by an intermediary.
                foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
                {
                    metadata.Add(new Metadata.Entry(lower, DecodeBase64(part)));
                }
            }
            else
            {
                metadata.Add(new Metadata.Entry(lower, value));
            }
        }
    }

    public static void AddToHeaders(Metadata metadata, IHeaderDictionary headers)
    {
        foreach (var entry in metadata)
        {
            var value = entry.IsBinary ? EncodeBase64(entry.ValueBytes) : entry.Value;
            headers.Append(entry.Key, value);
        }
    }

    /// <summary>Base64 without padding (what the spec asks senders to emit).</summary>
    public static string EncodeBase64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    /// <summary>Base64 with or without padding (receivers must accept both).</summary>
    public static byte[] DecodeBase64(string value)
    {
        var trimmed = value.Trim();
        var pad = (4 - trimmed.Length % 4) % 4;
        if (pad == 3) throw new FormatException("Invalid base64 length in a -bin metadata value.");
        return Convert.FromBase64String(pad == 0 ? trimmed : trimmed + new string('=', pad));
    }
}
