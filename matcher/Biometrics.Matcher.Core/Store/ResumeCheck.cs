namespace Biometrics.Matcher.Store;

/// <summary>
/// Whether a replica can follow the change stream from a position it saved itself (a local gallery checkpoint) and miss
/// nothing (<see cref="ITemplateStore.CheckResumableAsync"/>).
/// </summary>
/// <param name="Problem">Null when it can; otherwise why not, for a person (trimmed, recreated, another store).</param>
/// <param name="Latest">The newest change of every shard when checked: a replica that has applied up to here has caught up.</param>
public sealed record ResumeCheck(string? Problem, ChangeStreamPosition Latest);
