namespace Biometrics.Matcher.Store;

/// <summary>Result of <see cref="ITemplateStore.LoadSnapshotAsync"/>.</summary>
/// <param name="Position">Follow the change stream from here to converge.</param>
/// <param name="Loaded">Templates delivered.</param>
/// <param name="Rejected">Templates that failed authentication (tampered or unknown key) and were skipped.</param>
public readonly record struct TemplateSnapshot(ChangeStreamPosition Position, long Loaded, long Rejected);
