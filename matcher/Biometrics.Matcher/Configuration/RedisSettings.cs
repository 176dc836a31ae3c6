namespace Biometrics.Matcher.Configuration;

/// <summary>How the matcher reaches the template store.</summary>
public sealed class RedisSettings
{
    /// <summary>
    /// StackExchange.Redis configuration string: <c>host:port[,password=...,ssl=true,...]</c> for one server, or
    /// several nodes of a Redis Cluster (<c>host1:port1,host2:port2,...</c>; the client discovers the rest).
    /// </summary>
    public string Configuration { get; set; } = "127.0.0.1:6379";

    /// <summary>Time a single Redis command may take before it fails, milliseconds. Short, so a dead store turns
    /// into REFER/UNAVAILABLE well within a gate's deadline. Calls with a tighter deadline wait less.</summary>
    public int CommandTimeoutMs { get; set; } = 1000;

    /// <summary>Time to establish a connection, milliseconds.</summary>
    public int ConnectTimeoutMs { get; set; } = 2000;
}
