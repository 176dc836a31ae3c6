using StackExchange.Redis;

namespace Biometrics.Matcher.Store;

public sealed partial class RedisTemplateStore
{
    /// <inheritdoc />
    public bool IsUnavailable(Exception exception) =>
        exception is RedisException or TimeoutException or IOException or ObjectDisposedException;
}
