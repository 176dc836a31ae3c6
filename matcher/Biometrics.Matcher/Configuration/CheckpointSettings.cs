namespace Biometrics.Matcher.Configuration;

/// <summary>
/// The local gallery checkpoint (docs/MATCHER.md, "Start-up"): the galleries as held, encrypted, in one file, so that a
/// restart reads them instead of the whole store snapshot and catches up from the change stream. Off when
/// <see cref="Directory"/> is empty. Redis stays the store of record; the file is only a cache.
/// </summary>
public sealed class CheckpointSettings
{
    /// <summary>The folder of this matcher's checkpoint (created mode 0700; one matcher per folder). Empty: no checkpoint.</summary>
    public string? Directory { get; set; }

    /// <summary>False turns the checkpoint off while keeping <see cref="Directory"/>: the file there is deleted at start.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the checkpoint is rewritten while changes arrive, seconds (60..86400). A graceful shutdown writes it too.</summary>
    public int IntervalSeconds { get; set; } = 300;

    /// <summary>How soon after an erasure (a delete from the change stream) the checkpoint is rewritten without the erased
    /// template, seconds (1..60; docs/SECURITY.md, "Gallery checkpoint").</summary>
    public int ErasureRewriteSeconds { get; set; } = 20;

    /// <summary>True when a checkpoint is read and written.</summary>
    public bool IsOn => Enabled && !string.IsNullOrWhiteSpace(Directory);

    /// <summary>Every problem with these settings.</summary>
    public IEnumerable<string> Check()
    {
        if (!IsOn) yield break;
        if (IntervalSeconds is < 60 or > 86_400) yield return "Matcher:Checkpoint:IntervalSeconds must be 60..86400.";
        if (ErasureRewriteSeconds is < 1 or > 60) yield return "Matcher:Checkpoint:ErasureRewriteSeconds must be 1..60 (an erased template must leave the checkpoint promptly).";
        string? full = null;
        try
        {
            full = Path.GetFullPath(Directory!);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
        }

        if (full is null) yield return $"Matcher:Checkpoint:Directory '{Directory}' is not a valid path.";
        else if (File.Exists(full)) yield return $"Matcher:Checkpoint:Directory '{Directory}' is a file, not a folder.";
    }
}
