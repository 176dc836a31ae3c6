namespace Biometrics.Matcher.Core.Tests.Security;

/// <summary>A settable clock for token expiry tests.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
