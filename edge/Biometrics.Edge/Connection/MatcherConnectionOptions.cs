namespace Biometrics.Edge.Connection;

/// <summary>
/// How the edge reaches the matcher. Read from configuration (<c>appsettings.json</c> section <c>Matcher</c>, environment
/// variables <c>BIOMETRICS_MATCHER__ADDRESS</c> and so on) and the command line; see <see cref="EdgeConfiguration"/>.
/// </summary>
public sealed class MatcherConnectionOptions
{
    /// <summary>The matcher's address: <c>https://host:port</c> (TLS, h2 by ALPN) or <c>http://host:port</c> (plain-text
    /// HTTP/2, tests and local runs only); several, comma-separated, are balanced over (docs/SCALING.md).</summary>
    public string Address { get; set; } = EdgeConfiguration.DefaultAddress;

    /// <summary>PEM file of the CA that signed the matcher's certificate (null: the system trust store).</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM certificate and key of this gate for mutual TLS (optional).</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>PEM private key for <see cref="ClientCertificateFile"/> (null when the certificate file holds it).</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>The bearer token sent as <c>authorization: Bearer ...</c> (role <c>gate</c> or <c>enrolment</c>).</summary>
    public string? Token { get; set; }

    /// <summary>A file holding the bearer token (read at start; takes effect when <see cref="Token"/> is not set).</summary>
    public string? TokenFile { get; set; }

    /// <summary>Time allowed to open a connection (default 1 s; the lane budget bounds every wait anyway).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Interval of HTTP/2 keep-alive PINGs on each connection, also while no call is active (default 30 s), so a
    /// connection that died silently (a NAT or firewall dropped it, the matcher host vanished) is found and replaced
    /// between travellers; <see cref="Timeout.InfiniteTimeSpan"/> turns them off.</summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a PING may go unanswered before the connection is closed (default 10 s).</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First reconnection delay (default 200 ms).</summary>
    public TimeSpan BackoffInitial { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest reconnection delay (default 5 s).</summary>
    public TimeSpan BackoffMaximum { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The token to send: <see cref="Token"/>, else the trimmed content of <see cref="TokenFile"/>, else null.</summary>
    public string? ResolveToken()
    {
        if (!string.IsNullOrWhiteSpace(Token))
        {
            return Token.Trim();
        }

        return string.IsNullOrEmpty(TokenFile) ? null : File.ReadAllText(TokenFile).Trim();
    }
}
