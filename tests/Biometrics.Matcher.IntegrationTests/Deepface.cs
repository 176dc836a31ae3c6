using Biometrics.Testing;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>The labelled pairs of <c>../shared/faces/deepface/master.csv</c> and the identities they imply (connected
/// components of the same-person pairs).</summary>
public sealed class Deepface
{
    public Deepface()
    {
        var root = SharedFiles.Face("deepface");
        foreach (var line in File.ReadLines(Path.Combine(root, "master.csv")).Skip(1))
        {
            var c = line.Split(',');
            if (c.Length < 3) continue;
            Pairs.Add((c[0].Trim(), c[1].Trim(), c[2].Trim().Equals("Yes", StringComparison.OrdinalIgnoreCase)));
        }

        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        string Find(string x)
        {
            if (!parent.TryGetValue(x, out var p)) return parent[x] = x;
            return p == x ? x : parent[x] = Find(p);
        }

        foreach (var (a, b, same) in Pairs)
        {
            Find(a);
            Find(b);
            if (same) parent[Find(a)] = Find(b);
        }

        foreach (var file in parent.Keys.Order(StringComparer.Ordinal))
        {
            var rootFile = Find(file);
            if (!Identities.TryGetValue(rootFile, out var members)) Identities[rootFile] = members = [];
            members.Add(file);
        }

        foreach (var (_, members) in Identities) members.Sort(StringComparer.Ordinal);
        foreach (var (_, members) in Identities)
        {
            foreach (var m in members) IdentityOf[m] = "person-" + members[0];
        }

        Root = root;
    }

    public string Root { get; }

    public List<(string A, string B, bool Same)> Pairs { get; } = [];

    /// <summary>Component root to its member files (sorted).</summary>
    public Dictionary<string, List<string>> Identities { get; } = new(StringComparer.Ordinal);

    /// <summary>File to subject id ("person-" + the identity's first file).</summary>
    public Dictionary<string, string> IdentityOf { get; } = new(StringComparer.Ordinal);

    /// <summary>The image enrolled for an identity: its first file.</summary>
    public static string Representative(List<string> members) => members[0];

    public byte[] Image(string file) => File.ReadAllBytes(Path.Combine(Root, file));
}
