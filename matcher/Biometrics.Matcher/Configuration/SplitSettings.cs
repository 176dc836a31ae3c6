using Biometrics.Matcher.Services;

namespace Biometrics.Matcher.Configuration;

/// <summary>
/// Split galleries (docs/SCALING.md, "Split galleries"): each matcher holds one part of the 1:N galleries (by the store's
/// bucket) and answers Identify by asking one holder of every other part. Off by default (one part: every matcher holds
/// every gallery). The watchlist gallery (<c>Matcher:Matching:WatchlistGallery</c>) is always held whole.
/// </summary>
public sealed class SplitSettings
{
    /// <summary>Parts the galleries are split into, 1..64 (1: not split).</summary>
    public int Parts { get; set; } = 1;

    /// <summary>The part this matcher holds, 0..<see cref="Parts"/> - 1.</summary>
    public int Part { get; set; }

    /// <summary>The matchers that hold each other part: key the part number, value their addresses
    /// (<c>http(s)://host:port</c>, comma-separated), for example <c>--Matcher:Split:Holders:1=https://m2:50051,https://m5:50051</c>.
    /// Every part but this matcher's own needs at least one.</summary>
    public Dictionary<string, string> Holders { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a holder that did not answer is tried only after the others, milliseconds.</summary>
    public int HolderBackoffMs { get; set; } = 2000;

    /// <summary>Mutual TLS between split matchers (docs/SECURITY.md, "Between split matchers"): the client certificate this
    /// matcher presents to the holders it asks, PEM (with <see cref="PeerKeyFile"/>) or PFX. Required with an
    /// <c>https://</c> <c>Matcher:Url</c>.</summary>
    public string? PeerCertificateFile { get; set; }

    /// <summary>PEM private key of <see cref="PeerCertificateFile"/> (PEM certificates only).</summary>
    public string? PeerKeyFile { get; set; }

    /// <summary>PEM file with the CA certificate(s) of the matchers: the holders' server certificates must chain to them
    /// (when this matcher asks), and so must the client certificate of a matcher that asks this one for its part.
    /// Only these are trusted, never the system roots. Required with an <c>https://</c> <c>Matcher:Url</c>.</summary>
    public string? PeerCaFile { get; set; }

    /// <summary>The holders of each part other than this matcher's, parsed (call after validation).</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<Uri>> ParseHolders()
    {
        var parsed = new Dictionary<int, IReadOnlyList<Uri>>();
        foreach (var (key, value) in Holders)
        {
            if (!int.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var part) || part == Part) continue;
            parsed[part] = [.. Addresses(value).Select(a => new Uri(a, UriKind.Absolute))];
        }

        return parsed;
    }

    /// <summary>Every problem with these settings, each naming its key; <paramref name="tls"/>: the matcher listens on
    /// <c>https://</c>, so its peers talk mutual TLS.</summary>
    public List<string> Check(bool developmentMode, bool tls = false)
    {
        var errors = new List<string>();
        if (Parts is < 1 or > GalleryPartition.MaxParts)
        {
            errors.Add($"Matcher:Split:Parts must be 1..{GalleryPartition.MaxParts} (1: galleries not split).");
            return errors;
        }

        if (Part < 0 || Part >= Parts) errors.Add($"Matcher:Split:Part must be 0..{Parts - 1} (the part this matcher holds).");
        if (HolderBackoffMs is < 0 or > 60_000) errors.Add("Matcher:Split:HolderBackoffMs must be 0..60000.");
        if (Parts == 1)
        {
            if (Holders.Count > 0) errors.Add("Matcher:Split:Holders is set but Matcher:Split:Parts is 1 (galleries not split): set Parts, or remove Holders.");
            return errors;
        }

        var covered = new HashSet<int>();
        foreach (var (key, value) in Holders)
        {
            if (!int.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var part) || part >= Parts)
            {
                errors.Add($"Matcher:Split:Holders:{Excerpt(key)} names no part: the keys are part numbers 0..{Parts - 1}.");
                continue;
            }

            foreach (var address in Addresses(value))
            {
                if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https") || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
                {
                    errors.Add($"Matcher:Split:Holders:{part} '{Excerpt(address)}' is not an address (http://host:port or https://host:port).");
                }
                else if (uri.Scheme == "http" && (!developmentMode || tls))
                {
                    errors.Add($"Matcher:Split:Holders:{part} '{Excerpt(address)}' is plain text (http://) but "
                        + (tls ? "this matcher listens on https:// and its peers talk mutual TLS" : "Matcher:Security:DevelopmentMode is false") + ": use https://.");
                }
                else if (part != Part)
                {
                    covered.Add(part);
                }
            }
        }

        if (tls)
        {
            if (string.IsNullOrEmpty(PeerCertificateFile))
            {
                errors.Add("Matcher:Split:PeerCertificateFile is not set: a split matcher on https:// presents a client certificate to the holders it asks (mutual TLS between matchers, docs/SECURITY.md).");
            }
            else if (!File.Exists(PeerCertificateFile))
            {
                errors.Add($"Matcher:Split:PeerCertificateFile '{PeerCertificateFile}' does not exist.");
            }

            if (PeerKeyFile is { Length: > 0 } key && !File.Exists(key)) errors.Add($"Matcher:Split:PeerKeyFile '{key}' does not exist.");
            if (string.IsNullOrEmpty(PeerCaFile))
            {
                errors.Add("Matcher:Split:PeerCaFile is not set: a split matcher on https:// checks its peers' certificates against the matchers' CA (mutual TLS between matchers, docs/SECURITY.md).");
            }
            else if (!File.Exists(PeerCaFile))
            {
                errors.Add($"Matcher:Split:PeerCaFile '{PeerCaFile}' does not exist.");
            }
        }

        var missing = Enumerable.Range(0, Parts).Where(p => p != Part && !covered.Contains(p)).ToList();
        if (missing.Count > 0)
        {
            errors.Add($"Matcher:Split:Holders has no holder of part {string.Join(", ", missing)}: every Identify on a split gallery would fail. "
                + $"Give each part other than this matcher's ({Part}) the address of at least one matcher that holds it (--Matcher:Split:Holders:{missing[0]}=http://host:port).");
        }

        return errors;
    }

    private static IEnumerable<string> Addresses(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Excerpt(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
