using System.Globalization;
using System.Net.Security;

namespace Biometrics.Redis;

/// <summary>
/// Where and how to connect. Parse a configuration string with <see cref="Parse"/>
/// (<c>"127.0.0.1:6379,user=app,password=secret,db=0,protocol=3,ssl=false,poolSize=1"</c>) or set properties.
/// </summary>
public sealed class RedisOptions
{
    /// <summary>Server host name or address.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Server TCP port.</summary>
    public int Port { get; set; } = 6379;

    /// <summary>ACL user name for <c>AUTH user password</c>; null for the legacy <c>AUTH password</c> form.</summary>
    public string? User { get; set; }

    /// <summary>Password; null for no AUTH.</summary>
    public string? Password { get; set; }

    /// <summary>Logical database selected on every connection (<c>SELECT</c>); 0 sends nothing.</summary>
    public int Database { get; set; }

    /// <summary>RESP version: <see cref="RedisProtocol.Resp3"/> sends <c>HELLO 3</c> at connect.</summary>
    public RedisProtocol Protocol { get; set; } = RedisProtocol.Resp2;

    /// <summary>Name set with <c>CLIENT SETNAME</c> (or <c>HELLO ... SETNAME</c>); null for none.</summary>
    public string? ClientName { get; set; }

    /// <summary>Wrap the connection in TLS.</summary>
    public bool UseTls { get; set; }

    /// <summary>Server name to validate the certificate against; defaults to <see cref="Host"/>.</summary>
    public string? TlsHost { get; set; }

    /// <summary>Custom certificate validation (e.g. to pin a private CA); null uses the system's validation.</summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidation { get; set; }

    /// <summary>Time allowed for TCP connect, TLS and handshake.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Default time a command may wait for its reply.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First delay before reconnecting after the connection was lost (doubles up to <see cref="ReconnectMaxDelay"/>).</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Largest delay between reconnect attempts.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Number of physical connections the multiplexer spreads commands over (round robin). One connection is
    /// usually enough: it pipelines every concurrent caller.
    /// </summary>
    public int PoolSize { get; set; } = 1;

    /// <summary>
    /// When true (default) the first connect must succeed or <see cref="RedisConnectionMultiplexer.ConnectAsync"/>
    /// throws; when false it returns at once and keeps trying in the background (commands fail fast until then).
    /// </summary>
    public bool AbortOnConnectFail { get; set; } = true;

    /// <summary>
    /// Run awaiting code on the thread pool (default, safe) instead of inline on the connection's reader loop
    /// (faster, but slow continuations then delay every other reply on the connection).
    /// </summary>
    public bool RunContinuationsAsynchronously { get; set; } = true;

    /// <summary>Parses <c>host:port[,key=value...]</c>. Keys: user, password, db, protocol (2|3), ssl, sslHost, name, connectTimeout, commandTimeout (ms), poolSize, abortConnect.</summary>
    public static RedisOptions Parse(string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var options = new RedisOptions();
        foreach (var raw in configuration.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = raw.IndexOf('=');
            if (eq < 0)
            {
                var colon = raw.LastIndexOf(':');
                options.Host = colon < 0 ? raw : raw[..colon];
                if (colon >= 0) options.Port = int.Parse(raw[(colon + 1)..], CultureInfo.InvariantCulture);
                continue;
            }

            var key = raw[..eq].Trim();
            var value = raw[(eq + 1)..].Trim();
            switch (key.ToLowerInvariant())
            {
                case "user": options.User = value; break;
                case "password": options.Password = value; break;
                case "db": options.Database = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "protocol": options.Protocol = value is "3" or "resp3" ? RedisProtocol.Resp3 : RedisProtocol.Resp2; break;
                case "ssl": options.UseTls = bool.Parse(value); break;
                case "sslhost": options.TlsHost = value; break;
                case "name": options.ClientName = value; break;
                case "connecttimeout": options.ConnectTimeout = TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture)); break;
                case "commandtimeout": options.CommandTimeout = TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture)); break;
                case "poolsize": options.PoolSize = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "abortconnect": options.AbortOnConnectFail = bool.Parse(value); break;
                default: throw new FormatException($"Unknown Redis option '{key}'.");
            }
        }

        return options;
    }

    /// <summary>Throws <see cref="ArgumentException"/> for values that cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host)) throw new ArgumentException("Host is required.");
        if (Port is <= 0 or > 65535) throw new ArgumentException($"Port {Port} is out of range.");
        if (PoolSize < 1) throw new ArgumentException("PoolSize must be at least 1.");
        if (CommandTimeout <= TimeSpan.Zero || ConnectTimeout <= TimeSpan.Zero) throw new ArgumentException("Timeouts must be positive.");
        if (Database < 0) throw new ArgumentException("Database must not be negative.");
    }

    /// <summary>A copy (so a caller's later changes do not affect a live connection).</summary>
    public RedisOptions Clone() => (RedisOptions)MemberwiseClone();

    /// <inheritdoc />
    public override string ToString() => $"{Host}:{Port}";
}
