using YamlDotNet.RepresentationModel;

namespace Biometrics.Deploy.Tests;

/// <summary>Every Kubernetes object in <c>deploy/**/*.yaml</c>, parsed with YamlDotNet (multi-document files), and small
/// path lookups over them. Immutable once loaded.</summary>
internal sealed class Manifests
{
    private Manifests(IReadOnlyList<(string File, YamlMappingNode Node)> objects) => Objects = objects;

    public IReadOnlyList<(string File, YamlMappingNode Node)> Objects { get; }

    public static string Directory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Biometrics.sln")))
                {
                    return Path.Combine(dir.FullName, "deploy");
                }
            }

            throw new InvalidOperationException("Biometrics.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static Manifests Load()
    {
        var objects = new List<(string, YamlMappingNode)>();
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(file))
            {
                stream.Load(reader);
            }

            foreach (var document in stream.Documents)
            {
                if (document.RootNode is YamlMappingNode map)
                {
                    objects.Add((Path.GetRelativePath(Directory, file), map));
                }
            }
        }

        return new Manifests(objects);
    }

    /// <summary>The one object of <paramref name="kind"/> named <paramref name="name"/>.</summary>
    public YamlMappingNode Get(string kind, string name)
    {
        var found = Objects.Where(o => Text(o.Node, "kind") == kind && Text(o.Node, "metadata.name") == name).ToList();
        Assert.True(found.Count == 1, $"expected one {kind} '{name}' in deploy/, found {found.Count}");
        return found[0].Node;
    }

    /// <summary>The node at a dotted path (<c>spec.template.spec</c>; a number selects a sequence item), or null.</summary>
    public static YamlNode? At(YamlNode node, string path)
    {
        YamlNode? current = node;
        foreach (var part in path.Split('.'))
        {
            current = current switch
            {
                YamlMappingNode map => map.Children.TryGetValue(new YamlScalarNode(part), out var child) ? child : null,
                YamlSequenceNode seq when int.TryParse(part, out var i) && i < seq.Children.Count => seq.Children[i],
                _ => null,
            };
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    public static string? Text(YamlNode node, string path) => (At(node, path) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlMappingNode> Items(YamlNode node, string path) =>
        (At(node, path) as YamlSequenceNode)?.Children.OfType<YamlMappingNode>() ?? [];

    public static IReadOnlyDictionary<string, string> Map(YamlNode node, string path) =>
        (At(node, path) as YamlMappingNode)?.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => (p.Value as YamlScalarNode)?.Value ?? string.Empty)
        ?? new Dictionary<string, string>();

    /// <summary>Kubernetes memory quantity in bytes (<c>6Gi</c>, <c>512Mi</c>).</summary>
    public static long Bytes(string quantity)
    {
        var units = new (string Suffix, long Factor)[] { ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40) };
        foreach (var (suffix, factor) in units)
        {
            if (quantity.EndsWith(suffix, StringComparison.Ordinal))
            {
                return long.Parse(quantity[..^suffix.Length], System.Globalization.CultureInfo.InvariantCulture) * factor;
            }
        }

        return long.Parse(quantity, System.Globalization.CultureInfo.InvariantCulture);
    }
}
