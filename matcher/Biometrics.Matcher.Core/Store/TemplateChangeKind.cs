namespace Biometrics.Matcher.Store;

/// <summary>What happened to a subject.</summary>
public enum TemplateChangeKind
{
    /// <summary>Enrolled or re-enrolled; <see cref="TemplateChange.Template"/> holds the current template.</summary>
    Upsert,

    /// <summary>Deleted (erased); remove it from every gallery.</summary>
    Delete,
}
