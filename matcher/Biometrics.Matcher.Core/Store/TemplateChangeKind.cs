namespace Biometrics.Matcher.Store;

/// <summary>What happened to a subject.</summary>
public enum TemplateChangeKind
{
    /// <summary>Enrolled or re-enrolled; <see cref="TemplateChange.Template"/> holds the current template.</summary>
    Upsert,

    /// <summary>Deleted (erased); remove it from every gallery.</summary>
    Delete,

    /// <summary>
    /// Changed, but not fetched nor decrypted: a matcher of split galleries holds no row of it (a subject of another
    /// part's buckets, in none of the whole galleries; <see cref="ITemplateStore.FollowPartAsync"/>). Nothing to apply.
    /// </summary>
    Skipped,
}
