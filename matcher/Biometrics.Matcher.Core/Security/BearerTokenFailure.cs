namespace Biometrics.Matcher.Security;

/// <summary>Why a bearer token was refused (UNAUTHENTICATED on the wire; <see cref="Forbidden"/> is PERMISSION_DENIED).</summary>
public enum BearerTokenFailure
{
    /// <summary>Valid.</summary>
    None = 0,

    /// <summary>No token was presented.</summary>
    Missing,

    /// <summary>Not a token of this format (prefix, parts, base64url, JSON, fields, unknown role).</summary>
    Malformed,

    /// <summary>The key id is not configured.</summary>
    UnknownKey,

    /// <summary>The HMAC does not verify (tampered or signed with another key).</summary>
    BadSignature,

    /// <summary>The expiry has passed.</summary>
    Expired,

    /// <summary>Issued in the future beyond the clock skew.</summary>
    NotYetValid,

    /// <summary>Valid token, but its role may not perform the requested operation.</summary>
    Forbidden,
}
