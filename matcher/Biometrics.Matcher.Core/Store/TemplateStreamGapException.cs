namespace Biometrics.Matcher.Store;

/// <summary>
/// The change stream was trimmed past the position a replica wants to follow from; changes were lost for it.
/// Reload the snapshot (<see cref="ITemplateStore.LoadSnapshotAsync"/>) and follow from its position.
/// </summary>
public sealed class TemplateStreamGapException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TemplateStreamGapException(ChangeStreamPosition from, string firstRemaining)
        : base($"The change stream was trimmed (its first remaining entry is {firstRemaining}) past position {from}: reload the snapshot.")
    {
    }
}
