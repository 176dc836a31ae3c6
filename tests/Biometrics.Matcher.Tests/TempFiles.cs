namespace Biometrics.Matcher.Tests;

/// <summary>A temporary folder with a labelled pair list and a token signing key, and placeholders for them in
/// command lines: <c>{dir}</c>, <c>{pairs}</c>, <c>{out}</c>, <c>{key}</c>, <c>{long}</c> (100,000 characters).</summary>
internal sealed class TempFiles : IDisposable
{
    public TempFiles()
    {
        Dir = Directory.CreateTempSubdirectory("bio-cli-").FullName;
        Pairs = Path.Combine(Dir, "pairs.csv");
        File.WriteAllText(Pairs, "file_x,file_y,Decision\na.jpg,b.jpg,Yes\n");
        Out = Path.Combine(Dir, "calibration.json");
        Key = Path.Combine(Dir, "token-signing.key");
        File.WriteAllText(Key, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n");
    }

    public string Dir { get; }

    public string Pairs { get; }

    public string Out { get; }

    public string Key { get; }

    public string[] Expand(string args) => args.Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Select(a => a.Replace("{dir}", Dir, StringComparison.Ordinal).Replace("{pairs}", Pairs, StringComparison.Ordinal)
            .Replace("{out}", Out, StringComparison.Ordinal).Replace("{key}", Key, StringComparison.Ordinal)
            .Replace("{long}", new string('x', 100_000), StringComparison.Ordinal))
        .ToArray();

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
