namespace Biometrics.Matcher.Services;

/// <summary>The template store did not answer in time or at all (internal: turned into REFER or UNAVAILABLE).</summary>
public sealed class StoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}
