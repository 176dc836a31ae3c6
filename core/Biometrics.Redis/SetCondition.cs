namespace Biometrics.Redis;

/// <summary>When a <c>SET</c> applies.</summary>
public enum SetCondition
{
    /// <summary>Always (plain SET).</summary>
    Always,

    /// <summary>Only when the key does not exist (<c>NX</c>).</summary>
    IfNotExists,

    /// <summary>Only when the key exists (<c>XX</c>).</summary>
    IfExists,
}
