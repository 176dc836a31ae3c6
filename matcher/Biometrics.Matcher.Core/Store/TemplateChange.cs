namespace Biometrics.Matcher.Store;

/// <summary>
/// One change delivered by <see cref="ITemplateStore.FollowAsync"/>. Apply changes in order: an upsert replaces the
/// subject's entry in every gallery (it carries the store's current state, which may already be newer than the
/// stream entry that announced it), a delete removes it.
/// </summary>
/// <param name="Kind">Upsert or delete.</param>
/// <param name="SubjectKey">The subject's pseudonym.</param>
/// <param name="Template">The current template for an upsert; null for a delete.</param>
/// <param name="Position">Stream position after this change (resume from here).</param>
public sealed record TemplateChange(TemplateChangeKind Kind, SubjectKey SubjectKey, StoredTemplate? Template, ChangeStreamPosition Position);
