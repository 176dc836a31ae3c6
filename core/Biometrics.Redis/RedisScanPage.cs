namespace Biometrics.Redis;

/// <summary>One page of a <c>SCAN</c>-family iteration. A <see cref="Cursor"/> of 0 means the iteration is complete.</summary>
/// <param name="Cursor">The cursor for the next call.</param>
/// <param name="Items">The keys (or members) on this page, decoded as UTF-8.</param>
public readonly record struct RedisScanPage(long Cursor, string[] Items);
