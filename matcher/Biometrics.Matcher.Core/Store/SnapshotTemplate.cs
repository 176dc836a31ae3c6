namespace Biometrics.Matcher.Store;

/// <summary>
/// One template of a snapshot on the bulk path (<see cref="ITemplateStore.LoadSnapshotRowsAsync"/>): what a gallery
/// needs and no more. <see cref="Vector"/> is a view into the store's buffer, valid only during the call;
/// <see cref="Galleries"/> may be shared between templates and must not be modified.
/// </summary>
/// <param name="SubjectKey">The subject's pseudonym.</param>
/// <param name="Vector">The embedding (a view, valid during the call only).</param>
/// <param name="ModelId">The model that produced it.</param>
/// <param name="Galleries">The galleries the subject is in (shared, read-only).</param>
public readonly ref struct SnapshotTemplate(SubjectKey SubjectKey, ReadOnlySpan<float> Vector, string ModelId, string[] Galleries)
{
    /// <summary>The subject's pseudonym.</summary>
    public SubjectKey SubjectKey { get; } = SubjectKey;

    /// <summary>The embedding (a view, valid during the call only).</summary>
    public ReadOnlySpan<float> Vector { get; } = Vector;

    /// <summary>The model that produced it.</summary>
    public string ModelId { get; } = ModelId;

    /// <summary>The galleries the subject is in (shared between templates: do not modify).</summary>
    public string[] Galleries { get; } = Galleries;
}

/// <summary>Receives the templates of a snapshot on the bulk path, one at a time.</summary>
public delegate void SnapshotTemplateHandler(in SnapshotTemplate template);
