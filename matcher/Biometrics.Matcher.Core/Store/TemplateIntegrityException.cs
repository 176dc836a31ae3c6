namespace Biometrics.Matcher.Store;

/// <summary>
/// A stored template failed authentication: the ciphertext, its model_id, version or subject key were altered,
/// or it was encrypted under a key this store does not hold. The template is never returned.
/// </summary>
public sealed class TemplateIntegrityException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TemplateIntegrityException(string message, Exception? inner = null) : base(message, inner) { }
}
