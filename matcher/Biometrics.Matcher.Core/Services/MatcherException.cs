namespace Biometrics.Matcher.Services;

/// <summary>A failed matcher operation with its <see cref="Kind"/> and a machine-readable <see cref="Reason"/> (for example
/// <c>qr_expired</c> or <c>embedding_length</c>); the message is meant for the caller.</summary>
public sealed class MatcherException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MatcherException(MatcherErrorKind kind, string reason, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Reason = reason;
    }

    /// <summary>What kind of failure (maps to a transport status).</summary>
    public MatcherErrorKind Kind { get; }

    /// <summary>Machine-readable reason code.</summary>
    public string Reason { get; }

    /// <summary>INVALID_ARGUMENT.</summary>
    public static MatcherException Invalid(string reason, string message) => new(MatcherErrorKind.InvalidArgument, reason, message);

    /// <summary>NOT_FOUND.</summary>
    public static MatcherException NotFound(string reason, string message) => new(MatcherErrorKind.NotFound, reason, message);

    /// <summary>UNAVAILABLE.</summary>
    public static MatcherException Unavailable(string message, Exception? inner = null) => new(MatcherErrorKind.Unavailable, "store_unavailable", message, inner);
}
