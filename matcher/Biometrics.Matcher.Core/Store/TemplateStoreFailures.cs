namespace Biometrics.Matcher.Store;

/// <summary>How the services tell a store that failed from a caller that gave up.</summary>
public static class TemplateStoreFailures
{
    /// <summary>
    /// True when <paramref name="exception"/> means the store is down or slow: <see cref="ITemplateStore.IsUnavailable"/>,
    /// or a cancellation that <paramref name="cancellationToken"/> (the caller's) did not ask for.
    /// </summary>
    public static bool Failed(this ITemplateStore store, Exception exception, CancellationToken cancellationToken) =>
        store.IsUnavailable(exception)
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);
}
