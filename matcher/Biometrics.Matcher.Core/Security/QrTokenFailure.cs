namespace Biometrics.Matcher.Security;

/// <summary>Why a QR token was refused.</summary>
public enum QrTokenFailure
{
    /// <summary>The token is valid.</summary>
    None = 0,

    /// <summary>Not a token of this format: wrong prefix or parts, bad base64url, bad JSON, missing or invalid fields, too long.</summary>
    Malformed,

    /// <summary>The issuer id has no configured public key.</summary>
    UnknownIssuer,

    /// <summary>The signature does not verify under the issuer's key (tampered payload, wrong key, forged).</summary>
    Forged,

    /// <summary>The expiry has passed.</summary>
    Expired,

    /// <summary>Issued in the future (beyond the allowed clock skew).</summary>
    NotYetValid,
}
